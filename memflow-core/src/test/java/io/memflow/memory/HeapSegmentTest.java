package io.memflow.memory;

/** The contract for heap segments from {@link MemorySegments#allocateHeap}. */
class HeapSegmentTest extends MemorySegmentContractTest {
  @Override
  MemorySegment create(int size, Object owner) {
    return MemorySegments.allocateHeap(size, owner);
  }

  @Override
  MemoryType expectedType() {
    return MemoryType.HEAP;
  }
}
