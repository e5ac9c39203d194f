package io.memflow.memory;

import java.nio.ByteBuffer;

/** The contract for segments over direct ByteBuffers (position and limit ignored). */
class DirectBufferSegmentTest extends MemorySegmentContractTest {
  @Override
  MemorySegment create(int size, Object owner) {
    ByteBuffer buffer = ByteBuffer.allocateDirect(size);
    buffer.position(size / 2).limit(size / 2 + 1);
    return MemorySegments.wrap(buffer, owner);
  }

  @Override
  MemoryType expectedType() {
    return MemoryType.OFF_HEAP;
  }
}
