package io.memflow.sort;

import java.io.IOException;

/**
 * A stream of records in sorted order, read one at a time.
 *
 * <p><b>Threads and ownership.</b> Not thread-safe: one consumer thread reads it. It may hold
 * resources (memory pages lent to readers, open spill files); {@link #close()} gives them back
 * and is idempotent. The records it returns are fresh objects owned by the caller.
 *
 * @param <T> the type of the records
 */
public interface RecordIterator<T> extends AutoCloseable {

  /**
   * The next record, or {@code null} after the last one (sorters do not accept null records).
   *
   * @throws IOException if the records cannot be read, or a background thread of the sorter
   *     failed (the cause says why)
   */
  T next() throws IOException;

  /** Releases what the iterator holds; later {@link #next()} calls throw {@link IllegalStateException}. */
  @Override
  void close();
}
