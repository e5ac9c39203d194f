package io.memflow.csv;

/**
 * Parses numbers straight from bytes, without building strings on the common path. Accepted: an
 * optional sign and decimal digits (longs); for doubles also a fraction, an exponent, and {@code
 * NaN}, {@code Infinity}, {@code -Infinity} (what {@link Double#toString} writes). Spaces around a
 * number are ignored. Stateless.
 *
 * <p><b>Short fields in one word.</b> A field of at most 8 bytes that ends at index 8 or later (in
 * a parser's buffer, all but the first few) is read as one little-endian long, the bytes before
 * it replaced by {@code '0'}s. If it is only digits, or digits, one '.' and digits, its value
 * comes from the word (a '.' is cut out by shifting the integer digits up one byte) by the usual
 * multiply-and-shift steps, 2, 4 then 8 digits at a time. Everything else (signs, spaces,
 * exponents, longer fields) takes the byte-by-byte path, which gives the same values:
 * {@code mantissa / 10^scale} with the same mantissa and scale.
 *
 * <pre>
 *   "7815.57" at [from, to):  word = '0' '7' '8' '1' '5' '.' '5' '7'   (byte 0 lowest)
 *   cut the '.':                     '0' '0' '7' '8' '1' '5' '5' '7'  = 781557, scale 2
 * </pre>
 */
final class CsvNumbers {

  /** Marks a value that is not a number of the asked type. */
  static final class NotANumber extends Exception {
    private static final long serialVersionUID = 1L;
    static final NotANumber INSTANCE = new NotANumber();

    private NotANumber() {
      super("not a number", null, false, false);
    }
  }

  private static final double[] POWERS_OF_TEN = new double[23];

  private static final long ONES = Swar.ONES;
  private static final long ZEROS = '0' * ONES;
  private static final long DOTS = '.' * ONES;
  private static final long HIGH_NIBBLES = 0xF0F0_F0F0_F0F0_F0F0L;
  private static final long SIXES = 6 * ONES;

  static {
    POWERS_OF_TEN[0] = 1;
    for (int i = 1; i < POWERS_OF_TEN.length; i++) {
      POWERS_OF_TEN[i] = POWERS_OF_TEN[i - 1] * 10;
    }
  }

  private CsvNumbers() {}

  /** Digits that cannot overflow a long: 18 nines are below 2^63. */
  private static final int SAFE_DIGITS = 18;

  /** The usual case: at most 18 digits, no overflow possible, no division per digit. */
  private static long parseShort(byte[] b, int i, int end, boolean negative) throws NotANumber {
    long value = 0;
    for (; i < end; i++) {
      int d = b[i] - '0';
      if (d < 0 || d > 9) {
        throw NotANumber.INSTANCE;
      }
      value = value * 10 + d;
    }
    return negative ? -value : value;
  }

  /** The long in {@code b[from, to)}. */
  static long parseLong(byte[] b, int from, int to) throws NotANumber {
    if (fitsOneWord(from, to)) {
      long value = digits(paddedWord(b, from, to));
      if (value >= 0) {
        return value;
      }
    }
    return parseLongBytewise(b, from, to);
  }

  /** {@link #parseLong} without the one-word path (and the reference in tests). */
  static long parseLongBytewise(byte[] b, int from, int to) throws NotANumber {
    int i = skipSpaces(b, from, to);
    int end = trimSpaces(b, i, to);
    boolean negative = i < end && b[i] == '-';
    if (i < end && (b[i] == '-' || b[i] == '+')) {
      i++;
    }
    if (i == end) {
      throw NotANumber.INSTANCE;
    }
    if (end - i <= SAFE_DIGITS) {
      return parseShort(b, i, end, negative);
    }
    long value = 0; // accumulated negatively: Long.MIN_VALUE has no positive twin
    for (; i < end; i++) {
      int d = b[i] - '0';
      if (d < 0 || d > 9 || value < (Long.MIN_VALUE + d) / 10) {
        throw NotANumber.INSTANCE;
      }
      value = value * 10 - d;
    }
    if (!negative && value == Long.MIN_VALUE) {
      throw NotANumber.INSTANCE;
    }
    return negative ? value : -value;
  }

  /**
   * The double in {@code b[from, to)}. Plain decimals of at most 15 digits, the usual case, are
   * converted exactly by one division (both operands are exact doubles, so the quotient is
   * correctly rounded); everything else goes through {@link Double#parseDouble}.
   */
  static double parseDouble(byte[] b, int from, int to) throws NotANumber {
    if (fitsOneWord(from, to)) {
      double value = plainDecimal(paddedWord(b, from, to), to - from);
      if (value >= 0) {
        return value;
      }
    }
    return parseDoubleBytewise(b, from, to);
  }

