package io.memflow.memory.view;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * Variable-length integers: unsigned LEB128 for {@code int} and {@code long}, and zigzag to map
 * signed values of small magnitude to small unsigned ones. The one place these encodings live.
 *
 * <pre>
 * unsigned LEB128, 7 value bits per byte, least significant group first:
 *
 *   byte:  [c|v6 .. v0] [c|v13 .. v7] ... [0|last bits]     c = 1: another byte follows
 *
 *   value          bytes            value           bytes
 *   0              00               300             AC 02
 *   127            7F               2^31-1          FF FF FF FF 07
 *   128            80 01            -1 (as int)     FF FF FF FF 0F
 *   -1 (as long)   FF FF FF FF FF FF FF FF FF 01
 *
 * zigzag: 0 -> 0, -1 -> 1, 1 -> 2, -2 -> 3, ..., MIN_VALUE -> all ones
 * </pre>
 *
 * An int takes 1 to {@value #MAX_INT_BYTES} bytes, a long 1 to {@value #MAX_LONG_BYTES};
 * negative values always take the maximum (zigzag them first). Reading accepts non-minimal
 * encodings (extra {@code 80} groups) but rejects values that do not fit the type.
 *
 * <p>Stateless and thread-safe.
 */
public final class VarInts {

  /** The longest encoding of an int, in bytes. */
  public static final int MAX_INT_BYTES = 5;

  /** The longest encoding of a long, in bytes. */
  public static final int MAX_LONG_BYTES = 10;

  private static final int CONTINUE = 0x80;
  private static final int VALUE_BITS = 0x7F;

  private VarInts() {}

  /** The number of bytes {@link #writeUnsignedInt} takes for {@code value}: 1 to 5. */
  public static int sizeOfUnsignedInt(int value) {
    return 1 + (31 - Integer.numberOfLeadingZeros(value | 1)) / 7;
  }

  /** The number of bytes {@link #writeUnsignedLong} takes for {@code value}: 1 to 10. */
  public static int sizeOfUnsignedLong(long value) {
    return 1 + (63 - Long.numberOfLeadingZeros(value | 1)) / 7;
  }

  /** Zigzag-encodes {@code value}: {@code (value << 1) ^ (value >> 31)}. */
  public static int zigZagEncodeInt(int value) {
    return (value << 1) ^ (value >> 31);
  }

  /** Inverts {@link #zigZagEncodeInt}. */
  public static int zigZagDecodeInt(int encoded) {
    return (encoded >>> 1) ^ -(encoded & 1);
  }

  /** Zigzag-encodes {@code value}: {@code (value << 1) ^ (value >> 63)}. */
  public static long zigZagEncodeLong(long value) {
    return (value << 1) ^ (value >> 63);
  }

  /** Inverts {@link #zigZagEncodeLong}. */
  public static long zigZagDecodeLong(long encoded) {
    return (encoded >>> 1) ^ -(encoded & 1);
  }

  /** Writes {@code value} (read as unsigned) as LEB128, 1 to 5 bytes. */
  public static void writeUnsignedInt(DataOutput out, int value) throws IOException {
    while ((value & ~VALUE_BITS) != 0) {
      out.writeByte((value & VALUE_BITS) | CONTINUE);
      value >>>= 7;
    }
    out.writeByte(value);
  }

  /** Writes {@code value} (read as unsigned) as LEB128, 1 to 10 bytes. */
  public static void writeUnsignedLong(DataOutput out, long value) throws IOException {
    while ((value & ~VALUE_BITS) != 0) {
      out.writeByte((int) (value & VALUE_BITS) | CONTINUE);
      value >>>= 7;
    }
    out.writeByte((int) value);
  }

  /**
   * Reads an unsigned LEB128 int.
   *
   * @throws java.io.EOFException if the input ends inside the value
   * @throws IOException if the encoding is longer than 5 bytes or does not fit 32 bits
   */
  public static int readUnsignedInt(DataInput in) throws IOException {
    int result = 0;
    for (int shift = 0; shift < 28; shift += 7) {
      int b = in.readUnsignedByte();
      result |= (b & VALUE_BITS) << shift;
      if (b < CONTINUE) {
        return result;
      }
    }
    int last = in.readUnsignedByte();
    if (last > 0x0F) {
      throw malformed("int", MAX_INT_BYTES, last, 0x0F);
    }
    return result | last << 28;
  }

  /**
   * Reads an unsigned LEB128 long.
   *
   * @throws java.io.EOFException if the input ends inside the value
   * @throws IOException if the encoding is longer than 10 bytes or does not fit 64 bits
   */
  public static long readUnsignedLong(DataInput in) throws IOException {
    long result = 0;
    for (int shift = 0; shift < 63; shift += 7) {
      int b = in.readUnsignedByte();
      result |= (long) (b & VALUE_BITS) << shift;
      if (b < CONTINUE) {
        return result;
      }
    }
    int last = in.readUnsignedByte();
    if (last > 0x01) {
      throw malformed("long", MAX_LONG_BYTES, last, 0x01);
    }
    return result | (long) last << 63;
  }

  private static IOException malformed(String type, int maxBytes, int last, int maxLast) {
    return new IOException(
        "malformed varint "
            + type
            + ": byte "
            + maxBytes
            + " is 0x"
            + Integer.toHexString(last)
            + ", must be at most 0x"
            + Integer.toHexString(maxLast)
            + " (more bytes or bits than a "
            + type
            + " holds)");
  }
}
