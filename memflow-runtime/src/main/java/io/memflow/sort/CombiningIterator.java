package io.memflow.sort;

import io.memflow.serialization.RecordIterator;
import io.memflow.serialization.SortComparator;
import java.io.IOException;
import java.util.Objects;

/**
 * Combines runs of equal records of a sorted iterator into one with a {@link Combiner}. Not
 * thread-safe; closing it closes the source.
 */
final class CombiningIterator<T> implements RecordIterator<T> {

  private final RecordIterator<T> source;
  private final SortComparator<T> comparator;
  private final Combiner<T> combiner;
  private T pending;
  private boolean started;

  CombiningIterator(RecordIterator<T> source, SortComparator<T> comparator, Combiner<T> combiner) {
    this.source = source;
    this.comparator = comparator;
    this.combiner = combiner;
  }

  @Override
  public T next() throws IOException {
    if (!started) {
      started = true;
      pending = source.next();
    }
    T current = pending;
    if (current == null) {
      return null;
    }
    T next = source.next();
    while (next != null && comparator.compare(current, next) == 0) {
      current = Objects.requireNonNull(combiner.combine(current, next), "combiner returned null");
      next = source.next();
    }
    pending = next;
    return current;
  }

  @Override
  public void close() {
    source.close();
  }
}
