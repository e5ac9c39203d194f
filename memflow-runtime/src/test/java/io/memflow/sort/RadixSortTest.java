package io.memflow.sort;

import static org.assertj.core.api.Assertions.assertThat;

import io.memflow.sort.IndexSortTest.IntArray;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class RadixSortTest {

  private static void assertSorts(int[] values, int divisor, int threshold, String what) {
    int[] expected = values.clone();
    Arrays.sort(expected);
    for (boolean outOfPlace : new boolean[] {false, true}) {
      IntArray array = new IntArray(values.clone(), divisor, divisor == 1);
      array.outOfPlace = outOfPlace;
      RadixSort.sort(array, threshold);
      assertThat(array.values)
          .as("%s n=%s divisor=%s threshold=%s outOfPlace=%s", what, values.length, divisor, threshold, outOfPlace)
          .isEqualTo(expected);
    }
  }

  @Test
  void sortsLikeArraysSortForEveryShapeSizeAndThreshold() {
    Random random = new Random(5);
    for (int n : new int[] {0, 1, 2, 255, 256, 257, 3_000, 40_000}) {
      for (int divisor : new int[] {0, 1, 7, 1 << 20}) {
        for (int threshold : new int[] {2, 5, RadixSort.BUCKET_THRESHOLD, 256}) {
          assertSorts(random.ints(n).toArray(), divisor, threshold, "any int");
          assertSorts(random.ints(n, -1000, 1000).toArray(), divisor, threshold, "small range");
          assertSorts(random.ints(n, 0, 3).toArray(), divisor, threshold, "three values");
          assertSorts(new int[n], divisor, threshold, "all equal");
          assertSorts(IntStream.range(0, n).map(i -> n - i).toArray(), divisor, threshold, "descending");
          assertSorts(IntStream.range(0, n).map(i -> i << 16).toArray(), divisor, threshold, "low bytes zero");
        }
      }
    }
  }

  @Test
  void aDecidingPrefixComparesInFullOnlyInsideSmallBuckets() {
    int[] values = new Random(6).ints(50_000).toArray();
    IntArray array = new IntArray(values, 1, true);
    RadixSort.sort(array);
    int[] sorted = values.clone();
    Arrays.sort(sorted);
    assertThat(array.values).isEqualTo(sorted);
    // buckets under BUCKET_THRESHOLD entries go to IndexSort, whose insertion sorts (at most 12 entries) compare in full
    assertThat(array.fullCompares).isLessThan(50_000L * 12);
  }

  @Test
  void tiesOnTheWholePrefixAreSortedInFullWhenThePrefixDoesNotDecide() {
    Random random = new Random(7);
    int[] values = random.ints(20_000, 0, 1 << 12).toArray(); // divisor 1 << 10: 4 prefixes only
    int[] expected = values.clone();
    Arrays.sort(expected);
    IntArray array = new IntArray(values, 1 << 10, false);
    RadixSort.sort(array, 2);
    assertThat(array.values).isEqualTo(expected);
    assertThat(array.fullCompares).isPositive();
  }
}
