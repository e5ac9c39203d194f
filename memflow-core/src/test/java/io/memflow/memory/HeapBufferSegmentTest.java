package io.memflow.memory;

import java.nio.ByteBuffer;

/** The contract for segments over a heap ByteBuffer whose array starts at an offset. */
class HeapBufferSegmentTest extends MemorySegmentContractTest {
  @Override
  MemorySegment create(int size, Object owner) {
    ByteBuffer slice = ByteBuffer.allocate(size + 9).position(9).slice();
    return MemorySegments.wrap(slice, owner);
  }

  @Override
  MemoryType expectedType() {
    return MemoryType.HEAP;
  }
}
