package io.memflow.memory.view;

import io.memflow.memory.MemorySegment;
import io.memflow.memory.MemorySegments;
import java.nio.ByteBuffer;

/** The ways a test page can come to be: every path into a MemorySegment the views run over. */
enum PageKind {
  HEAP {
    @Override
    MemorySegment allocate(int size) {
      return MemorySegments.allocateHeap(size);
    }
  },
  /** A slice in the middle of a larger array, so heapArrayOffset() is not 0. */
  WRAPPED_ARRAY_SLICE {
    @Override
    MemorySegment allocate(int size) {
      return MemorySegments.wrap(new byte[size + 11], 5, size, "test");
    }
  },
  OFF_HEAP {
    @Override
    MemorySegment allocate(int size) {
      return MemorySegments.allocateOffHeap(size);
    }
  },
  DIRECT_BUFFER {
    @Override
    MemorySegment allocate(int size) {
      return MemorySegments.wrap(ByteBuffer.allocateDirect(size));
    }
  };

  /** A page of {@code size} bytes, every byte set to {@link #FILL}. */
  MemorySegment page(int size) {
    MemorySegment page = allocate(size);
    page.fill(0, size, FILL);
    return page;
  }

  abstract MemorySegment allocate(int size);

  /** What fresh test pages hold: the views must never write it where they should not. */
  static final byte FILL = (byte) 0xEE;
}
