package io.memflow.sort;

import io.memflow.memory.MemorySegment;
import io.memflow.memory.MemorySegments;
import io.memflow.serialization.RecordIterator;
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
 * <p>The smallest head is refilled lazily, at the start of the following call, so the record just
 * returned stays valid until then. With {@link #next(Object)}, each source reads into a spare
 * record of its own (the head it returned before, which the caller has let go of by calling
 * again): two objects per source in the steady state and no allocation per record, if the
 * serializer reuses.
 *
 * <pre>
 *   heap[0] = index of the source with the smallest head
 *   heap[i] &lt;= heap[2i + 1], heap[2i + 2]     (by comparator, then source index)
 * </pre>
 *
 * <p>If the comparator has a normalized key, each head's first {@link #MAX_KEY_BYTES} key bytes
 * are written once, when the head arrives, into a small heap segment and read back as two
 * big-endian words (zero-padded), kept per source in two {@code long} arrays. Comparisons look at
 * those words first (two unsigned long comparisons at most, the same order as comparing the
 * bytes) instead of field-by-field access to two records, with the full comparison only on a tie
 * the key does not decide.
 */
final class MergeIterator<T> implements RecordIterator<T> {

  /** The most normalized key bytes kept per head. */
  static final int MAX_KEY_BYTES = 16;

  private final List<RecordIterator<T>> sources;
  private final SortComparator<T> comparator;
  private final List<T> heads;
  private final List<T> spares;
  /** The source whose head was returned last and must be refilled first; -1 if none. */
  private int pending = -1;
  /** Whether that head was returned by {@link #next(Object)} (so it may be reused). */
  private boolean pendingReusable;
  private final int[] heap;
  private int size;
  private boolean started;
  private boolean closed;
  private final int keyBytes;
  private final boolean keyDecides;
  /** One zero-padded {@link #MAX_KEY_BYTES} slot that {@link #putKey} writes a key into. */
  private final MemorySegment keySlot;
  /** Per source: the first and second big-endian word of its head's key. */
  private final long[] keyHigh;
  private final long[] keyLow;

  MergeIterator(List<? extends RecordIterator<T>> sources, SortComparator<T> comparator) {
    this.sources = new ArrayList<>(sources);
    this.comparator = comparator;
    this.keyBytes = Math.clamp(comparator.normalizedKeyLength(), 0, MAX_KEY_BYTES);
    this.keyDecides = keyBytes > 0 && comparator.normalizedKeyDecidesOrder(keyBytes);
    this.keySlot = keyBytes == 0 ? null : MemorySegments.allocateHeap(MAX_KEY_BYTES);
    this.keyHigh = new long[sources.size()];
    this.keyLow = new long[sources.size()];
    this.heads = new ArrayList<>(sources.size());
    this.spares = new ArrayList<>(java.util.Collections.nCopies(sources.size(), null));
    this.heap = new int[sources.size()];
  }

  private void start() throws IOException {
    started = true;
    for (int i = 0; i < sources.size(); i++) {
      T head = sources.get(i).next();
      heads.add(head);
      putKey(i, head);
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
    return next(false);
  }

  /** The smallest head, which the merge may reuse once the caller calls again; ignores {@code reuse}. */
  @Override
  public T next(T reuse) throws IOException {
    return next(true);
  }

  private T next(boolean reusing) throws IOException {
    if (closed) {
      throw new IllegalStateException("merge iterator is closed");
    }
    if (!started) {
      start();
    }
    if (pending >= 0) {
      refillTop();
    }
    if (size == 0) {
      return null;
    }
    pending = heap[0];
    pendingReusable = reusing;
    return heads.get(pending);
  }

  /** Refills the source at the top of the heap, whose head the caller has let go of. */
  private void refillTop() throws IOException {
    int source = pending;
    pending = -1;
    T old = heads.get(source);
    T spare = spares.get(source);
    T refill = pendingReusable ? sources.get(source).next(spare) : sources.get(source).next();
    if (pendingReusable) {
      spares.set(source, refill == old ? null : old);
    }
    heads.set(source, refill);
    putKey(source, refill);
    if (refill == null) {
      heap[0] = heap[--size];
    }
    siftDown(0);
  }

  private void putKey(int source, T head) {
    if (keyBytes > 0 && head != null) {
      comparator.putNormalizedKey(head, keySlot, 0, keyBytes); // bytes past keyBytes stay zero
      keyHigh[source] = keySlot.getLongBigEndian(0);
      keyLow[source] = keySlot.getLongBigEndian(Long.BYTES);
    }
  }

  private boolean less(int a, int b) {
    int c = 0;
    if (keyBytes > 0) {
      c = Long.compareUnsigned(keyHigh[a], keyHigh[b]);
      if (c == 0) {
        c = Long.compareUnsigned(keyLow[a], keyLow[b]);
      }
    }
    if (c == 0 && !keyDecides) {
      c = comparator.compare(heads.get(a), heads.get(b));
    }
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
