package io.memflow.memory;

/** The contract for segments over part of an existing array (non-zero offset). */
class WrappedArraySegmentTest extends MemorySegmentContractTest {
  @Override
  MemorySegment create(int size, Object owner) {
    return MemorySegments.wrap(new byte[size + 13], 7, size, owner);
  }

  @Override
  MemoryType expectedType() {
    return MemoryType.HEAP;
  }
}
