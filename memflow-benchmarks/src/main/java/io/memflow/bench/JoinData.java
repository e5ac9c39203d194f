package io.memflow.bench;

import java.util.SplittableRandom;

/**
 * The rows both hash joins read, generated from a seed: a build side of {@code buildRows} rows
 * whose keys are {@code 0 .. buildRows - 1} in a scrambled order (each key once), and a probe side
 * whose keys are uniform over the same range, so every probe row matches exactly one build row.
 * Payloads are random longs. Not thread-safe.
 */
final class JoinData {

  private final SplittableRandom random;
  private final int buildRows;
  private final long multiplier;
  private long index;
  private long key;
  private long payload;

  JoinData(long seed, int buildRows) {
    this.random = new SplittableRandom(seed);
    this.buildRows = buildRows;
    this.multiplier = 0x9E3779B1L; // odd, so i -> i * m mod 2^k is a bijection
  }

  /** The next build row: every key of the range once, scrambled (the range is a power of two). */
  void nextBuild() {
    key = (index++ * multiplier) & (buildRows - 1);
    payload = random.nextLong();
  }

  /** The next probe row. */
  void nextProbe() {
    key = random.nextInt(buildRows);
    payload = random.nextLong();
  }

  long key() {
    return key;
  }

  long payload() {
    return payload;
  }
}
