package io.memflow.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MemorySegmentsTest {

  @ParameterizedTest
  @ValueSource(ints = {4096, 8192, 32768, 1 << 20, 1 << 30})
  void acceptsPowerOfTwoPageSizesFrom4KiB(int size) {
    assertThat(MemorySegments.checkPageSize(size)).isEqualTo(size);
  }

  @ParameterizedTest
  @ValueSource(ints = {0, -4096, 2048, 4095, 4097, 12288, 32767, Integer.MIN_VALUE, Integer.MAX_VALUE})
  void rejectsOtherPageSizesNamingTheValueAndTheRange(int size) {
    assertThatThrownBy(() -> MemorySegments.checkPageSize(size))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("page size=" + size)
        .hasMessageContaining("power of two from 4096");
  }

  @Test
  void batchAllocationAndFreeAccountEveryByteAcrossBatchesAndSizes() {
    long before = MemorySegments.offHeapBytesInUse();
    List<MemorySegment> pages = new ArrayList<>();
    MemorySegments.allocate(MemoryType.OFF_HEAP, 4096, "owner", 150, pages); // more than one batch of 64
    MemorySegments.allocate(MemoryType.OFF_HEAP, 8192, "owner", 3, pages);
    MemorySegments.allocate(MemoryType.HEAP, 4096, "owner", 2, pages);
    assertThat(pages).hasSize(155);
    assertThat(pages).allSatisfy(p -> assertThat(p.owner()).isEqualTo("owner"));
    assertThat(pages.stream().distinct()).hasSize(155);
    assertThat(MemorySegments.offHeapBytesInUse() - before).isEqualTo(150L * 4096 + 3L * 8192);
    for (int i = 0; i < pages.size(); i++) {
      pages.get(i).putInt(0, i); // every page is usable
    }
    for (int i = 0; i < pages.size(); i++) {
      assertThat(pages.get(i).getInt(0)).isEqualTo(i); // and no two share memory
    }
    MemorySegments.freeAll(pages);
    assertThat(pages).allSatisfy(p -> assertThat(p.isFreed()).isTrue());
    assertThat(MemorySegments.offHeapBytesInUse()).isEqualTo(before);
  }

  @Test
  void freeAllFreesNothingIfOneSegmentWasFreedBefore() {
    long before = MemorySegments.offHeapBytesInUse();
    List<MemorySegment> pages = new ArrayList<>();
    MemorySegments.allocate(MemoryType.OFF_HEAP, 4096, null, 3, pages);
    pages.get(1).free();
    assertThatThrownBy(() -> MemorySegments.freeAll(pages))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("already freed");
    assertThat(pages.get(0).isFreed()).isFalse();
    assertThat(pages.get(2).isFreed()).isFalse();
    pages.get(0).free();
    pages.get(2).free();
    assertThat(MemorySegments.offHeapBytesInUse()).isEqualTo(before);
  }

  @Test
  void freeAllOfASegmentListedTwiceFailsWithoutLeakingTheOthers() {
    long before = MemorySegments.offHeapBytesInUse();
    List<MemorySegment> pages = new ArrayList<>();
    MemorySegments.allocate(MemoryType.OFF_HEAP, 4096, null, 2, pages);
    pages.add(pages.get(0));
    assertThatThrownBy(() -> MemorySegments.freeAll(pages)).isInstanceOf(IllegalStateException.class);
    assertThat(MemorySegments.offHeapBytesInUse()).isEqualTo(before);
  }

  @Test
  void defaultPageSizeIs32KiB() {
    assertThat(MemorySegments.DEFAULT_PAGE_SIZE).isEqualTo(32 * 1024);
  }

  @Test
  void pageAllocatorsHandOutPagesOfTheirSizeAndKind() {
    long before = MemorySegments.offHeapBytesInUse();
    PageAllocator offHeap = PageAllocator.offHeap(8192);
    PageAllocator heap = PageAllocator.heap(MemorySegments.DEFAULT_PAGE_SIZE);
    List<MemorySegment> pages = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      pages.add(offHeap.allocate("task-" + i));
      pages.add(heap.allocate(null));
    }
    assertThat(MemorySegments.offHeapBytesInUse() - before).isEqualTo(100 * 8192L);
    assertThat(pages).filteredOn(MemorySegment::isOffHeap).allMatch(p -> p.size() == 8192);
    assertThat(pages).filteredOn(p -> !p.isOffHeap()).allMatch(p -> p.size() == 32768);
    assertThat(pages.get(0).owner()).isEqualTo("task-0");
    pages.forEach(MemorySegment::free);
    assertThat(MemorySegments.offHeapBytesInUse()).isEqualTo(before);
  }

  @Test
  void pageAllocatorRejectsBadPageSizes() {
    assertThatThrownBy(() -> PageAllocator.offHeap(1000)).hasMessageContaining("page size=1000");
  }

  @Test
  void freeingAnOffHeapPageReturnsItsMemoryImmediately() {
    long before = MemorySegments.offHeapBytesInUse();
    MemorySegment page = MemorySegments.allocateOffHeap(1 << 20);
    assertThat(MemorySegments.offHeapBytesInUse()).isEqualTo(before + (1 << 20));
    page.free();
    assertThat(MemorySegments.offHeapBytesInUse()).isEqualTo(before);
  }

  @Test
  void manyAllocateFreeCyclesLeaveNothingBehind() {
    long before = MemorySegments.offHeapBytesInUse();
    for (int i = 0; i < 100_000; i++) {
      MemorySegment page = MemorySegments.allocateOffHeap(32768);
      page.putLong(32760, i);
      page.free();
    }
    assertThat(MemorySegments.offHeapBytesInUse()).isEqualTo(before);
  }

  @Test
  void rejectsBadSizes() {
    assertThatThrownBy(() -> MemorySegments.allocateHeap(-1)).hasMessageContaining("size=-1");
    assertThatThrownBy(() -> MemorySegments.allocateOffHeap(0)).hasMessageContaining("off-heap size=0");
    assertThatThrownBy(() -> MemorySegments.wrap(new byte[4], 2, 3, null)).isInstanceOf(IndexOutOfBoundsException.class);
  }

  @Test
  void wrappingSharesTheBytesOfArraysAndBuffers() {
    byte[] array = new byte[16];
    MemorySegment overArray = MemorySegments.wrap(array, 4, 8, null);
    overArray.putInt(0, 0x01020304);
    assertThat(overArray.size()).isEqualTo(8);
    assertThat(array[4] | array[5] | array[6] | array[7]).isNotZero();
    ByteBuffer direct = ByteBuffer.allocateDirect(32).position(10);
    MemorySegment overDirect = MemorySegments.wrap(direct);
    assertThat(overDirect.size()).isEqualTo(32);
    overDirect.put(31, (byte) 5);
    assertThat(direct.get(31)).isEqualTo((byte) 5);
    overDirect.free();
    assertThat(direct.get(31)).isEqualTo((byte) 5); // the buffer keeps owning its memory
  }

  @Test
  void refusesReadOnlyBuffers() {
    ByteBuffer readOnly = ByteBuffer.allocate(8).asReadOnlyBuffer();
    assertThatThrownBy(() -> MemorySegments.wrap(readOnly))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("read-only");
  }

  @Test
  void allocatesEachType() {
    MemorySegment heap = MemorySegments.allocate(MemoryType.HEAP, 64, null);
    MemorySegment off = MemorySegments.allocate(MemoryType.OFF_HEAP, 64, null);
    assertThat(heap.type()).isEqualTo(MemoryType.HEAP);
    assertThat(off.type()).isEqualTo(MemoryType.OFF_HEAP);
    heap.free();
    off.free();
  }
}
