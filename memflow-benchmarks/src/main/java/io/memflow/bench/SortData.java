package io.memflow.bench;

import java.util.SplittableRandom;

/**
 * The records both sorters sort: {@link #RECORD} bytes each, the first {@link #KEY} bytes a
 * random key (unsigned lexicographic order), the rest a fixed payload. Generated on the fly from
 * a seed into one reused array, so that the input costs no heap and the same for both sorters
 * (each copies the record into its own pages).
 *
 * <p>Not thread-safe: one generator per input stream.
 */
public final class SortData {

  /** Bytes per record. */
  public static final int RECORD = 100;

  /** Key bytes at the start of each record. */
  public static final int KEY = 10;

  private final SplittableRandom random;
  private final byte[] record = new byte[RECORD];
  private long remaining;

  /** A stream of {@code count} records from {@code seed}. */
  public SortData(long seed, long count) {
    this.random = new SplittableRandom(seed);
    this.remaining = count;
    for (int i = KEY; i < RECORD; i++) {
      record[i] = (byte) i;
    }
  }

  /** The next record, in the same array every time, or null at the end. */
  public byte[] next() {
    if (remaining == 0) {
      return null;
    }
    remaining--;
    long high = random.nextLong();
    int low = random.nextInt();
    for (int i = 0; i < 8; i++) {
      record[i] = (byte) (high >>> (56 - 8 * i));
    }
    record[8] = (byte) (low >>> 8);
    record[9] = (byte) low;
    return record;
  }

  /** Unsigned lexicographic order of the keys of two records. */
  public static int compareKeys(byte[] a, byte[] b) {
    return java.util.Arrays.compareUnsigned(a, 0, KEY, b, 0, KEY);
  }
}
