package io.memflow.row;

import java.io.IOException;

/**
 * A stream of rows, read one at a time, as operators (hash aggregation, joins) produce them.
 *
 * <p><b>Threads and ownership.</b> Not thread-safe: one consumer thread reads it. The row that
 * {@link #next()} returns belongs to the iterator and is valid only until the next call (it may
 * point into a page the iterator reuses): {@link BinaryRow#copy()} it to keep it. The iterator may
 * hold pages and open spill files; {@link #close()} gives them back, is idempotent, and may be
 * called before the end.
 */
public interface RowIterator extends AutoCloseable {

  /**
   * The next row, or {@code null} after the last one.
   *
   * @throws IOException if rows cannot be read back from disk or a spill failed (the cause says why)
   * @throws IllegalStateException if the iterator is closed
   */
  BinaryRow next() throws IOException;

  /** Releases what the iterator holds; later {@link #next()} calls throw {@link IllegalStateException}. */
  @Override
  void close();
}
