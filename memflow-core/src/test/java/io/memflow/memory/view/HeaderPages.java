package io.memflow.memory.view;

import io.memflow.memory.MemorySegment;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.util.ArrayList;
import java.util.List;

/**
 * A test harness for the abstract paged views: pages of one kind and size with a header of
 * {@code headerLength} bytes the views must leave alone, the payload limit of each page kept on
 * the side. Owns its pages: {@link #free()} frees them all.
 */
final class HeaderPages {

  final PageKind kind;
  final int pageSize;
  final int headerLength;
  final List<MemorySegment> pages = new ArrayList<>();
  final List<Integer> limits = new ArrayList<>();

  HeaderPages(PageKind kind, int pageSize, int headerLength) {
    this.kind = kind;
    this.pageSize = pageSize;
    this.headerLength = headerLength;
  }

  /** An output view that takes new pages from here and records where each one ended. */
  Output output() {
    return new Output();
  }

  /** An input view over the pages written so far (call {@link Output#finish()} first). */
  Input input() {
    return new Input();
  }

  /** The payloads of all pages, concatenated: the stream the views carry. */
  byte[] payload() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    for (int i = 0; i < pages.size(); i++) {
      byte[] page = new byte[limits.get(i) - headerLength];
      pages.get(i).get(headerLength, page);
      bytes.writeBytes(page);
    }
    return bytes.toByteArray();
  }

  /** Whether every header byte still holds {@link PageKind#FILL}. */
  boolean headersUntouched() {
    for (MemorySegment page : pages) {
      for (int i = 0; i < headerLength; i++) {
        if (page.get(i) != PageKind.FILL) {
          return false;
        }
      }
    }
    return true;
  }

  void free() {
    for (MemorySegment page : pages) {
      page.free();
    }
    pages.clear();
  }

  final class Output extends AbstractPagedOutputView {
    private boolean finished;

    Output() {
      super(headerLength);
    }

    @Override
    protected MemorySegment nextSegment(MemorySegment current, int positionInCurrent) {
      if (current != null) {
        limits.add(positionInCurrent);
      }
      MemorySegment page = kind.page(pageSize);
      pages.add(page);
      return page;
    }

    /** Records the limit of the last page; the view must not be written afterwards. */
    void finish() {
      if (!finished && getCurrentSegment() != null) {
        limits.add(getCurrentPositionInSegment());
      }
      finished = true;
    }
  }

  final class Input extends AbstractPagedInputView {
    private int index = -1;

    Input() {
      super(headerLength);
    }

    @Override
    protected MemorySegment nextSegment(MemorySegment current) throws EOFException {
      if (index + 1 >= pages.size()) {
        throw new EOFException("no page after " + index);
      }
      return pages.get(++index);
    }

    @Override
    protected int getLimitForSegment(MemorySegment segment) {
      return limits.get(index);
    }
  }
}
