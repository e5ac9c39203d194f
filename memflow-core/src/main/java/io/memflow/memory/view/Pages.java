package io.memflow.memory.view;

import io.memflow.memory.MemorySegment;
import java.util.List;

/** Checks and position arithmetic shared by the seekable views (pages of one size, no header). */
final class Pages {

  private Pages() {}

  /** Checks that {@code pageSize} is positive and that every page has exactly that size. */
  static void checkSizes(List<MemorySegment> pages, int pageSize) {
    if (pageSize < 1) {
      throw new IllegalArgumentException("pageSize=" + pageSize + " must be at least 1");
    }
    for (int i = 0; i < pages.size(); i++) {
      int size = pages.get(i).size();
      if (size != pageSize) {
        throw new IllegalArgumentException(
            "page " + i + " has size=" + size + ", expected pageSize=" + pageSize);
      }
    }
  }

  /** Checks {@code 0 <= position <= end}. */
  static void checkPosition(long position, long end, String what) {
    if (position < 0 || position > end) {
      throw new IndexOutOfBoundsException(
          "position=" + position + " must be in [0, " + end + "] (the " + what + ")");
    }
  }

  /**
   * The page index of {@code position}: {@code position / pageSize}, except that a position on
   * a page boundary at the very end ({@code position == end}) stays at the end of the page
   * before, so that no page beyond the last is needed.
   */
  static int pageOf(long position, int pageSize, long end) {
    int page = (int) (position / pageSize);
    return position == end && page > 0 && position % pageSize == 0 ? page - 1 : page;
  }
}
