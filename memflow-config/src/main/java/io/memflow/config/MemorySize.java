package io.memflow.config;

import java.math.BigDecimal;
import java.util.Locale;

/**
 * A non-negative number of bytes, parsed, printed and combined exactly as Apache Flink does.
 *
 * <p>Immutable and thread-safe; a plain value with no resources to release. Invariant: {@link
 * #bytes()} is never negative. Arithmetic that would overflow a {@code long} or go below zero
 * throws {@link ArithmeticException}, as Flink's does.
 *
 * <p>Accepted text: optional surrounding whitespace, decimal digits, optional whitespace, an
 * optional unit (case-insensitive): {@code b, bytes}; {@code k, kb, kibibytes}; {@code m, mb,
 * mebibytes}; {@code g, gb, gibibytes}; {@code t, tb, tebibytes}. No unit means bytes.
 */
public record MemorySize(long bytes) implements Comparable<MemorySize> {

  /** Zero bytes. */
  public static final MemorySize ZERO = new MemorySize(0);

  /** The largest size, {@code Long.MAX_VALUE} bytes (Flink's "unlimited"). */
  public static final MemorySize MAX_VALUE = new MemorySize(Long.MAX_VALUE);

  private static final long KIB = 1L << 10;
  private static final long MIB = 1L << 20;
  private static final long GIB = 1L << 30;
  private static final long TIB = 1L << 40;
  private static final long[] UNIT_BYTES = {1, KIB, MIB, GIB, TIB};
  private static final String[] UNIT_NAMES = {"bytes", "kb", "mb", "gb", "tb"};
  private static final String ALL_UNITS =
      "(b | bytes) / (k | kb | kibibytes) / (m | mb | mebibytes) / (g | gb | gibibytes) / "
          + "(t | tb | tebibytes)";

  /**
   * Creates a size.
   *
   * @param bytes the number of bytes, not negative
   * @throws IllegalArgumentException if {@code bytes} is negative
   */
  public MemorySize {
    if (bytes < 0) {
      throw new IllegalArgumentException("bytes must be >= 0, was " + bytes);
    }
  }

  /**
   * Returns the size of a number of mebibytes.
   *
   * @param mebibytes the number of MiB
   * @return the size
   */
  public static MemorySize ofMebiBytes(long mebibytes) {
    return new MemorySize(Math.multiplyExact(mebibytes, MIB));
  }

  /**
   * Parses a size as Flink does ({@code "128m"}, {@code "128 mb"}, {@code "134217728"}, {@code
   * "1G"}, {@code "64kibibytes"}).
   *
   * @param text the text
   * @return the size
   * @throws IllegalArgumentException if the text is not a size (the message says why)
   */
  public static MemorySize parse(String text) {
    String trimmed = text.trim();
    if (trimmed.isEmpty()) {
      throw new IllegalArgumentException("a memory size cannot be empty");
    }
    int end = 0;
    while (end < trimmed.length() && trimmed.charAt(end) >= '0' && trimmed.charAt(end) <= '9') {
      end++;
    }
    if (end == 0) {
      throw new IllegalArgumentException("'" + text + "' does not start with a number");
    }
    long value = parseDigits(trimmed.substring(0, end));
    long multiplier = unitBytes(trimmed.substring(end).trim().toLowerCase(Locale.US));
    long result = value * multiplier;
    if (result / multiplier != value) {
      throw new IllegalArgumentException(
          "'" + text + "' is more bytes than a 64-bit number holds");
    }
    return new MemorySize(result);
  }

