package io.memflow.memory;

/**
 * Allocates pages: segments of one fixed, power-of-two size, on the heap or off it. The
 * building block of memory managers and buffer pools, which add budgets and accounting on top.
 *
 * <p>Thread-safe and stateless: the caller owns every page it gets and frees it with {@link
 * MemorySegment#free()}.
 */
public final class PageAllocator {

  private final MemoryType type;
  private final int pageSize;

  private PageAllocator(MemoryType type, int pageSize) {
    this.type = type;
    this.pageSize = MemorySegments.checkPageSize(pageSize);
  }

  /**
   * An allocator of pages of {@code pageSize} bytes of the given type.
   *
   * @throws IllegalArgumentException if the page size is not a power of two from 4 KiB to 1 GiB
   */
  public static PageAllocator of(MemoryType type, int pageSize) {
    return new PageAllocator(type, pageSize);
  }

  /** Heap pages of {@code pageSize} bytes (zeroed). */
  public static PageAllocator heap(int pageSize) {
    return of(MemoryType.HEAP, pageSize);
  }

  /** Off-heap pages of {@code pageSize} bytes (contents undefined until written). */
  public static PageAllocator offHeap(int pageSize) {
    return of(MemoryType.OFF_HEAP, pageSize);
  }

  /** Allocates one page for {@code owner} (which may be {@code null}). */
  public MemorySegment allocate(Object owner) {
    return MemorySegments.allocate(type, pageSize, owner);
  }

  /**
   * Allocates {@code count} pages for {@code owner} into {@code target}, off-heap pages in one
   * batch ({@link MemorySegments#allocate(MemoryType, int, Object, int, java.util.Collection)}).
   */
  public void allocate(Object owner, int count, java.util.Collection<MemorySegment> target) {
    MemorySegments.allocate(type, pageSize, owner, count, target);
  }

  /** The size of every page, in bytes. */
  public int pageSize() {
    return pageSize;
  }

  /** Where the pages live. */
  public MemoryType type() {
    return type;
  }

  @Override
  public String toString() {
    return "PageAllocator[" + type + ", pageSize=" + pageSize + "]";
  }
}
