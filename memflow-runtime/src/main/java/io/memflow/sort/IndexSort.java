package io.memflow.sort;

/**
 * An introsort over an {@link IndexedSortable}: quicksort with a median-of-three pivot and
 * three-way partitioning, insertion sort for small ranges, and heapsort when the recursion runs
 * too deep.
 *
 * <p><b>Two phases.</b> A range is first partitioned on the key prefix alone (one unsigned byte
 * comparison of at most 16 bytes, no record access): entries with a smaller prefix, an equal
 * prefix, a larger prefix. The outer ranges recurse on the prefix. The middle range (a prefix
 * tie) is done if the prefix decides the order; otherwise it is sorted again with the full
 * comparison, which reads the records. So records are only compared on prefix ties, and never
 * when {@link IndexedSortable#prefixDecidesOrder()}. Small ranges and the heapsort guard use the
 * full comparison directly (which itself compares the prefix first).
 *
 * <p><b>Three-way partition</b> (Bentley and McIlroy): the pivot is moved to {@code lo} and stays
 * there while two scans meet in the middle, swapping only the pairs on the wrong sides (about a
 * sixth of the entries on random keys, where a single-scan three-way partition swaps almost
 * every entry). Entries equal to the pivot are parked at both ends as they are met, and swapped
 * into the middle at the end:
 *
 * <pre>
 *   lo        a          b             c          d         hi
 *   +---------+----------+-------------+----------+---------+
 *   | = pivot |  &lt; pivot  |   unseen    | &gt; pivot  | = pivot |
 *   +---------+----------+-------------+----------+---------+
 *                  then:  | &lt; pivot | = pivot | &gt; pivot |
 * </pre>
 *
 * Recursion goes into the smaller outer range and loops on the larger one, so the stack stays
 * logarithmic; the depth limit {@code 2 * floor(log2 n)} bounds the work at {@code O(n log n)}.
 * Not stable.
 */
final class IndexSort {

  /** Ranges of at most this many entries are insertion-sorted. */
  static final int INSERTION_SORT_THRESHOLD = 12;

  private IndexSort() {}

  /** Sorts all entries of {@code s}. */
  static void sort(IndexedSortable s) {
    sort(s, depthLimit(s.size()));
  }

  /** Sorts all entries of {@code s}, switching to heapsort below {@code depthLimit} levels (tests). */
  static void sort(IndexedSortable s, int depthLimit) {
    int n = s.size();
    if (n > 1) {
      sort(s, 0, n - 1, depthLimit, s.hasPrefix());
    }
  }

  /**
   * Sorts entries {@code [lo, hi]} whose prefixes agree on their first bytes (a radix bucket): on
   * the prefix first if there is one, then in full on prefix ties.
   */
  static void sortRange(IndexedSortable s, int lo, int hi) {
    if (hi > lo) {
      sort(s, lo, hi, depthLimit(hi - lo + 1), s.hasPrefix());
    }
  }

  /** Sorts entries {@code [lo, hi]} whose prefixes are all equal: in full, unless the prefix decides. */
  static void sortTies(IndexedSortable s, int lo, int hi) {
    if (hi > lo && !s.prefixDecidesOrder()) {
      sort(s, lo, hi, depthLimit(hi - lo + 1), false);
    }
  }

  static int depthLimit(int n) {
    return 2 * (31 - Integer.numberOfLeadingZeros(n));
  }

  private static void sort(IndexedSortable s, int lo, int hi, int depth, boolean onPrefix) {
    while (hi - lo >= INSERTION_SORT_THRESHOLD) {
      if (depth-- == 0) {
        heapSort(s, lo, hi);
        return;
      }
      medianOfThreeToFront(s, lo, hi, onPrefix);
      long bounds = partition(s, lo, hi, onPrefix);
      int lt = (int) (bounds >>> 32);
      int gt = (int) bounds;
      if (onPrefix && !s.prefixDecidesOrder() && gt > lt) {
        sort(s, lt, gt, depthLimit(gt - lt + 1), false);
      }
      if (lt - lo < hi - gt) {
        sort(s, lo, lt - 1, depth, onPrefix);
        lo = gt + 1;
      } else {
        sort(s, gt + 1, hi, depth, onPrefix);
        hi = lt - 1;
      }
    }
    insertionSort(s, lo, hi);
  }

  private static int compare(IndexedSortable s, int i, int j, boolean onPrefix) {
    return onPrefix ? s.comparePrefix(i, j) : s.compare(i, j);
  }

  /** Orders lo, mid and hi and moves the median to lo. */
  private static void medianOfThreeToFront(IndexedSortable s, int lo, int hi, boolean onPrefix) {
    int mid = (lo + hi) >>> 1;
    if (compare(s, mid, lo, onPrefix) < 0) {
      s.swap(mid, lo);
    }
    if (compare(s, hi, mid, onPrefix) < 0) {
      s.swap(hi, mid);
      if (compare(s, mid, lo, onPrefix) < 0) {
        s.swap(mid, lo);
      }
    }
    s.swap(lo, mid);
  }

  /** Partitions around the pivot at lo; returns lt in the high and gt in the low 32 bits. */
  private static long partition(IndexedSortable s, int lo, int hi, boolean onPrefix) {
    int a = lo + 1;
    int b = lo + 1;
    int c = hi;
    int d = hi;
    while (true) {
      for (int cmp; b <= c && (cmp = compare(s, b, lo, onPrefix)) <= 0; b++) {
        if (cmp == 0) {
          s.swap(a++, b);
        }
      }
      for (int cmp; c >= b && (cmp = compare(s, c, lo, onPrefix)) >= 0; c--) {
        if (cmp == 0) {
          s.swap(c, d--);
        }
      }
      if (b > c) {
        break;
      }
      s.swap(b++, c--);
    }
    int left = Math.min(a - lo, b - a);
    swapRanges(s, lo, b - left, left);
    int right = Math.min(d - c, hi - d);
    swapRanges(s, b, hi - right + 1, right);
    int lt = lo + (b - a);
    int gt = hi - (d - c);
    return (long) lt << 32 | (gt & 0xFFFF_FFFFL);
  }

  /** Swaps entries {@code [i, i + n)} with {@code [j, j + n)}. */
  private static void swapRanges(IndexedSortable s, int i, int j, int n) {
    for (int k = 0; k < n; k++) {
      s.swap(i + k, j + k);
    }
  }

  static void insertionSort(IndexedSortable s, int lo, int hi) {
    for (int i = lo + 1; i <= hi; i++) {
      for (int j = i; j > lo && s.compare(j - 1, j) > 0; j--) {
        s.swap(j - 1, j);
      }
    }
  }

  static void heapSort(IndexedSortable s, int lo, int hi) {
    int n = hi - lo + 1;
    for (int i = n / 2 - 1; i >= 0; i--) {
      siftDown(s, lo, i, n);
    }
    for (int end = n - 1; end > 0; end--) {
      s.swap(lo, lo + end);
      siftDown(s, lo, 0, end);
    }
  }

  private static void siftDown(IndexedSortable s, int lo, int root, int n) {
    while (true) {
      int child = 2 * root + 1;
      if (child >= n) {
        return;
      }
      if (child + 1 < n && s.compare(lo + child, lo + child + 1) < 0) {
        child++;
      }
      if (s.compare(lo + root, lo + child) >= 0) {
        return;
      }
      s.swap(lo + root, lo + child);
      root = child;
    }
  }
}
