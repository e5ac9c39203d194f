package io.memflow.managed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LruReclaimPolicyTest {

  static final int PAGE = 4096;

  final MemoryManager manager =
      MemoryManager.builder().budget(8L * PAGE).pageSize(PAGE).policy(AllocationPolicy.LRU_RECLAIM).build();
  final List<String> log = new CopyOnWriteArrayList<>();
  SpillingConsumer a;
  SpillingConsumer b;
  SpillingConsumer c;

  @BeforeEach
  void fillTheBudgetInTheOrderABC() throws Exception {
    a = new SpillingConsumer("a", manager, log).register(1).allocate(3);
    b = new SpillingConsumer("b", manager, log).register(1).allocate(3);
    c = new SpillingConsumer("c", manager, log).register(1).allocate(2);
  }

  @AfterEach
  void releaseEverything() {
    for (SpillingConsumer consumer : List.of(a, b, c)) {
      manager.releaseAll(consumer);
    }
    manager.releaseAll("d");
    manager.close();
  }

  @Test
  void theLeastRecentlyUsedConsumerIsAskedFirst() throws Exception {
    assertThat(manager.allocatePages("d", 2)).hasSize(2);

    assertThat(log).containsExactly("a:8192");
    assertThat(a.held()).isEqualTo(1);
    assertThat(b.held()).isEqualTo(3);
  }

  @Test
  void consumersAreAskedInTurnUntilTheRequestFits() throws Exception {
    assertThat(manager.allocatePages("d", 5)).hasSize(5);

    assertThat(log).containsExactly("a:20480", "b:8192");
    assertThat(a.held()).isZero();
    assertThat(b.held()).isEqualTo(1);
    assertThat(c.held()).isEqualTo(2);
  }

  @Test
  void touchingAConsumerMakesItTheMostRecentlyUsed() throws Exception {
    manager.touch(a);
    manager.allocatePages("d", 1);
    assertThat(log).containsExactly("b:4096");
  }

  @Test
  void anAllocationCountsAsAUse() throws Exception {
    manager.release(a.pages.removeLast());
    a.allocate(1); // a is now the most recent
    manager.allocatePages("d", 4);
    assertThat(log).containsExactly("b:16384", "c:4096");
  }

  @Test
  void theRequesterIsNeverAskedToReclaimForItself() throws Exception {
    a.allocate(0);
    assertThatThrownBy(() -> a.allocate(6)).isInstanceOf(MemoryAllocationException.class);
    assertThat(log).containsExactly("b:24576", "c:12288");
    assertThat(a.held()).isEqualTo(3);
    assertThat(manager.availableMemory()).isEqualTo(5L * PAGE);
  }

  @Test
  void ifTheConsumersCannotFreeEnoughTheRequestFailsHavingTakenNothing() throws Exception {
    b.refuses = true;
    c.refuses = true;

    assertThatThrownBy(() -> manager.allocatePages("d", 4))
        .isInstanceOf(MemoryAllocationException.class)
        .hasMessageContaining("after asking every other consumer to reclaim")
        .hasMessageContaining("requested=16384 available=12288");
    assertThat(log).containsExactly("a:16384", "b:4096", "c:4096");
    assertThat(manager.metrics().owner("d").pages()).isZero();
  }

  @Test
  void aConsumerThatThrowsIsSkippedAndItsFailureKept() throws Exception {
    manager.unregisterConsumer(a);
    manager.registerConsumer(a, bytes -> {
      throw new IllegalStateException("cannot spill");
    });
    assertThat(manager.allocatePages("d", 1)).hasSize(1);
    assertThat(log).containsExactly("b:4096");

    b.refuses = true;
    c.refuses = true;
    assertThatThrownBy(() -> manager.allocatePages("d", 1))
        .isInstanceOf(MemoryAllocationException.class)
        .hasCauseInstanceOf(IllegalStateException.class)
        .hasRootCauseMessage("cannot spill");
  }

  @Test
  void unregisteredOwnersAreNeverAsked() throws Exception {
    manager.unregisterConsumer(a);
    manager.allocatePages("d", 1);
    assertThat(log).containsExactly("b:4096");
  }

  @Test
  void consumersHoldingNothingAreNotAsked() throws Exception {
    manager.releaseAll(a);
    a.pages.clear();
    manager.allocatePages("d", 3);
    assertThat(log).isEmpty();
    manager.allocatePages("d", 1);
    assertThat(log).containsExactly("b:4096");
  }
}
