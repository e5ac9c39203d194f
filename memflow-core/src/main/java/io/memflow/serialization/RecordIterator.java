package io.memflow.serialization;

import java.io.IOException;

/**
 * A stream of records read one at a time: what sorters return, and what a cache gives back each
 * time it is read.
 *
 * <p><b>Threads and ownership.</b> Not thread-safe: one consumer thread reads it. It may hold
 * resources (memory pages lent to readers, open spill files); {@link #close()} gives them back,
 * is idempotent, and may be called before the end. The records it returns are fresh objects owned
 * by the caller.
 *
 * @param <T> the type of the records
 */
public interface RecordIterator<T> extends AutoCloseable {

  /**
   * The next record, or {@code null} after the last one (null is never a record).
   *
   * @throws IOException if the records cannot be read, or a background thread of the producer
   *     failed (the cause says why)
   * @throws IllegalStateException if the iterator is closed
   */
  T next() throws IOException;

  /** Releases what the iterator holds; later {@link #next()} calls throw {@link IllegalStateException}. */
  @Override
  void close();
}
