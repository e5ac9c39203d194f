package io.memflow.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class NativePageCacheTest {

  private static final int PAGE = 32 * 1024;

  @Test
  void aFreedPageIsReusedAndCountsAsCachedNotInUse() {
    MemorySegments.trimOffHeapCache();
    long inUse = MemorySegments.offHeapBytesInUse();
    MemorySegment first = MemorySegments.allocateOffHeap(PAGE);
    first.putLong(0, 42);
    first.free();
    assertThat(MemorySegments.offHeapBytesInUse()).isEqualTo(inUse);
    assertThat(MemorySegments.offHeapBytesCached()).isGreaterThanOrEqualTo(PAGE);

    MemorySegment second = MemorySegments.allocateOffHeap(PAGE);
    assertThat(MemorySegments.offHeapBytesInUse()).isEqualTo(inUse + PAGE);
    assertThatThrownBy(() -> first.getLong(0)).isInstanceOf(IllegalStateException.class);
    second.putLong(0, 7);
    assertThat(second.getLong(0)).isEqualTo(7);
    second.free();
    assertThat(MemorySegments.offHeapBytesInUse()).isEqualTo(inUse);
  }

  @Test
  void theCacheIsBoundedAndTrimReturnsEverything() {
    MemorySegments.trimOffHeapCache();
    List<MemorySegment> pages = new ArrayList<>();
    int count = (int) (NativePageCache.MAX_BYTES / PAGE) + 10;
    for (int i = 0; i < count; i++) {
      pages.add(MemorySegments.allocateOffHeap(PAGE));
    }
    pages.forEach(MemorySegment::free);
    assertThat(MemorySegments.offHeapBytesCached()).isLessThanOrEqualTo(3 * NativePageCache.MAX_BYTES);
    MemorySegments.trimOffHeapCache();
    assertThat(MemorySegments.offHeapBytesCached()).isZero();
  }

  @Test
  void otherSizesAreNotCached() {
    MemorySegments.trimOffHeapCache();
    MemorySegments.allocateOffHeap(1000).free();
    MemorySegments.allocateOffHeap(3 << 12).free();
    MemorySegments.allocateOffHeap(2 << 20).free();
    assertThat(MemorySegments.offHeapBytesCached()).isZero();
  }

  @Test
  void liveSegmentsNeverShareMemory() {
    Set<Long> addresses = new HashSet<>();
    List<MemorySegment> pages = new ArrayList<>();
    for (int round = 0; round < 3; round++) {
      for (int i = 0; i < 50; i++) {
        MemorySegment page = MemorySegments.allocateOffHeap(4096);
        page.putInt(0, i);
        pages.add(page);
      }
      for (int i = 0; i < 50; i++) {
        assertThat(pages.get(i).getInt(0)).isEqualTo(i);
        assertThat(addresses.add(address(pages.get(i)))).isTrue();
      }
      pages.forEach(MemorySegment::free);
      pages.clear();
      addresses.clear();
    }
  }

  @Test
  void heapByteBufferTransfersCopyTheRightBytes() {
    MemorySegment page = MemorySegments.allocateOffHeap(4096);
    try {
      byte[] backing = new byte[64];
      for (int i = 0; i < backing.length; i++) {
        backing[i] = (byte) i;
      }
      ByteBuffer source = ByteBuffer.wrap(backing, 8, 40).slice().position(4);
      page.put(100, source, 16);
      assertThat(source.position()).isEqualTo(20);
      assertThat(page.get(100)).isEqualTo((byte) 12);
      assertThat(page.get(115)).isEqualTo((byte) 27);
      ByteBuffer target = ByteBuffer.wrap(new byte[32], 4, 20).slice().position(2);
      page.get(100, target, 16);
      assertThat(target.position()).isEqualTo(18);
      assertThat(target.array()[4 + 2]).isEqualTo((byte) 12);
      assertThat(target.array()[4 + 17]).isEqualTo((byte) 27);
    } finally {
      page.free();
    }
  }

  private static long address(MemorySegment page) {
    return page.asByteBuffer(0, 1).isDirect()
        ? java.lang.foreign.MemorySegment.ofBuffer(page.asByteBuffer(0, 1)).address()
        : -1;
  }
}
