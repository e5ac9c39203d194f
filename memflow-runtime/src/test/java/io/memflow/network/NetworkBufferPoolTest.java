package io.memflow.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.memflow.memory.MemorySegment;
import io.memflow.memory.MemorySegments;
import io.memflow.memory.MemoryType;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class NetworkBufferPoolTest {

  private static final int SIZE = 4096;
  private long offHeapBefore;
  private NetworkBufferPool global;

  @BeforeEach
  void start() {
    offHeapBefore = MemorySegments.offHeapBytesInUse();
    global = NetworkBufferPool.create(100, SIZE);
  }

  @AfterEach
  void allMemoryComesBack() {
    global.destroy();
    assertThat(MemorySegments.offHeapBytesInUse()).isEqualTo(offHeapBefore);
  }

  @Test
  void segmentsAreAllocatedUpFrontOffHeap() {
    assertThat(MemorySegments.offHeapBytesInUse() - offHeapBefore).isEqualTo(100L * SIZE);
    assertThat(global.totalNumberOfSegments()).isEqualTo(100);
    assertThat(global.numberOfFreeSegments()).isEqualTo(100);
    assertThat(global.segmentSize()).isEqualTo(SIZE);
  }

  @Test
  void heapSegmentsTakeNoOffHeapMemory() {
    NetworkBufferPool heap = NetworkBufferPool.create(10, SIZE, MemoryType.HEAP);
    BufferPool pool = heap.createBufferPool(1, 1);
    assertThat(pool.requestBuffer().segment().isOffHeap()).isFalse();
    assertThat(MemorySegments.offHeapBytesInUse() - offHeapBefore).isEqualTo(100L * SIZE);
    assertThatThrownBy(heap::destroy).isInstanceOf(IllegalStateException.class);
    pool.destroy();
    // the requested buffer is still out
    assertThatThrownBy(heap::destroy).hasMessageContaining("1 of 10 buffers not returned");
  }

  @Test
  void theSegmentRecycledLastIsHandedOutFirst() {
    MemorySegment first = global.requestSegment();
    MemorySegment second = global.requestSegment();
    global.recycle(first);
    global.recycle(second);
    // a stack: the warm segments go out again, the 98 never touched stay behind them
    assertThat(global.requestSegment()).isSameAs(second);
    assertThat(global.requestSegment()).isSameAs(first);
    global.recycleAll(List.of(first, second));
  }

  @Test
  void badSizesAreRejected() {
    assertThatThrownBy(() -> NetworkBufferPool.create(-1, SIZE)).hasMessageContaining("numberOfSegments=-1");
    assertThatThrownBy(() -> NetworkBufferPool.create(1, 5000)).hasMessageContaining("page size=5000");
    assertThatThrownBy(() -> global.createBufferPool(0, 1)).hasMessageContaining("required=0");
    assertThatThrownBy(() -> global.createBufferPool(5, 4)).hasMessage(
        "required=5 must be at least 1 and max=4 at least required");
  }

  @Test
  void aSinglePoolGetsAllTheExcessUpToItsMax() {
    BufferPool a = global.createBufferPool(10, 50);
    BufferPool b = global.createBufferPool(10, Integer.MAX_VALUE);
    // excess 80; headroom 40 and MAX (capped at 80): shares 80*40/120 = 26, 80 - 26 = 54
    assertThat(a.poolSize()).isEqualTo(36);
    assertThat(b.poolSize()).isEqualTo(64);
    a.destroy();
    assertThat(b.poolSize()).isEqualTo(100);
    b.destroy();
  }

  @Test
  void excessIsSharedInProportionToHeadroomAndRedistributedOnCreateAndDestroy() {
    BufferPool a = global.createBufferPool(20, 40); // headroom 20
    assertThat(a.poolSize()).isEqualTo(40);
    BufferPool b = global.createBufferPool(20, 80); // headroom 60; excess 60 -> 15 and 45
    assertThat(a.poolSize()).isEqualTo(35);
    assertThat(b.poolSize()).isEqualTo(65);
    // excess 30; headrooms capped at it: weights 20 and 30 -> 12 and 18
    BufferPool fixed = global.createBufferPool(30, 30);
    assertThat(fixed.poolSize()).isEqualTo(30);
    assertThat(a.poolSize()).isEqualTo(32);
    assertThat(b.poolSize()).isEqualTo(38);
    assertThat(a.poolSize() + b.poolSize() + fixed.poolSize()).isEqualTo(100);
    fixed.destroy();
    assertThat(a.poolSize()).isEqualTo(35);
    assertThat(b.poolSize()).isEqualTo(65);
    a.destroy();
    b.destroy();
  }

  @Test
  void aShrinkingPoolReturnsFreeSegmentsAtOnceAndUsedOnesWhenRecycled() {
    BufferPool a = global.createBufferPool(10, 100);
    Buffer[] held = new Buffer[100];
    for (int i = 0; i < 100; i++) {
      held[i] = a.requestBuffer();
    }
    assertThat(global.numberOfFreeSegments()).isZero();
    for (int i = 0; i < 10; i++) {
      held[i].release();
    }
    assertThat(a.numberOfAvailableBuffers()).isEqualTo(10);
    BufferPool b = global.createBufferPool(40, 40); // a shrinks to 60
    assertThat(a.poolSize()).isEqualTo(60);
    assertThat(a.numberOfAvailableBuffers()).isZero();
    assertThat(a.numberOfRequestedBuffers()).isEqualTo(90);
    assertThat(b.requestBuffer()).isNotNull().satisfies(Buffer::release);
    for (int i = 10; i < 100; i++) {
      held[i].release();
    }
    assertThat(a.numberOfRequestedBuffers()).isLessThanOrEqualTo(60);
    a.destroy();
    b.destroy();
    assertThat(global.numberOfFreeSegments()).isEqualTo(100);
  }

  @Test
  void creationFailsWithFlinksMessageAndHowMuchMemoryWouldSuffice() {
    BufferPool a = global.createBufferPool(70, 70);
    assertThatThrownBy(() -> global.createBufferPool(40, 50))
        .isInstanceOf(InsufficientNetworkBuffersException.class)
        .hasMessageStartingWith(
            "Insufficient number of network buffers: required 40, but only 30 available. The total number"
                + " of network buffers is currently set to 100 of 4096 bytes each.")
        .hasMessageContaining("network memory of 450560 bytes (110 buffers of 4096 bytes) would suffice")
        .hasMessageContaining("taskmanager.memory.network.min: 1mb")
        .satisfies(e -> {
          var ex = (InsufficientNetworkBuffersException) e;
          assertThat(ex.required()).isEqualTo(40);
          assertThat(ex.available()).isEqualTo(30);
          assertThat(ex.total()).isEqualTo(100);
          assertThat(ex.segmentSize()).isEqualTo(SIZE);
          assertThat(ex.sufficientBytes()).isEqualTo(110L * SIZE);
        });
    assertThat(global.numberOfBufferPools()).isEqualTo(1);
    assertThat(global.numberOfRequiredSegments()).isEqualTo(70);
    BufferPool fits = global.createBufferPool(30, 30);
    assertThat(fits.poolSize()).isEqualTo(30);
    fits.destroy();
    a.destroy();
  }

  @Test
  void theMemoryHintRoundsUpToWholeMebibytes() {
    NetworkBufferPool big = NetworkBufferPool.create(0, 32 * 1024, MemoryType.HEAP);
    assertThatThrownBy(() -> big.createBufferPool(33, 33))
        .hasMessageContaining("1081344 bytes")
        .hasMessageContaining("taskmanager.memory.network.min: 2mb and taskmanager.memory.network.max: 2mb");
    big.destroy();
  }

  @Test
  void destroyWithPoolsOrBuffersOutstandingThrowsNamingThem() {
    BufferPool a = global.createBufferPool(3, 5);
    Buffer buffer = a.requestBuffer();
    assertThatThrownBy(global::destroy)
        .hasMessageContaining("1 buffer pools not destroyed")
        .hasMessageContaining("LocalBufferPool[required=3, max=5")
        .hasMessageContaining("of 100 buffers not returned");
    a.destroy();
    assertThatThrownBy(global::destroy).hasMessageContaining("1 of 100 buffers not returned");
    assertThat(global.isDestroyed()).isFalse();
    buffer.release();
    assertThat(global.numberOfFreeSegments()).isEqualTo(100);
  }

  @Test
  void destroyedGlobalPoolRefusesNewPoolsAndDestroyIsIdempotent() {
    NetworkBufferPool other = NetworkBufferPool.create(2, SIZE);
    other.destroy();
    other.destroy();
    assertThat(other.isDestroyed()).isTrue();
    assertThatThrownBy(() -> other.createBufferPool(1, 1)).hasMessageContaining("destroyed");
  }
}
