package io.memflow.sort;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The index's division by multiplication gives exactly {@code i / d} for every non-negative int. */
class ReciprocalDivisionTest {

  @Test
  void quotientEqualsIntegerDivisionOnEdgesAndRandomValues() {
    SplittableRandom random = new SplittableRandom(7);
    int[] divisors = {3, 7, 170, 1024, 1365, 1820, 4096, 43690, 131072, 1 << 20, Integer.MAX_VALUE};
    for (int round = 0; round < 2000; round++) {
      int d = round < divisors.length ? divisors[round] : random.nextInt(3, 1 << 22);
      long r = NormalizedKeySorter.reciprocal(d);
      assertThat(r).isPositive();
      int[] edges = {0, 1, d - 1, d, d + 1, 2 * d - 1, Integer.MAX_VALUE, Integer.MAX_VALUE - 1,
          Integer.MAX_VALUE / d * d, Integer.MAX_VALUE / d * d - 1};
      for (int i : edges) {
        if (i >= 0) {
          assertThat(NormalizedKeySorter.quotient(i, r)).as("%d / %d", i, d).isEqualTo(i / d);
        }
      }
      for (int k = 0; k < 200; k++) {
        int i = random.nextInt(0, Integer.MAX_VALUE);
        assertThat(NormalizedKeySorter.quotient(i, r)).as("%d / %d", i, d).isEqualTo(i / d);
      }
    }
  }
}
