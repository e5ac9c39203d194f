package io.memflow.sort;

import io.memflow.memory.MemorySegment;
import io.memflow.memory.MemorySegments;
import io.memflow.serialization.RecordIterator;
import io.memflow.serialization.SortComparator;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * A k-way merge of sorted iterators: a tree of losers (a tournament) over the current record of
 * each source (its head); {@link #next()} returns the winner and refills it from its source,
 * replaying only the matches on the path from that source to the root: {@code ceil(log2 k)}
 * comparisons, one per level (a binary heap needs two per level). Equal heads come out in source
 * order. Exhausted sources lose every match. Not thread-safe; {@link #close()} closes every
 * source.
 *
 * <p>The smallest head is refilled lazily, at the start of the following call, so the record just
 * returned stays valid until then. With {@link #next(Object)}, each source reads into a spare
 * record of its own (the head it returned before, which the caller has let go of by calling
 * again): two objects per source in the steady state and no allocation per record, if the
 * serializer reuses. Such a head may share memory with its source ({@link
 * io.memflow.serialization.TypeSerializer#deserializeTransient}: a row pointing into the page of
 * its run), valid until that source is read again; {@link #next()} hands out such a head {@code
 * detach}ed, since its caller may keep it.
 *
 * <pre>
 *   k sources: leaves k .. 2k-1 (source i is leaf k + i), matches 1 .. k-1 (node n plays the
 *   winners of nodes 2n and 2n+1)
 *   tree[n] = the loser of match n,  tree[0] = the overall winner
 *   order: by key, then by comparator, then by source index (a strict total order)
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
  private final UnaryOperator<T> detach;
  private final List<T> heads;
  private final List<T> spares;
  /** The source whose head was returned last and must be refilled first; -1 if none. */
  private int pending = -1;
  /** Whether that head was returned by {@link #next(Object)} (so it may be reused). */
  private boolean pendingReusable;
  /** tree[0] the winner, tree[1 .. k-1] the loser of each match; see the class comment. */
  private final int[] tree;
  /** Per source: whether it is exhausted (its head is null). */
  private final boolean[] exhausted;
  /** Per source: whether its head came from {@code next(spare)}, and may share memory with it. */
  private final boolean[] transientHeads;
  private boolean started;
  private boolean closed;
  private final int keyBytes;
  private final boolean keyDecides;
  /** One zero-padded {@link #MAX_KEY_BYTES} slot that {@link #putKey} writes a key into. */
  private final MemorySegment keySlot;
  /** Per source: the first and second big-endian word of its head's key. */
  private final long[] keyHigh;
  private final long[] keyLow;

  /**
   * A merge of {@code sources}, whose records from {@code next(reuse)} may share memory with them;
   * {@link #next()} detaches such a record with the comparator's serializer.
   */
  MergeIterator(List<? extends RecordIterator<T>> sources, SortComparator<T> comparator) {
    this.sources = new ArrayList<>(sources);
    this.comparator = comparator;
    this.detach = comparator.serializer()::detach;
    this.keyBytes = Math.clamp(comparator.normalizedKeyLength(), 0, MAX_KEY_BYTES);
    this.keyDecides = keyBytes > 0 && comparator.normalizedKeyDecidesOrder(keyBytes);
    this.keySlot = keyBytes == 0 ? null : MemorySegments.allocateHeap(MAX_KEY_BYTES);
    this.keyHigh = new long[sources.size()];
    this.keyLow = new long[sources.size()];
    this.heads = new ArrayList<>(sources.size());
    this.spares = new ArrayList<>(java.util.Collections.nCopies(sources.size(), null));
    this.tree = new int[Math.max(1, sources.size())];
    this.exhausted = new boolean[sources.size()];
    this.transientHeads = new boolean[sources.size()];
  }

  private void start() throws IOException {
    started = true;
    for (int i = 0; i < sources.size(); i++) {
      T head = sources.get(i).next();
      heads.add(head);
      putKey(i, head);
      exhausted[i] = head == null;
    }
    if (!sources.isEmpty()) {
      tree[0] = play(1);
    }
  }

  /** Plays the matches below {@code node} (a leaf if at least k), storing losers; returns the winner. */
  private int play(int node) {
    int k = sources.size();
    if (node >= k) {
      return node - k;
    }
    int left = play(2 * node);
    int right = play(2 * node + 1);
    if (less(left, right)) {
      tree[node] = right;
      return left;
    }
    tree[node] = left;
    return right;
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
    T head = head(reusing);
    return head == null || reusing || !transientHeads[pending] ? head : detach.apply(head);
  }

  private T head(boolean reusing) throws IOException {
    if (closed) {
      throw new IllegalStateException("merge iterator is closed");
    }
    if (!started) {
      start();
    }
    if (pending >= 0) {
      refillTop();
    }
    if (sources.isEmpty() || exhausted[tree[0]]) {
      return null;
    }
    pending = tree[0];
    pendingReusable = reusing;
    return heads.get(pending);
  }

  /** Refills the winner's source, whose head the caller has let go of, and replays its path. */
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
    transientHeads[source] = pendingReusable;
    putKey(source, refill);
    exhausted[source] = refill == null;
    int winner = source;
    for (int node = (source + sources.size()) >>> 1; node >= 1; node >>>= 1) {
      int loser = tree[node];
      if (less(loser, winner)) {
        tree[node] = winner;
        winner = loser;
      }
    }
    tree[0] = winner;
  }

  private void putKey(int source, T head) {
    if (keyBytes > 0 && head != null) {
      comparator.putNormalizedKey(head, keySlot, 0, keyBytes); // bytes past keyBytes stay zero
      keyHigh[source] = keySlot.getLongBigEndian(0);
      keyLow[source] = keySlot.getLongBigEndian(Long.BYTES);
    }
  }

  /** Whether source {@code a}'s head comes before source {@code b}'s; exhausted sources come last. */
  private boolean less(int a, int b) {
    if (exhausted[a] || exhausted[b]) {
      return exhausted[a] ? exhausted[b] && a < b : true;
    }
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
