package io.memflow.sort;

/**
 * A most-significant-byte-first radix sort of an index on its key prefix, in place (American flag
 * sort) but for a first level out of place when the sortable has room, handing small buckets to
 * {@link IndexSort}.
 *
 * <p><b>Why.</b> A comparison sort touches every entry about {@code log2 n} times (22 times for
 * 5 M entries), most of them in ranges far larger than the CPU caches, and mispredicts about
 * every other comparison. Distributing on the first prefix byte touches every entry twice
 * (count, then move), and leaves 256 buckets; the second byte leaves 65 536 buckets that fit in
 * cache. On random keys that is a few passes over memory instead of twenty. The radix goes on
 * down to buckets of {@value #BUCKET_THRESHOLD} entries: counting a small bucket (about a
 * thousand cheap, well-predicted steps over the 256 counts) costs less than quicksorting it.
 *
 * <p><b>One level</b> (byte {@code k} of the prefix, entries {@code [lo, hi)}):
 *
 * <pre>
 *   count:    counts[b] = entries whose byte k is b
 *   buckets:  start[b] = lo + counts[0] + ... + counts[b-1];  next[b] = start[b]
 *   permute:  for each bucket b, while next[b] &lt; start[b+1]:
 *               v = byte k of entry next[b]
 *               v == b ? next[b]++ : swap(next[b], next[v]++)      (each swap places one entry)
 *   recurse:  each bucket of two entries or more, on byte k + 1; a bucket below
 *             {@link #BUCKET_THRESHOLD} entries, or one at the end of the prefix, goes to
 *             IndexSort (prefix first, full comparison on ties unless the prefix decides)
 * </pre>
 *
 * <p><b>First level out of place.</b> Permuting in place chases cycles through the whole index:
 * every move waits for the read of the slot it goes to, and on a large index most of those
 * reads miss the caches. If the sortable has room for a second copy of its index it distributes
 * byte 0 itself ({@link IndexedSortable#distributeByFirstByte}): one sequential read of the
 * index and 256 sequential write streams, with nothing to wait for. The deeper levels, on
 * buckets that mostly fit in cache, stay in place.
 *
 * <p>The bucket bounds of each level live in one array per level, allocated once per sort, so
 * the sort allocates {@code O(prefix length)} arrays whatever the input. Not stable (nor is
 * IndexSort). Stateless; not thread-safe per sortable.
 */
public final class RadixSort {

  /**
   * Below this many entries, a range goes to IndexSort (mostly its insertion sort): counting 256
   * buckets would cost more. Measured on 5 M random 10-byte keys: 256 took about 1.5 times as long.
   */
  static final int BUCKET_THRESHOLD = 16;

  private static final int RADIX = 256;

  private RadixSort() {}

  /**
   * Sorts all entries of {@code s}: by radix on the prefix if it has one, else by IndexSort. In
   * place but for small scratch arrays of bucket bounds (257 ints per prefix byte).
   */
  public static void sort(IndexedSortable s) {
    sort(s, BUCKET_THRESHOLD);
  }

  /** As {@link #sort(IndexedSortable)} with another threshold (tests). */
  static void sort(IndexedSortable s, int threshold) {
    int n = s.size();
    if (!s.hasPrefix() || n < threshold) {
      IndexSort.sort(s);
      return;
    }
    Levels levels = new Levels(s.prefixLength());
    int t = Math.max(threshold, 2);
    if (levels.distributed(s)) {
      levels.buckets(s, 0, t);
    } else {
      levels.sort(s, 0, n, 0, t);
    }
  }

  /** Per-level scratch arrays: bucket starts (257 each) and fill pointers. */
  private static final class Levels {
    private final int[][] starts;
    private final int[] next = new int[RADIX];

    Levels(int levels) {
      starts = new int[levels][RADIX + 1];
    }

    /** Whether {@code s} moved its entries into buckets of byte 0 itself (out of place). */
    boolean distributed(IndexedSortable s) {
      return s.distributeByFirstByte(starts[0]);
    }

    void sort(IndexedSortable s, int lo, int hi, int k, int threshold) {
      int[] start = starts[k];
      int single = count(s, lo, hi, k, start);
      if (single >= 0) { // every entry has the same byte k: nothing to move, go one byte deeper
        if (k + 1 == s.prefixLength()) {
          IndexSort.sortTies(s, lo, hi - 1);
        } else {
          sort(s, lo, hi, k + 1, threshold);
        }
        return;
      }
      permute(s, k, start);
      buckets(s, k, threshold);
    }

    /** Sorts each bucket of byte {@code k} (bounds in {@code starts[k]}) on the bytes after it. */
    void buckets(IndexedSortable s, int k, int threshold) {
      int[] start = starts[k];
      for (int b = 0; b < RADIX; b++) {
        int from = start[b];
        int to = start[b + 1];
        if (to - from < 2) {
          continue;
        }
        if (k + 1 == s.prefixLength()) {
          IndexSort.sortTies(s, from, to - 1);
        } else if (to - from < threshold) {
          IndexSort.sortRange(s, from, to - 1);
        } else {
          sort(s, from, to, k + 1, threshold);
        }
      }
    }

    /**
     * Fills {@code start[0..256]} with the bucket bounds of byte {@code k} over {@code [lo, hi)};
     * returns the byte if every entry has the same one, else -1.
     */
    private static int count(IndexedSortable s, int lo, int hi, int k, int[] start) {
      java.util.Arrays.fill(start, 0);
      for (int i = lo; i < hi; i++) {
        start[s.prefixByte(i, k) + 1]++;
      }
      int single = -1;
      start[0] = lo;
      for (int b = 1; b <= RADIX; b++) {
        if (start[b] == hi - lo) {
          single = b - 1;
        }
        start[b] += start[b - 1];
      }
      return single;
    }

    /** Moves every entry into its bucket: each swap puts one entry where it belongs. */
    private void permute(IndexedSortable s, int k, int[] start) {
      System.arraycopy(start, 0, next, 0, RADIX);
      for (int b = 0; b < RADIX; b++) {
        int end = start[b + 1];
        while (next[b] < end) {
          int v = s.prefixByte(next[b], k);
          if (v == b) {
            next[b]++;
          } else {
            s.swap(next[b], next[v]++);
          }
        }
      }
    }
  }
}