  private static long parseDigits(String digits) {
    try {
      return Long.parseLong(digits);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "the number '" + digits + "' is larger than a 64-bit number holds", e);
    }
  }

  private static long unitBytes(String unit) {
    return switch (unit) {
      case "", "b", "bytes" -> 1;
      case "k", "kb", "kibibytes" -> KIB;
      case "m", "mb", "mebibytes" -> MIB;
      case "g", "gb", "gibibytes" -> GIB;
      case "t", "tb", "tebibytes" -> TIB;
      default ->
          throw new IllegalArgumentException(
              "unknown memory unit '" + unit + "'; the units are " + ALL_UNITS);
    };
  }

  /**
   * Returns this plus that.
   *
   * @param that the size to add
   * @return the sum
   * @throws ArithmeticException if the sum overflows a {@code long}
   */
  public MemorySize add(MemorySize that) {
    return new MemorySize(Math.addExact(bytes, that.bytes));
  }

  /**
   * Returns this minus that.
   *
   * @param that the size to subtract
   * @return the difference
   * @throws IllegalArgumentException if that is larger than this
   */
  public MemorySize subtract(MemorySize that) {
    return new MemorySize(Math.subtractExact(bytes, that.bytes));
  }

  /**
   * Returns this times a factor, computed as Flink does: the factor's shortest decimal form
   * ({@link Double#toString(double)}) times the bytes, exactly, truncated toward zero. A {@code
   * float} fraction widened to {@code double} keeps its binary error: {@code 0.1f} multiplies by
   * {@code 0.10000000149011612}.
   *
   * @param factor a factor, not negative
   * @return the truncated product
   * @throws IllegalArgumentException if the factor is negative or NaN
   * @throws ArithmeticException if the product exceeds {@code Long.MAX_VALUE}
   */
  public MemorySize multiply(double factor) {
    if (!(factor >= 0)) {
      throw new IllegalArgumentException("factor must be >= 0, was " + factor);
    }
    long product = exactProduct(bytes, factor);
    if (product >= 0) {
      return new MemorySize(product);
    }
    BigDecimal exact = BigDecimal.valueOf(bytes).multiply(BigDecimal.valueOf(factor));
    if (exact.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
      throw new ArithmeticException("long overflow: " + bytes + " * " + factor);
    }
    return new MemorySize(exact.longValue());
  }

  /**
   * {@code bytes} times the decimal {@link Double#toString(double) factor} prints, truncated, in
   * long arithmetic, or a negative number where that does not do (NaN and infinities, a product
   * above {@code Long.MAX_VALUE}, more than 18 decimals), which {@link #multiply} then computes with
   * {@code BigDecimal} as Flink does. The result is the same; the point is that a run's plan never
   * initializes {@code BigDecimal}, whose class initializer takes 30 ms in a fresh JVM (85 ms
   * interpreted) and gets a handful of {@code BigInteger} methods compiled by C2 for nothing. The
   * printed factor is {@code unscaled * 10^-scale} exactly, with at most 17 significant digits, so
   * {@code unscaled < 10^17}.
   */
  static long exactProduct(long bytes, double factor) {
    String text = Double.toString(factor);
    int exponentAt = text.indexOf('E');
    String digits = exponentAt < 0 ? text : text.substring(0, exponentAt);
    int point = digits.indexOf('.');
    if (!Character.isDigit(digits.charAt(digits.length() - 1)) || point < 0) {
      return -1; // NaN, Infinity
    }
    int sign = digits.charAt(0) == '-' ? 1 : 0; // -0.0
    long unscaled = Long.parseLong(digits.substring(sign, point) + digits.substring(point + 1));
    int exponent = exponentAt < 0 ? 0 : Integer.parseInt(text.substring(exponentAt + 1));
    int scale = digits.length() - point - 1 - exponent;
    if (scale <= 0) {
      return scale < -18 ? -1 : multiplyOrMinusOne(multiplyOrMinusOne(bytes, unscaled), POWERS_OF_TEN[-scale]);
    }
    if (scale > 18) {
      return -1;
    }
    return quotient(Math.multiplyHigh(bytes, unscaled), bytes * unscaled, POWERS_OF_TEN[scale]);
  }

  /**
   * The 128-bit number {@code high * 2^64 + low} ({@code low} unsigned, {@code high >= 0}) divided
   * by {@code divisor} (0 < divisor < 2^63), truncated, bit by bit; negative if the quotient is
   * 2^63 or more. The remainder stays below the divisor, so each shifted remainder is below 2^64.
   */
  private static long quotient(long high, long low, long divisor) {
    if (high >= divisor) {
      return -1; // a quotient of 64 bits or more
    }
    long remainder = high;
    long quotient = 0;
    for (int bit = 63; bit >= 0; bit--) {
      remainder = remainder << 1 | (low >>> bit & 1);
      quotient <<= 1;
      if (Long.compareUnsigned(remainder, divisor) >= 0) {
        remainder -= divisor;
        quotient |= 1;
      }
    }
    return quotient;
  }

  private static long multiplyOrMinusOne(long a, long b) {
    long high = Math.multiplyHigh(a, b);
    long product = a * b;
    return a < 0 || high != 0 || product < 0 ? -1 : product;
  }

  private static final long[] POWERS_OF_TEN = powersOfTen();

  private static long[] powersOfTen() {
    long[] powers = new long[19];
    powers[0] = 1;
    for (int i = 1; i < powers.length; i++) {
      powers[i] = powers[i - 1] * 10;
    }
    return powers;
  }

  @Override
  public int compareTo(MemorySize that) {
    return Long.compare(bytes, that.bytes);
  }

  /**
   * Returns the size in its largest exact unit, as Flink prints it ({@code "128 mb"}, {@code
   * "536870920 bytes"}). Like Flink, a whole number of tebibytes (and zero) prints in bytes.
   *
   * @return the exact text
   */
  @Override
  public String toString() {
    for (int unit = 1; unit < UNIT_BYTES.length; unit++) {
      if (bytes % UNIT_BYTES[unit] != 0) {
        return (bytes / UNIT_BYTES[unit - 1]) + " " + UNIT_NAMES[unit - 1];
      }
    }
    return bytes + " bytes";
  }

  /**
   * Returns an approximate size with three decimals and the exact bytes, as in Flink's messages:
   * {@code "1.250gb (1342177280 bytes)"}; sizes up to 1 KiB are {@code "1024 bytes"}.
   *
   * @return the human-readable text
   */
  public String toHumanReadableString() {
    int unit = 0;
    while (unit + 1 < UNIT_BYTES.length && bytes > UNIT_BYTES[unit + 1]) {
      unit++;
    }
    if (unit == 0) {
      return bytes + " bytes";
    }
    double approximate = 1.0 * bytes / UNIT_BYTES[unit];
    return String.format(Locale.ROOT, "%.3f%s (%d bytes)", approximate, UNIT_NAMES[unit], bytes);
  }
}
