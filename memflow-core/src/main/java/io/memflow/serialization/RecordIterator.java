package io.memflow.serialization;

import java.io.IOException;

/**
 * A stream of records read one at a time: what sorters return, and what a cache gives back each
 * time it is read.
 *
 * <p><b>Threads and ownership.</b> Not thread-safe: one consumer thread reads it. It may hold
 * resources (memory pages lent to readers, open spill files); {@link #close()} gives them back
 * and is idempotent. The records {@link #next()} returns are fresh objects owned by the caller;
 * those {@link #next(Object)} returns may be reused by the iterator at the following call.
 *
 * @param <T> the type of the records
 */
public interface RecordIterator<T> extends AutoCloseable {

  /**
   * The next record, or {@code null} after the last one (null is never a record).
   *
   * @throws IOException if the records cannot be read, or a background thread of the producer
   *     failed (the cause says why)
   */
  T next() throws IOException;

  /**
   * The next record like {@link #next()}, read without allocating where the serializer can
   * deserialize into an existing object ({@code TypeSerializer.deserialize(reuse, source)}): into
   * {@code reuse} or into an object the iterator owns. The record returned is valid only until the
   * next call of either method; pass it back as {@code reuse} then. {@code reuse} may be null
   * (first call) and must be a record of this iterator's type that the caller no longer needs.
   * The default calls {@link #next()}.
   *
   * <pre>{@code
   * for (T r = it.next(null); r != null; r = it.next(r)) { use(r); }   // r is overwritten next time
   * }</pre>
   *
   * @throws IOException as for {@link #next()}
   */
  default T next(T reuse) throws IOException {
    return next();
  }

  /** Releases what the iterator holds; later {@link #next()} calls throw {@link IllegalStateException}. */
  @Override
  void close();
}
