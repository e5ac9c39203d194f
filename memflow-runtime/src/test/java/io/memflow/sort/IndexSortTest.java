package io.memflow.sort;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class IndexSortTest {

  /** Sorts an int array; the prefix is the value divided by {@code prefixDivisor}. */
  static final class IntArray implements IndexedSortable {
    final int[] values;
    final int prefixDivisor;
    final boolean decides;
    long fullCompares;

    IntArray(int[] values, int prefixDivisor, boolean decides) {
      this.values = values;
      this.prefixDivisor = prefixDivisor;
      this.decides = decides;
    }

    @Override
    public int size() {
      return values.length;
    }

    @Override
    public int comparePrefix(int i, int j) {
      return Integer.compare(Math.floorDiv(values[i], prefixDivisor), Math.floorDiv(values[j], prefixDivisor));
    }

    @Override
    public int compare(int i, int j) {
      fullCompares++;
      return Integer.compare(values[i], values[j]);
    }

    @Override
    public void swap(int i, int j) {
      int t = values[i];
      values[i] = values[j];
      values[j] = t;
    }

    @Override
    public boolean hasPrefix() {
      return prefixDivisor > 0;
    }

    @Override
    public int prefixLength() {
      return prefixDivisor > 0 ? Integer.BYTES : 0;
    }

    /** The prefix as 4 order-preserving big-endian bytes: (value / divisor) with the sign bit flipped. */
    @Override
    public int prefixByte(int i, int k) {
      int key = Math.floorDiv(values[i], prefixDivisor) ^ Integer.MIN_VALUE;
      return (key >>> (24 - 8 * k)) & 0xFF;
    }

    @Override
    public boolean prefixDecidesOrder() {
      return decides;
    }

    /** Whether {@link #distributeByFirstByte} moves the entries (through a second array). */
    boolean outOfPlace;

    @Override
    public boolean distributeByFirstByte(int[] start) {
      if (!outOfPlace) {
        return false;
      }
      Arrays.fill(start, 0);
      for (int i = 0; i < values.length; i++) {
        start[prefixByte(i, 0) + 1]++;
      }
      Arrays.parallelPrefix(start, Integer::sum);
      int[] next = start.clone();
      int[] copy = new int[values.length];
      for (int i = 0; i < values.length; i++) {
        copy[next[prefixByte(i, 0)]++] = values[i];
      }
      System.arraycopy(copy, 0, values, 0, values.length);
      return true;
    }
  }

  static void assertSorts(int[] values, int prefixDivisor) {
    int[] expected = values.clone();
    Arrays.sort(expected);
    IntArray array = new IntArray(values, prefixDivisor, prefixDivisor == 1);
    IndexSort.sort(array);
    assertThat(array.values).isEqualTo(expected);
  }

  @Test
  void sortsRandomSortedReversedAndConstantArrays() {
    Random random = new Random(1);
    for (int n : new int[] {0, 1, 2, 5, 12, 13, 100, 10_000}) {
      for (int divisor : new int[] {0, 1, 16}) {
        assertSorts(random.ints(n, -1000, 1000).toArray(), divisor);
        assertSorts(random.ints(n, 0, 3).toArray(), divisor);
        int[] ascending = java.util.stream.IntStream.range(0, n).toArray();
        assertSorts(ascending.clone(), divisor);
        int[] descending = java.util.stream.IntStream.range(0, n).map(i -> n - i).toArray();
        assertSorts(descending, divisor);
        assertSorts(new int[n], divisor);
      }
    }
  }

  @Test
  void heapSortAndInsertionSortSortRanges() {
    Random random = new Random(2);
    int[] values = random.ints(500, -50, 50).toArray();
    int[] expected = values.clone();
    Arrays.sort(expected, 100, 400);
    IntArray array = new IntArray(values, 0, false);
    IndexSort.heapSort(array, 100, 399);
    assertThat(array.values).isEqualTo(expected);

    int[] small = random.ints(12, 0, 5).toArray();
    int[] smallExpected = small.clone();
    Arrays.sort(smallExpected);
    IndexSort.insertionSort(new IntArray(small, 0, false), 0, 11);
    assertThat(small).isEqualTo(smallExpected);
  }

  @Test
  void aDecidingPrefixNeedsNoFullComparisonOutsideSmallRanges() {
    int[] values = new Random(3).ints(20_000, 0, 1 << 20).toArray();
    IntArray array = new IntArray(values, 1, true);
    IndexSort.sort(array);
    // only insertion sorts of at most 12 entries compare in full
    assertThat(array.fullCompares).isLessThan(20_000L * 12);
    int[] sorted = values.clone();
    Arrays.sort(sorted);
    assertThat(array.values).isEqualTo(sorted);
  }

  @Test
  void theHeapsortGuardTakesOverWhenTheRecursionIsTooDeep() {
    Random random = new Random(4);
    for (int depth = 0; depth <= 3; depth++) {
      for (int divisor : new int[] {0, 1, 8}) {
        int[] values = random.ints(5_000, -300, 300).toArray();
        int[] expected = values.clone();
        Arrays.sort(expected);
        IntArray array = new IntArray(values, divisor, divisor == 1);
        IndexSort.sort(array, depth);
        assertThat(array.values).as("depth=%s divisor=%s", depth, divisor).isEqualTo(expected);
      }
    }
  }

  @Test
  void depthLimitIsTwiceTheLogarithm() {
    assertThat(IndexSort.depthLimit(1)).isZero();
    assertThat(IndexSort.depthLimit(1024)).isEqualTo(20);
  }
}
