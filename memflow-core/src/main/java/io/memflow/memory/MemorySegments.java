package io.memflow.memory;

import java.nio.ByteBuffer;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * Creates {@link MemorySegment}s: heap and off-heap allocations, and segments over memory that
 * already exists (arrays, buffers). Thread-safe.
 *
 * <p>Off-heap segments come from the C allocator through the FFM linker, a restricted
 * operation: run the JVM with {@code --enable-native-access=ALL-UNNAMED} (memflow's launcher,
 * tests and benchmarks do) to avoid the JDK's warning. Their memory is outside every JVM limit
 * (heap and {@code -XX:MaxDirectMemorySize}), uninitialised, and returned by {@link
 * MemorySegment#free()}: nothing waits for the garbage collector.
 */
public final class MemorySegments {

  /** The default page size, 32 KiB, as in Flink. */
  public static final int DEFAULT_PAGE_SIZE = 32 * 1024;

  /** The smallest page size, 4 KiB. */
  public static final int MIN_PAGE_SIZE = 4 * 1024;

  /** The largest page size, 1 GiB. */
  public static final int MAX_PAGE_SIZE = 1 << 30;

  /** Per-thread room for the addresses of one batch of off-heap pages (no allocation per batch). */
  private static final ThreadLocal<long[]> SCRATCH = ThreadLocal.withInitial(() -> new long[64]);

  private MemorySegments() {}

  /**
   * Allocates a zeroed heap segment of {@code size} bytes.
   *
   * @param size the size in bytes, at least 0
   * @param owner the owner for accounting and messages, or {@code null}
   */
  public static MemorySegment allocateHeap(int size, Object owner) {
    checkSize(size);
    return MemorySegment.ofHeap(new byte[size], 0, size, owner);
  }

  /** Allocates a zeroed heap segment of {@code size} bytes with no owner. */
  public static MemorySegment allocateHeap(int size) {
    return allocateHeap(size, null);
  }

  /**
   * Allocates an off-heap segment of {@code size} bytes from native memory. Its contents are
   * undefined until written. The caller owns it and must {@link MemorySegment#free() free} it;
   * until then the memory stays allocated whatever the garbage collector does.
   *
   * @param size the size in bytes, at least 1
   * @param owner the owner for accounting and messages, or {@code null}
   * @throws OutOfMemoryError if the process has no native memory left
   */
  public static MemorySegment allocateOffHeap(int size, Object owner) {
    if (size < 1) {
      throw new IllegalArgumentException("off-heap size=" + size + " must be at least 1 byte");
    }
    long address = NativeMemory.allocate(size);
    return MemorySegment.ofNative(address, size, owner);
  }

  /** Allocates an off-heap segment of {@code size} bytes with no owner. */
  public static MemorySegment allocateOffHeap(int size) {
    return allocateOffHeap(size, null);
  }

  /**
   * Allocates {@code count} segments of {@code size} bytes of the given type into {@code target}:
   * as {@code count} calls of {@link #allocate(MemoryType, int, Object)}, but off-heap pages come
   * from the C allocator and its cache in one batch.
   *
   * @throws OutOfMemoryError if there is not enough memory; the pages of earlier batches of 64
   *     stay in {@code target}, nothing else stays allocated
   * @throws RuntimeException whatever {@code target.add} throws; the page it refused and the rest
   *     of its batch are freed
   */
  public static void allocate(MemoryType type, int size, Object owner, int count, Collection<MemorySegment> target) {
    if (count < 0) {
      throw new IllegalArgumentException("count=" + count + " must not be negative");
    }
    if (type == MemoryType.HEAP) {
      for (int i = 0; i < count; i++) {
        target.add(allocateHeap(size, owner));
      }
      return;
    }
    if (size < 1) {
      throw new IllegalArgumentException("off-heap size=" + size + " must be at least 1 byte");
    }
    long[] addresses = SCRATCH.get();
    for (int done = 0; done < count; ) {
      int n = Math.min(count - done, addresses.length);
      NativeMemory.allocate(size, addresses, n);
      for (int i = 0; i < n; i++) {
        MemorySegment segment = MemorySegment.ofNative(addresses[i], size, owner);
        try {
          target.add(segment);
        } catch (RuntimeException | Error e) {
          segment.free();
          System.arraycopy(addresses, i + 1, addresses, 0, n - i - 1);
          NativeMemory.free(addresses, n - i - 1, size);
          throw e;
        }
      }
      done += n;
    }
  }

  /**
   * Frees every segment of {@code segments}, as {@link MemorySegment#free()} on each, giving
   * off-heap pages of one size back to the allocator in one batch. Checks first: if any segment
   * is already freed, nothing is freed. A segment listed twice fails at its second place, after
   * the segments before it were freed.
   *
   * @throws IllegalStateException naming a segment that was already freed
   */
  public static void freeAll(List<MemorySegment> segments) {
    int n = segments.size();
    for (int i = 0; i < n; i++) {
      if (segments.get(i).isFreed()) {
        segments.get(i).free(); // throws, naming it
      }
    }
    long[] addresses = SCRATCH.get();
    int batch = 0;
    int batchSize = 0;
    try {
      for (int i = 0; i < n; i++) {
        MemorySegment segment = segments.get(i);
        long address = segment.markFreed();
        if (address == 0) {
          continue;
        }
        if (batch == addresses.length || (batch > 0 && segment.size() != batchSize)) {
          NativeMemory.free(addresses, batch, batchSize);
          batch = 0;
        }
        batchSize = segment.size();
        addresses[batch++] = address;
      }
    } finally {
      NativeMemory.free(addresses, batch, batchSize);
    }
  }

  /** Allocates a segment of {@code size} bytes of the given type. */
  public static MemorySegment allocate(MemoryType type, int size, Object owner) {
    return switch (type) {
      case HEAP -> allocateHeap(size, owner);
      case OFF_HEAP -> allocateOffHeap(size, owner);
    };
  }

  /**
   * A heap segment over all of {@code array}, sharing its bytes. Freeing the segment does not
   * touch the array.
   */
  public static MemorySegment wrap(byte[] array) {
    return wrap(array, 0, array.length, null);
  }

  /**
   * A heap segment over {@code array[offset, offset + length)}, sharing its bytes.
   *
   * @param owner the owner for accounting and messages, or {@code null}
   */
  public static MemorySegment wrap(byte[] array, int offset, int length, Object owner) {
    Objects.checkFromIndexSize(offset, length, array.length);
    return MemorySegment.ofHeap(array, offset, length, owner);
  }

  /**
   * A segment over the whole capacity of {@code buffer} (from index 0, ignoring its position
   * and limit), sharing its bytes: a heap segment for a heap buffer with an accessible array, an
   * off-heap segment for a direct buffer. The buffer keeps owning the memory: freeing the
   * segment only makes it unusable. Keep a direct buffer reachable while its segment is used:
   * the segment's accesses go to the buffer's address, and the buffer's cleaner releases the
   * memory once the buffer is unreachable.
   *
   * @throws IllegalArgumentException if the buffer is read-only
   */
  public static MemorySegment wrap(ByteBuffer buffer) {
    return wrap(buffer, null);
  }

  /** As {@link #wrap(ByteBuffer)}, with an owner for accounting and messages. */
  public static MemorySegment wrap(ByteBuffer buffer, Object owner) {
    if (buffer.isReadOnly()) {
      throw new IllegalArgumentException(
          "cannot wrap a read-only ByteBuffer (capacity=" + buffer.capacity() + "): segments are writable");
    }
    if (buffer.hasArray()) {
      return MemorySegment.ofHeap(buffer.array(), buffer.arrayOffset(), buffer.capacity(), owner);
    }
    return MemorySegment.ofDirectBuffer(buffer.duplicate().clear(), owner);
  }

  /**
   * Checks a page size: a power of two from {@link #MIN_PAGE_SIZE} (4 KiB) to {@link
   * #MAX_PAGE_SIZE} (1 GiB).
   *
   * @return {@code pageSize}
   * @throws IllegalArgumentException naming the value and the accepted range otherwise
   */
  public static int checkPageSize(int pageSize) {
    if (pageSize < MIN_PAGE_SIZE || pageSize > MAX_PAGE_SIZE || Integer.bitCount(pageSize) != 1) {
      throw new IllegalArgumentException(
          "page size="
              + pageSize
              + " must be a power of two from "
              + MIN_PAGE_SIZE
              + " (4 KiB) to "
              + MAX_PAGE_SIZE
              + " (1 GiB), for example "
              + DEFAULT_PAGE_SIZE
              + " (32 KiB)");
    }
    return pageSize;
  }

  /**
   * Bytes of off-heap memory allocated by {@link #allocateOffHeap} and not yet freed, over the
   * whole process: a leak check for tests and a gauge for metrics.
   */
  public static long offHeapBytesInUse() {
    return NativeMemory.bytesInUse();
  }

  /**
   * Bytes of freed off-heap pages that memflow keeps for reuse instead of returning them to the C
   * allocator: at most 4 MiB per page size (power-of-two sizes from 4 KiB to 1 MiB), so that
   * pages freed and allocated again skip {@code malloc}; with huge pages, also the free pages of
   * chunks that still have pages in use (see docs/memory.md). Part of the process's native memory,
   * not of {@link #offHeapBytesInUse()}.
   */
  public static long offHeapBytesCached() {
    return NativeMemory.bytesCached();
  }

  /**
   * Returns every cached off-heap page to the C allocator (or to its huge-page chunk, unmapped
   * once all its pages are back); returns the bytes taken out of the cache.
   */
  public static long trimOffHeapCache() {
    return NativeMemory.trimCache();
  }

  private static void checkSize(int size) {
    if (size < 0) {
      throw new IllegalArgumentException("size=" + size + " must not be negative");
    }
  }
}
