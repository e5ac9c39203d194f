package io.memflow.sort;

import io.memflow.serialization.SortComparator;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A k-way merge of sorted iterators: a binary min-heap over the current record of each source
 * (its head); {@link #next()} returns the smallest head and refills it from its source, with
 * {@code O(log k)} comparisons. Equal heads come out in source order. Not thread-safe; {@link
 * #close()} closes every source.
 *
 * <pre>
 *   heap[0] = index of the source with the smallest head
 *   heap[i] &lt;= heap[2i + 1], heap[2i + 2]     (by comparator, then source index)
 * </pre>
 */
final class MergeIterator<T> implements RecordIterator<T> {

  private final List<RecordIterator<T>> sources;
  private final SortComparator<T> comparator;
  private final List<T> heads;
  private final int[] heap;
  private int size;
  private boolean started;
  private boolean closed;

  MergeIterator(List<? extends RecordIterator<T>> sources, SortComparator<T> comparator) {
    this.sources = new ArrayList<>(sources);
    this.comparator = comparator;
    this.heads = new ArrayList<>(sources.size());
    this.heap = new int[sources.size()];
  }

  private void start() throws IOException {
    started = true;
    for (int i = 0; i < sources.size(); i++) {
      T head = sources.get(i).next();
      heads.add(head);
      if (head != null) {
        heap[size++] = i;
      }
    }
    for (int i = size / 2 - 1; i >= 0; i--) {
      siftDown(i);
    }
  }

  @Override
  public T next() throws IOException {
    if (closed) {
      throw new IllegalStateException("merge iterator is closed");
    }
    if (!started) {
      start();
    }
    if (size == 0) {
      return null;
    }
    int source = heap[0];
    T result = heads.get(source);
    T refill = sources.get(source).next();
    heads.set(source, refill);
    if (refill == null) {
      heap[0] = heap[--size];
    }
    siftDown(0);
    return result;
  }

  private boolean less(int a, int b) {
    int c = comparator.compare(heads.get(a), heads.get(b));
    return c < 0 || (c == 0 && a < b);
  }

  private void siftDown(int i) {
    while (true) {
      int child = 2 * i + 1;
      if (child >= size) {
        return;
      }
      if (child + 1 < size && less(heap[child + 1], heap[child])) {
        child++;
      }
      if (!less(heap[child], heap[i])) {
        return;
      }
      int t = heap[i];
      heap[i] = heap[child];
      heap[child] = t;
      i = child;
    }
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    RuntimeException failure = null;
    for (RecordIterator<T> source : sources) {
      try {
        source.close();
      } catch (RuntimeException e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }
}
