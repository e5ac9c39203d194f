package io.memflow.sort;

import io.memflow.memory.MemorySegment;

/**
 * Where a sort buffer takes its pages from and gives them back to. Implementations decide the
 * quota; a buffer holds what it took until it gives it back.
 */
interface PageSource {

  /** A page, or {@code null} if none may be taken now (the buffer is full). */
  MemorySegment nextPage();

  /** Gives back a page taken with {@link #nextPage}. */
  void returnPage(MemorySegment page);

  /** The size of every page. */
  int pageSize();
}
