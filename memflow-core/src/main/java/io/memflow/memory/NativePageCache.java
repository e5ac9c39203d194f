package io.memflow.memory;

/**
 * A bounded stack of freed native pages of one size, so that a page freed and allocated again
 * moments later (the steady state of a memory manager, a sorter, a buffer pool) skips the C
 * allocator. {@code malloc}/{@code free} of page-sized blocks is cheap on average but erratic:
 * {@code free} coalesces neighbouring chunks, and how often depends on what else the process
 * allocates (measured under G1: coalescing took a third of an allocate + free pair).
 *
 * <p>A freed segment is unusable before its memory enters the cache (see {@link
 * MemorySegment#free()}), so reuse never exposes one segment's memory through another. The cache
 * holds at most {@link #MAX_BYTES} bytes per page size; beyond that, pages go back to the C
 * allocator at once.
 *
 * <p>Thread-safe: guarded by its own monitor, held for a few instructions.
 */
final class NativePageCache {

  /** The bytes a cache of one page size may hold: 4 MiB, 128 pages of 32 KiB. */
  static final long MAX_BYTES = 4L << 20;

  private final long[] addresses;
  private int count;

  NativePageCache(long pageSize) {
    this.addresses = new long[(int) Math.max(1, MAX_BYTES / pageSize)];
  }

  /** A cached address, or 0 if the cache is empty. */
  synchronized long poll() {
    return count == 0 ? 0 : addresses[--count];
  }

  /** Moves up to {@code n} cached addresses into {@code out[0..]}; returns how many. */
  synchronized int poll(long[] out, int n) {
    int taken = Math.min(n, count);
    count -= taken;
    System.arraycopy(addresses, count, out, 0, taken);
    return taken;
  }

  /** Caches as many of {@code in[0, n)} as fit, from the front; returns how many. */
  synchronized int offer(long[] in, int n) {
    int taken = Math.min(n, addresses.length - count);
    System.arraycopy(in, 0, addresses, count, taken);
    count += taken;
    return taken;
  }

  /** Caches {@code address} unless full; returns whether it did. */
  synchronized boolean offer(long address) {
    if (count == addresses.length) {
      return false;
    }
    addresses[count++] = address;
    return true;
  }

  /** Empties the cache, returning what it held (for freeing). */
  synchronized long[] drain() {
    long[] drained = java.util.Arrays.copyOf(addresses, count);
    count = 0;
    return drained;
  }

  synchronized int size() {
    return count;
  }
}
