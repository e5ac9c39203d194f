package io.memflow.memory.view;

import io.memflow.memory.MemorySegment;
import java.io.EOFException;
import java.util.List;

/**
 * A {@link DataInputView} over the first {@code size} bytes of a list of pages of one size,
 * with random access: {@link #setReadPosition} and {@link #getReadPosition} address the bytes as
 * one array of {@code long} positions. Pages have no header; position {@code p} is byte {@code p
 * % pageSize} of page {@code p / pageSize}:
 *
 * <pre>
 *  page 0              page 1              page k = (size - 1) / pageSize
 *  +-------------------+-------------------+ ... +---------------+---------+
 *  | 0 .. pageSize-1   | pageSize ..       |     | .. size - 1   | ignored |
 *  +-------------------+-------------------+ ... +---------------+---------+
 * </pre>
 *
 * <p>Not thread-safe. The view reads but does not own the pages: the caller frees them after it
 * is done with the view. The list is copied; the pages' bytes are not.
 */
public final class SeekableInputView extends AbstractPagedInputView {

  private final List<MemorySegment> pages;
  private final int pageSize;
  private final long size;
  private int pageIndex;

  /**
   * A view over the first {@code size} bytes of {@code pages}, positioned at 0.
   *
   * @throws IllegalArgumentException if a page's size is not {@code pageSize}
   * @throws IndexOutOfBoundsException if {@code size} is negative or more than the pages hold
   */
  public SeekableInputView(List<MemorySegment> pages, int pageSize, long size) {
    super(0);
    Pages.checkSizes(pages, pageSize);
    Pages.checkPosition(size, (long) pages.size() * pageSize, "capacity of " + pages.size() + " pages");
    this.pages = List.copyOf(pages);
    this.pageSize = pageSize;
    this.size = size;
    setReadPosition(0);
  }

  /**
   * Moves the read position to {@code position}.
   *
   * @throws IndexOutOfBoundsException unless {@code 0 <= position <= size()}
   */
  public void setReadPosition(long position) {
    Pages.checkPosition(position, size, "size of the view");
    if (pages.isEmpty()) {
      pageIndex = -1;
      clear();
      return;
    }
    int page = Pages.pageOf(position, pageSize, size);
    pageIndex = page;
    seekInput(pages.get(page), (int) (position - (long) page * pageSize), limitOf(page));
  }

  /** The read position: the number of bytes before the next one to read. */
  public long getReadPosition() {
    return pageIndex < 0 ? 0 : (long) pageIndex * pageSize + getCurrentPositionInSegment();
  }

  /** The number of bytes from the read position to the end. */
  public long remaining() {
    return size - getReadPosition();
  }

  /** The number of readable bytes. */
  public long size() {
    return size;
  }

  @Override
  protected MemorySegment nextSegment(MemorySegment current) throws EOFException {
    int next = pageIndex + 1;
    if ((long) next * pageSize >= size) {
      throw new EOFException("end of view: size=" + size + " pageSize=" + pageSize + " pages=" + pages.size());
    }
    pageIndex = next;
    return pages.get(next);
  }

  @Override
  protected int getLimitForSegment(MemorySegment segment) {
    return limitOf(pageIndex);
  }

  private int limitOf(int page) {
    return (int) Math.min(pageSize, size - (long) page * pageSize);
  }

  @Override
  public String toString() {
    return "SeekableInputView[position=" + getReadPosition() + ", size=" + size + ", pageSize=" + pageSize + "]";
  }
}
