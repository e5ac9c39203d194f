package io.memflow.memory;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Off-heap memory from the C allocator ({@code malloc} / {@code free}) through the FFM linker.
 *
 * <p>Why not an {@code Arena} per page: closing a shared arena performs a thread-local handshake
 * with every Java thread (slow, and proportional to the thread count), and a confined arena
 * ties the page to one thread, while pages move between threads. The C allocator releases a
 * page immediately and cheaply, and owes nothing to the garbage collector. The price is that
 * the memory's temporal bounds are memflow's to check: {@link MemorySegment#free()} makes the
 * segment unusable before the memory goes back to the allocator.
 *
 * <p>Both calls are linked as critical (no thread-state transition): they are short and never
 * call back into Java. Freed pages of the common sizes wait in a small {@link NativePageCache}
 * for reuse; behind it, where the kernel offers transparent huge pages, pages of those sizes come
 * from {@link HugePageChunks} instead of {@code malloc}. Thread-safe; {@link #bytesInUse()} counts every byte handed out and not yet freed
 * (cached pages are not in use). It is one atomic counter, not a {@code LongAdder}: a sum over
 * adder cells read while other threads allocate and free can overshoot by far more than is in use,
 * and callers compare it against budgets while pages move.
 */
final class NativeMemory {

  /**
   * {@code malloc} and {@code free}, linked when first called: pages of the common sizes come from
   * {@link HugePageChunks} where the kernel offers huge pages, and then a run may never call
   * them (the three built-in jobs do not, checked with {@code -Xlog:class+init}). Linking a
   * downcall spins classes at run time, 15-20 ms of CPU each in a fresh JVM.
   */
  private static final class Libc {
    static final MethodHandle MALLOC = link("malloc", FunctionDescriptor.of(JAVA_LONG, JAVA_LONG));
    static final MethodHandle FREE = link("free", FunctionDescriptor.ofVoid(JAVA_LONG));
  }

  private static final AtomicLong BYTES_IN_USE = new AtomicLong();
  /** Page sizes that are cached: the powers of two from 4 KiB to 1 MiB. */
  private static final long MIN_CACHED_PAGE = 4 * 1024;
  private static final long MAX_CACHED_PAGE = 1024 * 1024;
  /** One cache per cached page size, indexed by log2 of the size. */
  private static final NativePageCache[] CACHES = new NativePageCache[21];
  /** Behind each cache, where its pages come from if huge pages are available (else null). */
  private static final HugePageChunks[] CHUNKS = new HugePageChunks[21];

  static {
    if (ValueLayout.ADDRESS.byteSize() != Long.BYTES) {
      throw new IllegalStateException(
          "memflow needs a 64-bit JVM for off-heap memory; address size is "
              + ValueLayout.ADDRESS.byteSize()
              + " bytes");
    }
    for (long size = MIN_CACHED_PAGE; size <= MAX_CACHED_PAGE; size <<= 1) {
      CACHES[Long.numberOfTrailingZeros(size)] = new NativePageCache(size);
      CHUNKS[Long.numberOfTrailingZeros(size)] = HugePageChunks.forPageSize(size);
    }
  }
  /**
   * The whole address space as one segment, made once: slicing it gives a page's segment without
   * a per-page {@code reinterpret} (a restricted, caller-sensitive call that costs more than the
   * {@code malloc} itself).
   */
  static final java.lang.foreign.MemorySegment ADDRESS_SPACE = addressSpace();

  @SuppressWarnings("restricted") // linking malloc and free is what this class is for
  private static MethodHandle link(String function, FunctionDescriptor descriptor) {
    Linker linker = Linker.nativeLinker();
    SymbolLookup libc = linker.defaultLookup();
    return linker.downcallHandle(
        libc.find(function).orElseThrow(), descriptor, Linker.Option.critical(false));
  }

  @SuppressWarnings("restricted") // only sliced at addresses that NativeMemory.allocate returned
  private static java.lang.foreign.MemorySegment addressSpace() {
    return java.lang.foreign.MemorySegment.NULL.reinterpret(Long.MAX_VALUE);
  }

  private NativeMemory() {}

  /** A segment over {@code [address, address + bytes)}, memory from {@link #allocate}. */
  static java.lang.foreign.MemorySegment slice(long address, long bytes) {
    return ADDRESS_SPACE.asSlice(address, bytes);
  }

  /**
   * Allocates {@code bytes} bytes of uninitialised native memory: a cached page of that size if
   * there is one (see {@link NativePageCache}), else a page of a huge-page chunk (see {@link
   * HugePageChunks}), else from {@code malloc}.
   *
   * @return the address, never 0
   * @throws OutOfMemoryError if the C allocator has no memory left
   */
  static long allocate(long bytes) {
    NativePageCache cache = cacheFor(bytes);
    long address = cache == null ? 0 : cache.poll();
    if (address == 0) {
      HugePageChunks chunks = chunksFor(bytes);
      if (chunks != null) {
        address = chunks.allocate();
      }
    }
    if (address == 0) {
      address = malloc(bytes);
    }
    BYTES_IN_USE.getAndAdd(bytes);
    return address;
  }

  /**
   * Allocates {@code n} blocks of {@code bytes} bytes into {@code addresses[0, n)}, with one
   * visit to the page cache and one update of the in-use counter.
   *
   * @throws OutOfMemoryError if the C allocator has no memory left; nothing stays allocated then
   */
  static void allocate(long bytes, long[] addresses, int n) {
    NativePageCache cache = cacheFor(bytes);
    int done = cache == null ? 0 : cache.poll(addresses, n);
    HugePageChunks chunks = chunksFor(bytes);
    if (chunks != null && done < n) {
      done = chunks.allocate(addresses, done, n);
    }
    try {
      for (; done < n; done++) {
        addresses[done] = malloc(bytes);
      }
    } catch (RuntimeException | Error e) {
      BYTES_IN_USE.getAndAdd(bytes * done);
      free(addresses, done, bytes);
      throw e;
    }
    BYTES_IN_USE.getAndAdd(bytes * n);
  }

  /** Returns {@code n} blocks of {@code bytes} bytes from {@link #allocate}, in one batch. */
  static void free(long[] addresses, int n, long bytes) {
    if (n == 0) {
      return;
    }
    BYTES_IN_USE.getAndAdd(-bytes * n);
    NativePageCache cache = cacheFor(bytes);
    int cached = cache == null ? 0 : cache.offer(addresses, n);
    free(addresses, cached, n, bytes);
  }

  /** Returns memory from {@link #allocate}; {@code bytes} must be the size allocated. */
  static void free(long address, long bytes) {
    BYTES_IN_USE.getAndAdd(-bytes);
    NativePageCache cache = cacheFor(bytes);
    if (cache == null || !cache.offer(address)) {
      HugePageChunks chunks = chunksFor(bytes);
      if (chunks == null || !chunks.release(address)) {
        callFree(address);
      }
    }
  }

  /** Frees {@code addresses[from, to)}, pages of {@code bytes} bytes not in any cache: to their chunks or to libc. */
  private static void free(long[] addresses, int from, int to, long bytes) {
    HugePageChunks chunks = chunksFor(bytes);
    int end = chunks == null ? to : from + chunks.release(addresses, from, to);
    for (int i = from; i < end; i++) {
      callFree(addresses[i]);
    }
  }

  /**
   * Gives every cached page back to the C allocator; returns the bytes released. Pages freed
   * later are cached again.
   */
  static long trimCache() {
    long released = 0;
    for (int shift = 0; shift < CACHES.length; shift++) {
      if (CACHES[shift] != null) {
        long[] drained = CACHES[shift].drain();
        free(drained, 0, drained.length, 1L << shift);
        released += (long) drained.length << shift;
      }
    }
    return released;
  }

  /** Bytes held in the page caches: freed by their segments, not yet returned to the C allocator. */
  static long bytesCached() {
    long cached = 0;
    for (int shift = 0; shift < CACHES.length; shift++) {
      if (CACHES[shift] != null) {
        cached += (long) CACHES[shift].size() << shift;
      }
      if (CHUNKS[shift] != null) {
        cached += CHUNKS[shift].freeBytes();
      }
    }
    return cached;
  }

  /** The huge-page chunks for pages of {@code bytes} bytes, or null if none. */
  private static HugePageChunks chunksFor(long bytes) {
    return cacheFor(bytes) == null ? null : CHUNKS[Long.numberOfTrailingZeros(bytes)];
  }

  /** The cache for pages of {@code bytes} bytes, or null if that is not a cached page size. */
  private static NativePageCache cacheFor(long bytes) {
    if (bytes < MIN_CACHED_PAGE || bytes > MAX_CACHED_PAGE || Long.bitCount(bytes) != 1) {
      return null;
    }
    return CACHES[Long.numberOfTrailingZeros(bytes)];
  }

  private static long malloc(long bytes) {
    long address;
    try {
      address = (long) Libc.MALLOC.invokeExact(bytes);
    } catch (Throwable t) {
      throw new IllegalStateException("malloc(" + bytes + ") failed", t);
    }
    if (address == 0) {
      throw new OutOfMemoryError(
          "cannot allocate "
              + bytes
              + " bytes of off-heap memory: the C allocator returned NULL (the process is out of"
              + " native memory; lower the memory budget or raise the container's limit)");
    }
    return address;
  }

  private static void callFree(long address) {
    try {
      Libc.FREE.invokeExact(address);
    } catch (Throwable t) {
      throw new IllegalStateException("free(" + address + ") failed", t);
    }
  }

  /** Bytes allocated by {@link #allocate} and not yet freed, over the whole process. */
  static long bytesInUse() {
    return BYTES_IN_USE.get();
  }
}
