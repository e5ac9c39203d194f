package io.memflow.row;

import io.memflow.memory.MemorySegment;

/**
 * The order-preserving byte encodings of key values, the one place they live. Every encoding is
 * big-endian, so that comparing encodings as unsigned bytes, lexicographically, orders the values:
 *
 * <pre>
 * type     bytes  encoding (ascending)                            order it gives
 * INT      4      value ^ 0x8000_0000                              Integer.compare
 * LONG     8      value ^ 0x8000_0000_0000_0000                    Long.compare
 * DOUBLE   8      b = doubleToLongBits(value) (canonical NaN);     Double.compare: -Inf .. -0.0 <
 *                 b < 0 ? ~b : b ^ 0x8000_0000_0000_0000           0.0 .. +Inf < NaN (all NaNs equal)
 * STRING   w      the first w bytes of the UTF-8 encoding,         UTF-8 byte order = code point
 *                 then 00 padding                                  order (not String.compareTo)
 * BYTES    w      the first w bytes, then 00 padding               unsigned lexicographic
 *
 * nullable field: one indicator byte first: NULLS FIRST: null 00, value 01;
 *                 NULLS LAST: value 00, null 01. A null's value bytes are all 00.
 * descending:     the value bytes (padding included, indicator not) inverted, so nulls
 *                 stay where NULLS FIRST/LAST puts them
 * </pre>
 *
 * A prefix of w bytes of a STRING or BYTES value decides the order only where it differs (a
 * shorter value padded with 00 is never above a longer one it is a prefix of), so a key stops
 * after its first variable-length field. Stateless and thread-safe.
 */
final class NormalizedKeys {

  /** The null indicator with NULLS FIRST: null first, then values. */
  static final byte NULL_FIRST = 0x00;
  static final byte VALUE_AFTER_NULLS = 0x01;
  /** The null indicator with NULLS LAST: values first, then null. */
  static final byte VALUE_BEFORE_NULLS = 0x00;
  static final byte NULL_LAST = 0x01;

  /** How many prefix bytes a STRING or BYTES key field takes. */
  static final int VARIABLE_PREFIX_BYTES = 16;

  private NormalizedKeys() {}

  /** The encoding of an int, as the low 4 bytes of a long. */
  static long ofInt(int value) {
    return (value ^ Integer.MIN_VALUE) & 0xFFFF_FFFFL;
  }

  /** The encoding of a long. */
  static long ofLong(long value) {
    return value ^ Long.MIN_VALUE;
  }

  /** The encoding of a double: order as {@link Double#compare}. */
  static long ofDouble(double value) {
    long bits = Double.doubleToLongBits(value);
    return bits < 0 ? ~bits : bits ^ Long.MIN_VALUE;
  }

  /**
   * Writes the first {@code count} of the {@code width} low-order bytes of {@code encoded},
   * most significant first, to {@code target} at {@code offset}.
   */
  static void putBigEndian(long encoded, int width, MemorySegment target, int offset, int count) {
    if (count == width && width == Long.BYTES) {
      target.putLongBigEndian(offset, encoded);
    } else if (count == width && width == Integer.BYTES) {
      target.putIntBigEndian(offset, (int) encoded);
    } else {
      for (int k = 0; k < count; k++) {
        target.put(offset + k, (byte) (encoded >>> 8 * (width - 1 - k)));
      }
    }
  }

  /**
   * Writes {@code count} bytes of a variable-length value's key: its first bytes from {@code
   * source}, then 00 padding; all inverted if {@code descending}.
   */
  static void putVariable(
      MemorySegment source, int sourceOffset, int sourceLength, MemorySegment target, int offset, int count,
      boolean descending) {
    int copied = Math.min(sourceLength, count);
    source.copyTo(sourceOffset, target, offset, copied);
    target.fill(offset + copied, count - copied, (byte) 0);
    if (descending) {
      invert(target, offset, count);
    }
  }

  /** Inverts {@code count} bytes at {@code offset}. */
  static void invert(MemorySegment target, int offset, int count) {
    int k = 0;
    for (; k <= count - Long.BYTES; k += Long.BYTES) {
      target.putLong(offset + k, ~target.getLong(offset + k));
    }
    for (; k < count; k++) {
      target.put(offset + k, (byte) ~target.get(offset + k));
    }
  }
}
