package io.memflow.hash;

import io.memflow.memory.MemorySegment;

/**
 * A bloom filter over the bits of one page: {@link #add} the hash of every build row of a spilled
 * partition, then {@link #mightContain} tells a probe row that certainly has no match (no false
 * negatives) from one that may. Each hash sets {@value #HASHES} bits chosen by double hashing of a
 * remix of the 32-bit key hash (the partition's rows share their low hash bits, so the remix is
 * what spreads them).
 *
 * <pre>
 *  page:  | word 0 (64 bits) | word 1 | ... | word n-1 |      n = page size / 8
 *  bit b: word b >>> 6, bit b & 63;  b_i = (h1 + i * h2) mod (8 * page size), i = 0..HASHES-1
 * </pre>
 *
 * <p>Not thread-safe. The filter never owns its page: the partition that lent it frees it. With
 * {@code n} keys in {@code m} bits the false-positive rate is about {@code (1 - e^(-kn/m))^k}: 1 %
 * at 10 bits per key, and it degrades gracefully (never wrongly) as the partition grows.
 */
final class BloomFilter {

  static final int HASHES = 3;

  private final MemorySegment bits;
  private final long bitCount;

  /** A filter over {@code page}, cleared. */
  BloomFilter(MemorySegment page) {
    this.bits = page;
    this.bitCount = (long) page.size() * Byte.SIZE;
    for (int i = 0; i < page.size(); i += Long.BYTES) {
      page.putLong(i, 0L);
    }
  }

  MemorySegment page() {
    return bits;
  }

  /** Records {@code hash}. */
  void add(int hash) {
    long mixed = remix(hash);
    long h1 = mixed >>> 32;
    long h2 = (mixed & 0xFFFF_FFFFL) | 1;
    for (int i = 0; i < HASHES; i++) {
      long bit = (h1 + i * h2) % bitCount;
      int word = (int) (bit >>> 6) * Long.BYTES;
      bits.putLong(word, bits.getLong(word) | 1L << (bit & 63));
    }
  }

  /** False only if {@code hash} was never added. */
  boolean mightContain(int hash) {
    long mixed = remix(hash);
    long h1 = mixed >>> 32;
    long h2 = (mixed & 0xFFFF_FFFFL) | 1;
    for (int i = 0; i < HASHES; i++) {
      long bit = (h1 + i * h2) % bitCount;
      if ((bits.getLong((int) (bit >>> 6) * Long.BYTES) & 1L << (bit & 63)) == 0) {
        return false;
      }
    }
    return true;
  }

  private static long remix(int hash) {
    long h = hash * 0x9E37_79B9_7F4A_7C15L;
    h ^= h >>> 29;
    h *= 0xBF58_476D_1CE4_E5B9L;
    return h ^ h >>> 32;
  }
}
