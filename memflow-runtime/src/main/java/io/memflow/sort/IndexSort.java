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
 * <p><b>Three-way partition</b> (Dijkstra): the pivot is moved to {@code lo}; {@code [lo, lt)}
 * holds smaller entries, {@code [lt, i)} entries equal to the pivot, {@code (gt, hi]} larger ones.
 * The pivot is never copied: {@code lt} always addresses an entry equal to it, so each entry is
 * compared with entry {@code lt}.
 *
 * <pre>
 *   lo          lt            i              gt          hi
 *   +-----------+-------------+--------------+-----------+
 *   |  &lt; pivot  |  = pivot    |  unseen      |  &gt; pivot  |
 *   +-----------+-------------+--------------+-----------+
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
    int lt = lo;
    int i = lo + 1;
    int gt = hi;
    while (i <= gt) {
      int c = compare(s, i, lt, onPrefix);
      if (c < 0) {
        s.swap(lt++, i++);
      } else if (c > 0) {
        s.swap(i, gt--);
      } else {
        i++;
      }
    }
    return (long) lt << 32 | (gt & 0xFFFF_FFFFL);
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
