package io.memflow.row;

import io.memflow.memory.MemorySegment;
import io.memflow.memory.view.Utf8Strings;
import java.nio.charset.StandardCharsets;

/**
 * UTF-8 to and from byte arrays and segments, in the encoding of {@link Utf8Strings}: a surrogate
 * pair takes 4 bytes, an unpaired surrogate its 3-byte form (WTF-8), so every Java string round
 * trips and byte order equals code point order. Stateless and thread-safe.
 */
final class Utf8 {

  private Utf8() {}

  /**
   * Writes the first bytes of {@code s}'s encoding to {@code dst} from {@code at}, stopping before
   * {@code end} (a sequence that does not fit is cut); returns the number of bytes written.
   */
  static int encode(String s, byte[] dst, int at, int end) {
    int p = at;
    for (int i = 0; i < s.length() && p < end; i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        dst[p++] = (byte) c;
      } else if (c < 0x800) {
        p = putSequence(dst, p, end, c, 2);
      } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        p = putSequence(dst, p, end, Character.toCodePoint(c, s.charAt(++i)), 4);
      } else {
        p = putSequence(dst, p, end, c, 3);
      }
    }
    return p - at;
  }

  /** Writes the {@code n}-byte sequence of {@code cp} (2 to 4 bytes), cut at {@code end}. */
  private static int putSequence(byte[] dst, int p, int end, int cp, int n) {
    int lead = 0xF00 >> n & 0xF0; // n=2: C0, n=3: E0, n=4: F0
    for (int k = 0; k < n && p < end; k++) {
      int shift = 6 * (n - 1 - k);
      dst[p++] = (byte) (k == 0 ? lead | cp >> shift : 0x80 | cp >> shift & 0x3F);
    }
    return p;
  }

  /** Decodes {@code length} bytes at {@code offset} of {@code segment}; allocates the String. */
  static String decode(MemorySegment segment, int offset, int length) {
    byte[] bytes = new byte[length];
    segment.get(offset, bytes);
    int ascii = 0;
    while (ascii < length && bytes[ascii] >= 0) {
      ascii++;
    }
    if (ascii == length) {
      return new String(bytes, StandardCharsets.ISO_8859_1);
    }
    char[] chars = new char[length];
    int count = 0;
    for (int i = 0; i < length; ) {
      int b = bytes[i] & 0xFF;
      int n = b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
      if (i + n > length) {
        throw new IllegalArgumentException(
            "malformed UTF-8: " + n + "-byte sequence at byte " + i + " is cut off, length=" + length);
      }
      int cp = n == 1 ? b : b & (0x7F >> n);
      for (int k = 1; k < n; k++) {
        cp = cp << 6 | bytes[i + k] & 0x3F;
      }
      count += Character.toChars(cp, chars, count);
      i += n;
    }
    return new String(chars, 0, count);
  }

  /** Compares two strings by code point (which is their UTF-8 byte order) without allocating. */
  static int compare(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      int x = a.codePointAt(i);
      int y = b.codePointAt(j);
      if (x != y) {
        return Integer.compare(x, y);
      }
      i += Character.charCount(x);
      j += Character.charCount(y);
    }
    return Boolean.compare(i < a.length(), j < b.length());
  }

  /** The number of bytes of {@code s}'s encoding. */
  static int encodedLength(String s) {
    return Utf8Strings.encodedLength(s);
  }
}
