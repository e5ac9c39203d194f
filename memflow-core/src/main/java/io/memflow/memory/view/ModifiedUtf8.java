package io.memflow.memory.view;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.io.UTFDataFormatException;

/**
 * Java's modified UTF-8, the format of {@link DataOutput#writeUTF} and {@link
 * DataInput#readUTF}, for the paged views:
 *
 * <pre>
 * +------------------------------+------------------------------------------+
 * | unsigned short n (big-endian)| n bytes: each char on its own            |
 * +------------------------------+------------------------------------------+
 *   U+0001..U+007F: 1 byte; U+0000 and U+0080..U+07FF: 2 bytes; U+0800..U+FFFF: 3 bytes
 *   (surrogates are encoded one char at a time), n at most 65535
 * </pre>
 *
 * Decoding accepts and rejects exactly what {@link java.io.DataInputStream#readUTF} does.
 * Stateless and thread-safe.
 */
final class ModifiedUtf8 {

  static final int MAX_LENGTH = 0xFFFF;

  private ModifiedUtf8() {}

  /** The encoded length of {@code s} in bytes, without the 2-byte prefix. */
  static long encodedLength(String s) {
    long n = s.length();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == 0 || c >= 0x80) {
        n += c >= 0x800 ? 2 : 1;
      }
    }
    return n;
  }

  /**
   * Writes {@code s} with its 2-byte length prefix.
   *
   * @throws UTFDataFormatException if {@code s} encodes to more than 65535 bytes (nothing is
   *     written)
   */
  static void write(DataOutput out, String s) throws IOException {
    long n = encodedLength(s);
    if (n > MAX_LENGTH) {
      throw new UTFDataFormatException(
          "encoded string of length=" + s.length() + " too long: " + n + " bytes, at most " + MAX_LENGTH);
    }
    out.writeShort((int) n);
    if (n == s.length()) {
      out.writeBytes(s);
      return;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c != 0 && c < 0x80) {
        out.writeByte(c);
      } else if (c < 0x800) {
        out.writeByte(0xC0 | c >> 6);
        out.writeByte(0x80 | c & 0x3F);
      } else {
        out.writeByte(0xE0 | c >> 12);
        out.writeByte(0x80 | c >> 6 & 0x3F);
        out.writeByte(0x80 | c & 0x3F);
      }
    }
  }

  /** Reads a string written by {@link #write} or {@link DataOutput#writeUTF}. */
  static String read(DataInput in) throws IOException {
    byte[] bytes = new byte[in.readUnsignedShort()];
    in.readFully(bytes);
    return decode(bytes);
  }

  private static String decode(byte[] bytes) throws UTFDataFormatException {
    char[] chars = new char[bytes.length];
    int count = 0;
    int i = 0;
    while (i < bytes.length) {
      int c = bytes[i] & 0xFF;
      int length = sequenceLength(c, i);
      if (i + length > bytes.length) {
        throw new UTFDataFormatException("malformed input: partial character at end");
      }
      chars[count++] = (char) charAt(bytes, i, length);
      i += length;
    }
    return new String(chars, 0, count);
  }

  /** 1, 2 or 3 for the lead byte {@code c} at {@code at}, as {@code DataInputStream} reads it. */
  private static int sequenceLength(int c, int at) throws UTFDataFormatException {
    return switch (c >> 4) {
      case 0, 1, 2, 3, 4, 5, 6, 7 -> 1;
      case 12, 13 -> 2;
      case 14 -> 3;
      default -> throw new UTFDataFormatException("malformed input around byte " + at);
    };
  }

  private static int charAt(byte[] bytes, int at, int length) throws UTFDataFormatException {
    int c = bytes[at] & 0xFF;
    if (length == 1) {
      return c;
    }
    for (int k = 1; k < length; k++) {
      if ((bytes[at + k] & 0xC0) != 0x80) {
        // DataInputStream names byte at + 2 for both the 2- and the 3-byte form
        throw new UTFDataFormatException("malformed input around byte " + (at + 2));
      }
    }
    if (length == 2) {
      return (c & 0x1F) << 6 | bytes[at + 1] & 0x3F;
    }
    return (c & 0x0F) << 12 | (bytes[at + 1] & 0x3F) << 6 | bytes[at + 2] & 0x3F;
  }
}
