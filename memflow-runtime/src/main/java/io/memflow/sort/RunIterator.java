package io.memflow.sort;

import io.memflow.memory.MemorySegment;
import io.memflow.serialization.RecordIterator;
import io.memflow.serialization.TypeSerializer;
import java.io.EOFException;
import java.io.IOException;
import java.util.List;

/**
 * The records of one spilled run, read through pages borrowed from the sorter's {@link PagePool}
 * and given back on {@link #close()}. {@code next(reuse)} reads in place where the serializer can
 * ({@code TypeSerializer.deserializeTransient}): the record may lie in a read page, valid until
 * the next call or {@link #close()}; {@code next()} returns a record of its own. A run that ends
 * before its record count is reported as damaged. Not thread-safe.
 */
final class RunIterator<T> implements RecordIterator<T> {

  private final RunStorage.Run run;
  private final RunStorage.RunReader reader;
  private final TypeSerializer<T> serializer;
  private final PagePool pool;
  private final List<MemorySegment> pages;
  private long remaining;
  private boolean closed;

  private RunIterator(RunStorage.Run run, RunStorage.RunReader reader, TypeSerializer<T> serializer,
      PagePool pool, List<MemorySegment> pages) {
    this.run = run;
    this.reader = reader;
    this.serializer = serializer;
    this.pool = pool;
    this.pages = pages;
    this.remaining = run.records();
  }

  /** Opens {@code run} with {@code pages} taken from {@code pool}; gives them back on failure. */
  static <T> RunIterator<T> open(RunStorage storage, RunStorage.Run run, TypeSerializer<T> serializer,
      PagePool pool, List<MemorySegment> pages) throws IOException {
    try {
      return new RunIterator<>(run, storage.open(run, pages), serializer, pool, pages);
    } catch (IOException | RuntimeException e) {
      pool.giveAll(pages);
      throw e;
    }
  }

  @Override
  public T next() throws IOException {
    return next(null);
  }

  @Override
  public T next(T reuse) throws IOException {
    if (closed) {
      throw new IllegalStateException("run iterator is closed");
    }
    if (remaining == 0) {
      return null;
    }
    try {
      T record = reuse == null ? serializer.deserialize(reader.view())
          : serializer.deserializeTransient(reuse, reader.view());
      remaining--;
      return record;
    } catch (EOFException e) {
      throw new IOException("spilled run ended early: records=" + run.records() + " remaining=" + remaining
          + " bytes=" + run.bytes() + " (the spill file is damaged or was deleted)", e);
    }
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      reader.close();
    } finally {
      pool.giveAll(pages);
    }
  }
}
