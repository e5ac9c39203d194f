package io.memflow.bench;

import java.util.SplittableRandom;

/**
 * The rows both hash aggregations read: a long key uniform over {@code groups} values and a long
 * value, generated from a seed, so both sides see the same rows without holding them.
 * Not thread-safe.
 */
final class AggData {

  private final SplittableRandom random;
  private final int groups;
  private long key;
  private long value;

  AggData(long seed, int groups) {
    this.random = new SplittableRandom(seed);
    this.groups = groups;
  }

  /** Moves to the next row. */
  void next() {
    key = random.nextInt(groups);
    value = random.nextInt(1_000_000);
  }

  long key() {
    return key;
  }

  long value() {
    return value;
  }
}