  /** {@link #parseDouble} without the one-word path (and the reference in tests). */
  static double parseDoubleBytewise(byte[] b, int from, int to) throws NotANumber {
    int i = skipSpaces(b, from, to);
    int end = trimSpaces(b, i, to);
    boolean negative = i < end && b[i] == '-';
    int k = i < end && (b[i] == '-' || b[i] == '+') ? i + 1 : i;
    int digitsStart = k;
    long mantissa = 0; // wraps past 18 digits, but is then not used
    for (int d; k < end && (d = b[k] - '0') >= 0 && d <= 9; k++) {
      mantissa = mantissa * 10 + d;
    }
    int digits = k - digitsStart;
    int scale = 0;
    if (k < end && b[k] == '.') {
      int fractionStart = ++k;
      for (int d; k < end && (d = b[k] - '0') >= 0 && d <= 9; k++) {
        mantissa = mantissa * 10 + d;
      }
      scale = k - fractionStart;
      digits += scale;
    }
    if (k == end && digits > 0 && digits <= 15) {
      double value = scale > 0 ? mantissa / POWERS_OF_TEN[scale] : mantissa;
      return negative ? -value : value;
    }
    return slowParse(b, i, end);
  }

  /** Whether {@code [from, to)} holds 1 to 8 bytes and a long read ending at {@code to} is inside the array. */
  private static boolean fitsOneWord(int from, int to) {
    int length = to - from;
    return length > 0 && length <= Long.BYTES && to >= Long.BYTES;
  }

  /** The 8 bytes ending at {@code to}, little-endian, those before {@code from} replaced by '0'. */
  private static long paddedWord(byte[] b, int from, int to) {
    long word = Swar.word(b, to - Long.BYTES);
    long keep = -1L << ((Long.BYTES - (to - from)) << 3);
    return (word & keep) | (ZEROS & ~keep);
  }

  /**
   * The value of a {@link #paddedWord} of {@code length} bytes that is digits, or digits, a '.'
   * and digits: the mantissa of its digits over 10 to the number of fraction digits; -1 if the
   * word is anything else.
   */
  private static double plainDecimal(long word, int length) {
    long dots = word ^ DOTS;
    int dot = Long.numberOfTrailingZeros(Swar.zeroBytes(dots)) >>> 3; // 8: no '.'
    if (dot == Long.BYTES) {
      return digits(word);
    }
    if (dot <= Long.BYTES - length || dot == Long.BYTES - 1) {
      return -1; // no digit before or after the '.'
    }
    long below = word & ((1L << (dot << 3)) - 1);
    long above = word & (-1L << ((dot + 1) << 3));
    long mantissa = digits(above | (below << 8) | '0');
    return mantissa < 0 ? -1 : mantissa / POWERS_OF_TEN[Long.BYTES - 1 - dot];
  }

  /** The value of 8 ASCII digits, the first in the lowest byte; -1 if a byte is not a digit. */
  private static long digits(long word) {
    if ((((word & HIGH_NIBBLES) ^ ZEROS) | (((word + SIXES) & HIGH_NIBBLES) ^ ZEROS)) != 0) {
      return -1;
    }
    long v = word & 0x0F0F_0F0F_0F0F_0F0FL;
    v = ((v * 2561) >>> 8) & 0x00FF_00FF_00FF_00FFL; // pairs: 10 * first + second
    v = ((v * 6553601) >>> 16) & 0x0000_FFFF_0000_FFFFL; // fours: 100 * first pair + second
    return (v * 42949672960001L) >>> 32; // 10000 * first four + second
  }

  private static double slowParse(byte[] b, int from, int to) throws NotANumber {
    for (int k = from; k < to; k++) {
      byte c = b[k];
      boolean allowed = (c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-'
          || c == 'N' || c == 'a' || c == 'I' || c == 'n' || c == 'f' || c == 'i' || c == 't' || c == 'y';
      if (!allowed) {
        throw NotANumber.INSTANCE; // also keeps out Java's hex floats and 'd'/'f' suffixes
      }
    }
    String text = new String(b, from, to - from, java.nio.charset.StandardCharsets.ISO_8859_1);
    if (text.endsWith("f")) {
      throw NotANumber.INSTANCE; // "1f" would parse as a float literal
    }
    try {
      return Double.parseDouble(text);
    } catch (NumberFormatException e) {
      throw NotANumber.INSTANCE;
    }
  }

  private static int skipSpaces(byte[] b, int from, int to) {
    int i = from;
    while (i < to && b[i] == ' ') {
      i++;
    }
    return i;
  }

  private static int trimSpaces(byte[] b, int from, int to) {
    int end = to;
    while (end > from && b[end - 1] == ' ') {
      end--;
    }
    return end;
  }
}
