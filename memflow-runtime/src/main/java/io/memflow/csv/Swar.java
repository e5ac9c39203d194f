package io.memflow.csv;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Byte searches eight bytes at a time in one {@code long} (SWAR: SIMD within a register), for the
 * scans of text in this package. A word is read little-endian, so its lowest byte is the first in
 * the text, and the lowest flagged byte is the first match.
 *
 * <p>To find bytes equal to {@code c} in word {@code w}, test {@code w ^ broadcast(c)} for zero
 * bytes. {@link #zeroBytes} is the classic three-operation test: it flags every zero byte, and may
 * also flag a byte holding 0x01 above a zero byte (the borrow of the subtraction), so only its
 * lowest flag, and whether any flag is set, are exact. {@link #exactZeroBytes} flags exactly the
 * zero bytes, for counting.
 *
 * <p>Stateless; thread-safe.
 */
final class Swar {

  /** Reads a little-endian {@code long} from a {@code byte[]} at any index. */
  static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  static final long ONES = 0x0101_0101_0101_0101L;
  private static final long HIGHS = 0x8080_8080_8080_8080L;
  private static final long LOWS = 0x7F7F_7F7F_7F7F_7F7FL;

  private Swar() {}

  /** {@code b} in every byte of a word. */
  static long broadcast(byte b) {
    return (b & 0xFF) * ONES;
  }

  /** The word of {@code b} at {@code index} (little-endian). */
  static long word(byte[] b, int index) {
    return (long) LONG_LE.get(b, index);
  }

  /** The high bit of each zero byte of {@code x} is set (and maybe bits above the lowest one). */
  static long zeroBytes(long x) {
    return (x - ONES) & ~x & HIGHS;
  }

  /** The high bit of exactly the zero bytes of {@code x} is set. */
  static long exactZeroBytes(long x) {
    return ~(((x & LOWS) + LOWS) | x | LOWS);
  }
}
