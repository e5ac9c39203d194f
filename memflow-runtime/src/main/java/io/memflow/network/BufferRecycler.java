package io.memflow.network;

import io.memflow.memory.MemorySegment;

/**
 * Takes back the segment of a {@link Buffer} whose reference count reached zero. Called exactly
 * once per buffer, on the thread that released the last reference; implementations must be
 * thread-safe and must not block.
 */
@FunctionalInterface
public interface BufferRecycler {

  /** Takes ownership of {@code segment} again. */
  void recycle(MemorySegment segment);

  /** A recycler that frees the segment: for buffers over memory that belongs to no pool. */
  static BufferRecycler freeing() {
    return MemorySegment::free;
  }
}
