/**
 * Memory segments: fixed-size blocks of heap or off-heap memory with checked, typed, binary
 * access ({@link io.memflow.memory.MemorySegment}), and their allocation ({@link
 * io.memflow.memory.MemorySegments}, {@link io.memflow.memory.PageAllocator}). Built on {@code
 * java.lang.foreign}.
 */
package io.memflow.memory;
