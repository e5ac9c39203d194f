package io.memflow.memory.view;

import io.memflow.memory.MemorySegment;
import io.memflow.memory.PageAllocator;
import java.io.EOFException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * A {@link DataOutputView} over a list of pages of one size, with random access: {@link
 * #setWritePosition} and {@link #getWritePosition} address the bytes as one array of {@code
 * long} positions. Pages have no header; position {@code p} is byte {@code p % pageSize} of page
 * {@code p / pageSize} (the layout of {@link SeekableInputView}, which reads the result).
 *
 * <p>The view either has a fixed list of pages, and throws {@link EOFException} when a write
 * needs more, or a page source that it asks for a new page whenever a write runs past the last
 * one (a growing view).
 *
 * <p>Not thread-safe. The view never frees a page. A fixed view's pages belong to the caller; a
 * growing view's pages belong to whoever created the view, who gets them from {@link #pages()}
 * and frees them when done. (A page of the wrong size from the source is freed at once, and the
 * write fails with {@link IllegalStateException}.)
 */
public final class SeekableOutputView extends AbstractPagedOutputView {

  private final List<MemorySegment> pages;
  private final int pageSize;
  private final Supplier<MemorySegment> pageSource;
  private int pageIndex = -1;

  /**
   * A view writing into {@code pages}, positioned at 0; writing past their end throws {@link
   * EOFException}. The list is copied; the pages' bytes are not.
   *
   * @throws IllegalArgumentException if a page's size is not {@code pageSize}
   */
  public SeekableOutputView(List<MemorySegment> pages, int pageSize) {
    this(new ArrayList<>(pages), pageSize, null);
  }

  /**
   * A growing view, initially without pages, that takes a page from {@code pageSource} whenever
   * it needs one. Every page must have {@code pageSize} bytes.
   */
  public SeekableOutputView(int pageSize, Supplier<MemorySegment> pageSource) {
    this(new ArrayList<>(), pageSize, Objects.requireNonNull(pageSource, "pageSource"));
  }

  /** A growing view over pages of {@code allocator}, allocated for {@code owner} (may be null). */
  public SeekableOutputView(PageAllocator allocator, Object owner) {
    this(allocator.pageSize(), () -> allocator.allocate(owner));
  }

  private SeekableOutputView(List<MemorySegment> pages, int pageSize, Supplier<MemorySegment> pageSource) {
    super(0);
    Pages.checkSizes(pages, pageSize);
    this.pages = pages;
    this.pageSize = pageSize;
    this.pageSource = pageSource;
    setWritePosition(0);
  }

  /**
   * Moves the write position to {@code position}.
   *
   * @throws IndexOutOfBoundsException unless {@code 0 <= position <= capacity()}
   */
  public void setWritePosition(long position) {
    Pages.checkPosition(position, capacity(), "capacity of " + pages.size() + " pages");
    if (pages.isEmpty()) {
      pageIndex = -1;
      clear();
      return;
    }
    int page = Pages.pageOf(position, pageSize, capacity());
    pageIndex = page;
    seekOutput(pages.get(page), (int) (position - (long) page * pageSize));
  }

  /** The write position: the number of bytes before the next one to write. */
  public long getWritePosition() {
    return pageIndex < 0 ? 0 : (long) pageIndex * pageSize + getCurrentPositionInSegment();
  }

  /** The number of bytes the pages obtained so far hold. */
  public long capacity() {
    return (long) pages.size() * pageSize;
  }

  /** The size of every page. */
  public int pageSize() {
    return pageSize;
  }

  /** The pages, in order: a read-only view of the list, which grows as a growing view does. */
  public List<MemorySegment> pages() {
    return Collections.unmodifiableList(pages);
  }

  /** A {@link SeekableInputView} over the first {@code size} bytes of the pages so far. */
  public SeekableInputView toInputView(long size) {
    return new SeekableInputView(pages, pageSize, size);
  }

  @Override
  protected MemorySegment nextSegment(MemorySegment current, int positionInCurrent) throws EOFException {
    int next = pageIndex + 1;
    if (next == pages.size()) {
      pages.add(newPage());
    }
    pageIndex = next;
    return pages.get(next);
  }

  private MemorySegment newPage() throws EOFException {
    if (pageSource == null) {
      throw new EOFException("view is full: capacity=" + capacity() + " bytes in " + pages.size() + " pages");
    }
    MemorySegment page = Objects.requireNonNull(pageSource.get(), "pageSource returned null");
    if (page.size() != pageSize) {
      String description = page.toString();
      page.free();
      throw new IllegalStateException(
          "pageSource returned a page of size=" + page.size() + ", expected pageSize=" + pageSize
              + " (the page was freed: " + description + ")");
    }
    return page;
  }

  @Override
  public String toString() {
    return "SeekableOutputView[position=" + getWritePosition() + ", capacity=" + capacity()
        + ", pageSize=" + pageSize + (pageSource != null ? ", growing" : "") + "]";
  }
}
