package io.memflow.memory;

/** Where a segment's bytes live. */
public enum MemoryType {
  /** In a Java {@code byte[]} on the garbage-collected heap. */
  HEAP,
  /** Outside the Java heap: native memory or a direct {@code ByteBuffer}. */
  OFF_HEAP
}
