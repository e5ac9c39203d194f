package io.memflow.managed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.memflow.memory.MemorySegments;
import io.memflow.memory.MemoryType;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class MemoryManagerBuilderTest {

  @Test
  void defaultsAre32KiBOffHeapPagesAndTheFailPolicy() {
    try (MemoryManager manager = MemoryManager.builder().budget(1 << 20).build()) {
      assertThat(manager.pageSize()).isEqualTo(MemorySegments.DEFAULT_PAGE_SIZE);
      assertThat(manager.memoryType()).isEqualTo(MemoryType.OFF_HEAP);
      assertThat(manager.policy()).isEqualTo(AllocationPolicy.FAIL);
      assertThat(manager.computeNumberOfPages(1.0)).isEqualTo(32);
    }
  }

  @Test
  void theBudgetIsRequiredAndNotNegative() {
    assertThatThrownBy(() -> MemoryManager.builder().build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("budget=-1");
    assertThatThrownBy(() -> MemoryManager.builder().budget(-5).build()).hasMessageContaining("budget=-5");
  }

  @Test
  void aZeroBudgetServesNothing() {
    try (MemoryManager manager = MemoryManager.builder().budget(0).build()) {
      assertThatThrownBy(() -> manager.allocatePages("t", 1)).isInstanceOf(MemoryAllocationException.class);
    }
  }

  @Test
  void thePageSizeIsChecked() {
    assertThatThrownBy(() -> MemoryManager.builder().budget(1 << 20).pageSize(5000).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("page size=5000");
  }

  @Test
  void aNegativeWaitIsRejected() {
    assertThatThrownBy(() -> MemoryManager.builder().budget(1).maxWait(Duration.ofMillis(-1)).build())
        .hasMessageContaining("maxWait=PT-0.001S");
  }

  @Test
  void consumerRegistrationsAreChecked() {
    try (MemoryManager manager = MemoryManager.builder().budget(1 << 20).build()) {
      manager.registerConsumer("c", bytes -> 0);
      assertThatThrownBy(() -> manager.registerConsumer("c", bytes -> 0))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("owner=c is already a registered consumer");
      assertThatThrownBy(() -> manager.registerConsumer("d", 0, bytes -> 0))
          .hasMessageContaining("weight=0 of owner=d must be at least 1");
      manager.unregisterConsumer("c");
      manager.registerConsumer("c", 3, bytes -> 0);
    }
  }
}
