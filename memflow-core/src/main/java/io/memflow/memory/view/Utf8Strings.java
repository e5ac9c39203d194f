package io.memflow.memory.view;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.io.UTFDataFormatException;
import java.nio.charset.StandardCharsets;

/**
 * Length-prefixed UTF-8 strings, {@code null} included: the one place this encoding lives.
 *
 * <pre>
 * +------------------------+------------------------------+
 * | varint (n + 1)         | n bytes of UTF-8             |     varint: unsigned LEB128 ({@link VarInts})
 * +------------------------+------------------------------+
 *   0 stands for null (and no bytes follow); "" is the single byte 01
 * </pre>
 *
 * For every well-formed string the n bytes are exactly {@code s.getBytes(UTF_8)}: a surrogate
 * pair takes 4 bytes, U+0000 takes one byte (unlike {@link DataOutput#writeUTF}'s modified
 * UTF-8), and there is no 64 KiB limit. An unpaired surrogate, which strict UTF-8 cannot carry,
 * is written as its 3-byte form (as WTF-8 does), so every Java {@code String} round-trips.
 * Reading checks the structure (lead bytes, continuation bytes, truncation, code point range) and
 * reports a violation as {@link UTFDataFormatException}.
 *
 * <p>Stateless and thread-safe.
 */
public final class Utf8Strings {

  private Utf8Strings() {}

  /** The number of UTF-8 bytes of {@code s}, without the length prefix. */
  public static int encodedLength(String s) {
    int length = s.length();
    long bytes = length;
    for (int i = 0; i < length; i++) {
      char c = s.charAt(i);
      if (c >= 0x80) {
        if (c < 0x800) {
          bytes += 1;
        } else if (isPairAt(s, i)) {
          bytes += 2; // 4 bytes for 2 chars
          i++;
        } else {
          bytes += 2;
        }
      }
    }
    if (bytes > Integer.MAX_VALUE - 1) {
      throw new IllegalArgumentException(
          "string of length=" + length + " encodes to " + bytes + " bytes, more than " + (Integer.MAX_VALUE - 1));
    }
    return (int) bytes;
  }

  /** The number of bytes {@link #write} takes for {@code s} (or {@code null}), prefix included. */
  public static int serializedLength(String s) {
    if (s == null) {
      return 1;
    }
    int n = encodedLength(s);
    return VarInts.sizeOfUnsignedInt(n + 1) + n;
  }

  /** Writes {@code s}, which may be {@code null}, with its length prefix. */
  public static void write(DataOutput out, String s) throws IOException {
    if (s == null) {
      out.writeByte(0);
      return;
    }
    int n = encodedLength(s);
    VarInts.writeUnsignedInt(out, n + 1);
    if (n == s.length()) {
      out.writeBytes(s); // all ASCII: one byte per char
    } else {
      encode(out, s);
    }
  }

  /**
   * Reads a string written by {@link #write}.
   *
   * @return the string, or {@code null} if {@code null} was written
   * @throws java.io.EOFException if the input ends inside the string
   * @throws UTFDataFormatException if the bytes are not UTF-8 as {@link #write} produces it
   */
  public static String read(DataInput in) throws IOException {
    int n = readPrefix(in) - 1;
    if (n < 0) {
      return null;
    }
    byte[] bytes = new byte[n];
    in.readFully(bytes);
    return decode(bytes);
  }

  /** Copies one string (or {@code null}) from {@code in} to {@code out} without decoding it. */
  public static void copy(DataInputView in, DataOutputView out) throws IOException {
    int prefix = readPrefix(in);
    VarInts.writeUnsignedInt(out, prefix);
    if (prefix > 1) {
      out.write(in, prefix - 1);
    }
  }

  /** Skips one string (or {@code null}) in {@code in}. */
  public static void skip(DataInputView in) throws IOException {
    int prefix = readPrefix(in);
    if (prefix > 1) {
      in.skipBytesToRead(prefix - 1);
    }
  }

  /** The length prefix: 0 for null, else length + 1, which must fit a non-negative int. */
  private static int readPrefix(DataInput in) throws IOException {
    int prefix = VarInts.readUnsignedInt(in);
    if (prefix < 0) {
      throw new UTFDataFormatException(
          "malformed string length prefix=" + Integer.toUnsignedString(prefix) + ", at most " + Integer.MAX_VALUE);
    }
    return prefix;
  }

