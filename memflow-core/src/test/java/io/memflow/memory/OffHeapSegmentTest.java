package io.memflow.memory;

/** The contract for off-heap pages from the C allocator ({@link MemorySegments#allocateOffHeap}). */
class OffHeapSegmentTest extends MemorySegmentContractTest {
  @Override
  MemorySegment create(int size, Object owner) {
    return MemorySegments.allocateOffHeap(size, owner);
  }

  @Override
  MemoryType expectedType() {
    return MemoryType.OFF_HEAP;
  }

  @Override
  boolean startsZeroed() {
    return false;
  }
}
