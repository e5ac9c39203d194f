package io.memflow.csv;

/**
 * Parses numbers straight from bytes, without building strings on the common path. Accepted: an
 * optional sign and decimal digits (longs); for doubles also a fraction, an exponent, and {@code
 * NaN}, {@code Infinity}, {@code -Infinity} (what {@link Double#toString} writes). Spaces around a
 * number are ignored. Stateless.
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
    int i = skipSpaces(b, from, to);
    int end = trimSpaces(b, i, to);
    boolean negative = i < end && b[i] == '-';
    int digitsStart = i < end && (b[i] == '-' || b[i] == '+') ? i + 1 : i;
    long mantissa = 0;
    int digits = 0;
    int scale = -1;
    int k = digitsStart;
    for (; k < end; k++) {
      byte c = b[k];
      if (c >= '0' && c <= '9') {
        mantissa = mantissa * 10 + (c - '0');
        digits++;
        if (scale >= 0) {
          scale++;
        }
      } else if (c == '.' && scale < 0) {
        scale = 0;
      } else {
        break;
      }
    }
    if (k == end && digits > 0 && digits <= 15) {
      double value = scale > 0 ? mantissa / POWERS_OF_TEN[scale] : mantissa;
      return negative ? -value : value;
    }
    return slowParse(b, i, end);
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