  private static boolean isPairAt(String s, int i) {
    return Character.isHighSurrogate(s.charAt(i))
        && i + 1 < s.length()
        && Character.isLowSurrogate(s.charAt(i + 1));
  }

  private static void encode(DataOutput out, String s) throws IOException {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        out.writeByte(c);
      } else if (c < 0x800) {
        out.writeByte(0xC0 | c >> 6);
        out.writeByte(0x80 | c & 0x3F);
      } else if (isPairAt(s, i)) {
        int cp = Character.toCodePoint(c, s.charAt(++i));
        out.writeByte(0xF0 | cp >> 18);
        out.writeByte(0x80 | cp >> 12 & 0x3F);
        out.writeByte(0x80 | cp >> 6 & 0x3F);
        out.writeByte(0x80 | cp & 0x3F);
      } else {
        out.writeByte(0xE0 | c >> 12);
        out.writeByte(0x80 | c >> 6 & 0x3F);
        out.writeByte(0x80 | c & 0x3F);
      }
    }
  }

  /** Decodes {@code bytes} as {@link #write} produces them. */
  static String decode(byte[] bytes) throws UTFDataFormatException {
    int ascii = 0;
    while (ascii < bytes.length && bytes[ascii] >= 0) {
      ascii++;
    }
    if (ascii == bytes.length) {
      return new String(bytes, StandardCharsets.ISO_8859_1);
    }
    char[] chars = new char[bytes.length];
    for (int i = 0; i < ascii; i++) {
      chars[i] = (char) bytes[i];
    }
    int count = decodeFrom(bytes, ascii, chars, ascii);
    return new String(chars, 0, count);
  }

  /** Decodes {@code bytes[from..]} into {@code chars[count..]}; returns the new char count. */
  private static int decodeFrom(byte[] bytes, int from, char[] chars, int count) throws UTFDataFormatException {
    for (int i = from; i < bytes.length; ) {
      int b = bytes[i] & 0xFF;
      if (b < 0x80) {
        chars[count++] = (char) b;
        i++;
        continue;
      }
      int length = sequenceLength(b, i);
      checkSequence(bytes, i, length);
      int cp = codePoint(bytes, i, length);
      if (length == 4) {
        chars[count++] = Character.highSurrogate(cp);
        chars[count++] = Character.lowSurrogate(cp);
      } else {
        chars[count++] = (char) cp;
      }
      i += length;
    }
    return count;
  }

  private static int sequenceLength(int lead, int at) throws UTFDataFormatException {
    if ((lead & 0xE0) == 0xC0) {
      return 2;
    } else if ((lead & 0xF0) == 0xE0) {
      return 3;
    } else if ((lead & 0xF8) == 0xF0) {
      return 4;
    }
    throw new UTFDataFormatException("malformed UTF-8: invalid lead byte 0x" + Integer.toHexString(lead) + " at byte " + at);
  }

  private static void checkSequence(byte[] bytes, int at, int length) throws UTFDataFormatException {
    if (at + length > bytes.length) {
      throw new UTFDataFormatException(
          "malformed UTF-8: " + length + "-byte sequence at byte " + at + " is cut off at the end, length=" + bytes.length);
    }
    for (int k = 1; k < length; k++) {
      if ((bytes[at + k] & 0xC0) != 0x80) {
        throw new UTFDataFormatException(
            "malformed UTF-8: byte " + (at + k) + " is 0x" + Integer.toHexString(bytes[at + k] & 0xFF)
                + ", expected a continuation byte 10xxxxxx");
      }
    }
  }

  /** The code point of the 2- to 4-byte sequence at {@code at}. */
  private static int codePoint(byte[] bytes, int at, int length) throws UTFDataFormatException {
    int cp = bytes[at] & (0x7F >> length);
    for (int k = 1; k < length; k++) {
      cp = cp << 6 | bytes[at + k] & 0x3F;
    }
    if (length == 4 && (cp < Character.MIN_SUPPLEMENTARY_CODE_POINT || cp > Character.MAX_CODE_POINT)) {
      throw new UTFDataFormatException(
          "malformed UTF-8: 4-byte sequence at byte " + at + " encodes U+" + Integer.toHexString(cp).toUpperCase()
              + ", outside U+10000..U+10FFFF");
    }
    return cp;
  }
}
