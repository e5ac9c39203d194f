package io.memflow.csv;

import io.memflow.memory.MemorySegment;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The writer's output buffer: bytes gathered in one array and handed to the stream a block at a
 * time, numbers formatted straight into it (no strings for integers, no lock per byte as a
 * buffered stream takes). Without a stream the array grows instead and its owner takes the bytes
 * ({@link #buffer()}, {@link #position()}, {@link #rewind}). Not thread-safe; owns the stream and
 * closes it.
 */
final class CsvOutput implements AutoCloseable {

  private static final int SIZE = 1 << 16;
  private static final byte[] LONG_MIN = Long.toString(Long.MIN_VALUE).getBytes(StandardCharsets.US_ASCII);
  /** "00", "01", ... "99": two digits written per division by 100. */
  private static final byte[] DIGIT_PAIRS = new byte[200];
  /** 10^i for i in [0, 18]. */
  private static final long[] POWERS_OF_TEN = new long[19];

  static {
    for (int i = 0; i < 100; i++) {
      DIGIT_PAIRS[2 * i] = (byte) ('0' + i / 10);
      DIGIT_PAIRS[2 * i + 1] = (byte) ('0' + i % 10);
    }
    POWERS_OF_TEN[0] = 1;
    for (int i = 1; i < POWERS_OF_TEN.length; i++) {
      POWERS_OF_TEN[i] = POWERS_OF_TEN[i - 1] * 10;
    }
  }

  private final OutputStream out; // null: the buffer grows and its owner takes the bytes
  private byte[] buffer = new byte[SIZE];
  private int position;

  CsvOutput(OutputStream out) {
    this.out = out;
  }

  /** A buffer without a stream: it grows as needed. */
  CsvOutput() {
    this(null);
  }

  /** Makes room for {@code n} bytes at {@link #position}. */
  private void ensure(int n) throws IOException {
    if (position + n > buffer.length) {
      makeRoom(n);
    }
  }

  private void makeRoom(int n) throws IOException {
    if (out == null) {
      buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, position + n));
      return;
    }
    flushBuffer();
    if (n > buffer.length) {
      buffer = new byte[n];
    }
  }

  void write(int b) throws IOException {
    if (position == buffer.length) {
      makeRoom(1);
    }
    buffer[position++] = (byte) b;
  }

  void write(byte[] b, int from, int length) throws IOException {
    ensure(length);
    System.arraycopy(b, from, buffer, position, length);
    position += length;
  }

  /** Writes {@code value} in decimal. */
  void writeLong(long value) throws IOException {
    if (value == Long.MIN_VALUE) {
      write(LONG_MIN, 0, LONG_MIN.length);
      return;
    }
    ensure(20);
    if (value < 0) {
      buffer[position++] = '-';
      value = -value;
    }
    writeDigits(value);
  }

  /** Writes {@code v} (at least 0) in decimal; the buffer has room. */
  private void writeDigits(long v) {
    int end = position + digits(v);
    int i = end;
    while (v >= 100) {
      long q = v / 100;
      int pair = (int) (v - q * 100) * 2;
      buffer[--i] = DIGIT_PAIRS[pair + 1];
      buffer[--i] = DIGIT_PAIRS[pair];
      v = q;
    }
    if (v >= 10) {
      buffer[--i] = DIGIT_PAIRS[(int) v * 2 + 1];
      buffer[--i] = DIGIT_PAIRS[(int) v * 2];
    } else {
      buffer[--i] = (byte) ('0' + v);
    }
    position = end;
  }

  /** The number of decimal digits of {@code v} (at least 0): from its bit length, then one comparison. */
  static int digits(long v) {
    if (v < 10) {
      return 1;
    }
    int guess = (Long.SIZE - Long.numberOfLeadingZeros(v)) * 1233 >>> 12; // floor(bits * log10(2)), at most 18
    return guess + (v >= POWERS_OF_TEN[guess] ? 1 : 0);
  }

  /**
   * Writes {@code value} as {@link Double#toString} does. Amounts with at most two decimals, the
   * usual case, are written from their cents without building a string (see {@link
   * #centsOf(double)}); everything else goes through {@code Double.toString}.
   */
  void writeDouble(double value) throws IOException {
    long cents = centsOf(value);
    if (cents < 0) {
      writeAscii(Double.toString(value));
      return;
    }
    ensure(24);
    if (value < 0) {
      buffer[position++] = '-';
    }
    long whole = cents / 100;
    int fraction = (int) (cents % 100);
    writeDigits(whole);
    buffer[position++] = '.';
    buffer[position++] = (byte) ('0' + fraction / 10);
    if (fraction % 10 != 0) {
      buffer[position++] = (byte) ('0' + fraction % 10);
    }
  }

  /**
   * The absolute value of {@code value} in hundredths if it is a decimal with at most two
   * fractional digits in {@code [0.01, 10^7)} (where {@code Double.toString} writes no exponent),
   * else -1. Why the digits then match {@code Double.toString}: it writes the shortest decimal
   * that rounds to the double. {@code cents / 100.0 == |value|} says the two-decimal number
   * rounds to it; below 10^7 neighbouring doubles are less than 2e-9 apart, so no other decimal
   * with two or fewer fractional digits (0.01 apart) rounds to it, and a shorter one would have
   * fewer fractional digits. Trailing zeros are dropped, keeping one fractional digit.
   */
  static long centsOf(double value) {
    double magnitude = Math.abs(value);
    if (!(magnitude >= 0.01 && magnitude < 1e7)) {
      return -1;
    }
    long cents = Math.round(magnitude * 100);
    return cents / 100.0 == magnitude ? cents : -1;
  }

  /** Writes an ASCII string (a formatted number). */
  void writeAscii(String text) throws IOException {
    int n = text.length();
    ensure(n);
    for (int i = 0; i < n; i++) {
      buffer[position + i] = (byte) text.charAt(i);
    }
    position += n;
  }

  /**
   * Copies {@code length} bytes from {@code segment} at {@code offset} to the buffer unquoted and
   * returns where they start, so the caller can check them and {@link #rewind} to quote them.
   */
  int copy(MemorySegment segment, int offset, int length) throws IOException {
    ensure(length);
    int start = position;
    segment.get(offset, buffer, start, length);
    position += length;
    return start;
  }

  /** The buffer (valid until the next write). */
  byte[] buffer() {
    return buffer;
  }

  /** Where the next byte goes: the bytes buffered. */
  int position() {
    return position;
  }

  /** Moves the write position back to {@code position} (after a {@link #copy}). */
  void rewind(int position) {
    this.position = position;
  }

  private void flushBuffer() throws IOException {
    out.write(buffer, 0, position);
    position = 0;
  }

  /** Writes what is buffered and closes the stream (without one: nothing). */
  @Override
  public void close() throws IOException {
    if (out == null) {
      return;
    }
    try {
      flushBuffer();
    } finally {
      out.close();
    }
  }

  /** Closes the stream without writing what is buffered. */
  void discard() throws IOException {
    position = 0;
    if (out != null) {
      out.close();
    }
  }
}
