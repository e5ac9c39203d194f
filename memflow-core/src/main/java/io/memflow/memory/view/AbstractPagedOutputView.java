package io.memflow.memory.view;

import io.memflow.memory.MemorySegment;
import java.io.EOFException;
import java.io.IOException;
import java.util.Objects;

/**
 * Writes a stream of big-endian values into a sequence of pages, where a value may span pages;
 * the bytes are exactly those {@link java.io.DataOutputStream} would write.
 *
 * <p><b>Page layout.</b> Every page starts with {@link #getHeaderLength()} header bytes that the
 * view leaves alone (the subclass fills them in, typically when the page is finished); the
 * payload runs from the header to the end of the page:
 *
 * <pre>
 *  0               headerLength                               position            size()
 *  +---------------+------------------------------------------+-------------------+
 *  | header        | payload written so far                   | room left         |
 *  +---------------+------------------------------------------+-------------------+
 * </pre>
 *
 * A value that fits in the room left is written straight into the segment (the fast path); one
 * that does not is written byte by byte, moving to the next page in the middle (the slow path).
 * So a page is always filled to its end before the next one starts.
 *
 * <p><b>Subclasses</b> provide the next page ({@link #nextSegment}, which learns how far the
 * current one was filled and may throw {@link EOFException} when there is no more room) and may
 * reposition with {@link #seekOutput}. A view starts on its initial page after the header, or
 * with no page at all, in which case the first write asks for one.
 *
 * <p><b>Threads and ownership.</b> Not thread-safe. The view never frees a page; whoever
 * supplies the pages owns them. Invariant: {@code headerLength <= position <= segment.size()}
 * while the view has a page.
 */
public abstract class AbstractPagedOutputView implements DataOutputView {

  private MemorySegment segment;
  private int position;
  private int limit;
  private final int headerLength;

  /**
   * A view writing to {@code initialSegment}, right after its header.
   *
   * @param headerLength the number of header bytes at the start of every page, at least 0
   */
  protected AbstractPagedOutputView(MemorySegment initialSegment, int headerLength) {
    this(headerLength);
    seekOutput(initialSegment, headerLength);
  }

  /** A view with no page yet: the first write calls {@link #nextSegment}{@code (null, 0)}. */
  protected AbstractPagedOutputView(int headerLength) {
    if (headerLength < 0) {
      throw new IllegalArgumentException("headerLength=" + headerLength + " must not be negative");
    }
    this.headerLength = headerLength;
  }

  // ---------------------------------------------------------------- the subclass contract

  /**
   * The page after {@code current} (which is {@code null} before the first page), called when
   * {@code current} is full or the caller skips past it.
   *
   * @param positionInCurrent how far {@code current} was written (0 without a current page)
   * @throws EOFException if there is no more room
   */
  protected abstract MemorySegment nextSegment(MemorySegment current, int positionInCurrent)
      throws IOException;

  /** Moves to the next page, after its header. Throws {@link EOFException} when out of room. */
  protected void advance() throws IOException {
    MemorySegment next =
        Objects.requireNonNull(nextSegment(segment, position), "nextSegment returned null");
    seekOutput(next, headerLength);
  }

  /**
   * Continues writing at {@code position} of {@code segment}.
   *
   * @throws IllegalArgumentException unless {@code 0 <= position <= segment.size()}
   */
  protected final void seekOutput(MemorySegment segment, int position) {
    if (position < 0 || position > segment.size()) {
      throw new IllegalArgumentException(
          "position=" + position + " size=" + segment.size() + ": need 0 <= position <= size");
    }
    this.segment = segment;
    this.position = position;
    this.limit = segment.size();
  }

  /** Drops the current page: the next write calls {@link #nextSegment}{@code (null, 0)}. */
  protected void clear() {
    segment = null;
    position = 0;
    limit = 0;
  }

  /** The current page, or {@code null} if there is none yet. */
  public MemorySegment getCurrentSegment() {
    return segment;
  }

  /** The write position in the current page. */
  public int getCurrentPositionInSegment() {
    return position;
  }

  /** The number of header bytes at the start of every page. */
  public int getHeaderLength() {
    return headerLength;
  }

  // ---------------------------------------------------------------- bulk and skipping

  @Override
  public void write(int b) throws IOException {
    writeByte(b);
  }

  @Override
  public void write(byte[] b) throws IOException {
    write(b, 0, b.length);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    Objects.checkFromIndexSize(off, len, b.length);
    while (len > 0) {
      if (position == limit) {
        advance();
        continue;
      }
      int n = Math.min(len, limit - position);
      segment.put(position, b, off, n);
      position += n;
      off += n;
      len -= n;
    }
  }

  /**
   * {@inheritDoc} If the source ends first, the bytes it did deliver are written, but how far the
   * write position moved is unspecified.
   */
  @Override
  public void write(DataInputView source, int numBytes) throws IOException {
    checkNotNegative(numBytes);
    if (source instanceof AbstractPagedInputView paged) {
      copyFrom(paged, numBytes);
      return;
    }
    while (numBytes > 0) {
      if (position == limit) {
        advance();
        continue;
      }
      int n = Math.min(numBytes, limit - position);
      segment.put(source, position, n);
      position += n;
      numBytes -= n;
    }
  }

  /** Copies in bulk: one segment copy per target page the bytes reach. */
  @Override
  public void write(MemorySegment source, int offset, int length) throws IOException {
    Objects.checkFromIndexSize(offset, length, source.size());
    while (length > 0) {
      if (position == limit) {
        advance();
        continue;
      }
      int n = Math.min(length, limit - position);
      source.copyTo(offset, segment, position, n);
      position += n;
      offset += n;
      length -= n;
    }
  }

  /**
   * Copies from a paged view page to page: one bulk segment copy per overlap of a source page
   * with a target page, instead of a read of every eight bytes through the source's accessors
   * (what spilling a sort buffer and merging runs do for every record).
   */
  private void copyFrom(AbstractPagedInputView source, int numBytes) throws IOException {
    while (numBytes > 0) {
      if (position == limit) {
        advance();
        continue;
      }
      int n = Math.min(numBytes, Math.min(limit - position, source.remainingInPage()));
      source.getCurrentSegment().copyTo(source.getCurrentPositionInSegment(), segment, position, n);
      source.consume(n);
      position += n;
      numBytes -= n;
    }
  }

  @Override
  public void skipBytesToWrite(int numBytes) throws IOException {
    checkNotNegative(numBytes);
    while (numBytes > 0) {
      if (position == limit) {
        advance();
        continue;
      }
      int step = Math.min(numBytes, limit - position);
      position += step;
      numBytes -= step;
    }
  }

  private static void checkNotNegative(int numBytes) {
    if (numBytes < 0) {
      throw new IllegalArgumentException("numBytes=" + numBytes + " must not be negative");
    }
  }

  // ---------------------------------------------------------------- values

  @Override
  public void writeBoolean(boolean v) throws IOException {
    writeByte(v ? 1 : 0);
  }

  @Override
  public void writeByte(int v) throws IOException {
    while (position == limit) {
      advance();
    }
    segment.put(position++, (byte) v);
  }

  @Override
  public void writeShort(int v) throws IOException {
    if (limit - position >= Short.BYTES) {
      segment.putShortBigEndian(position, (short) v);
      position += Short.BYTES;
    } else {
      writeByte(v >>> 8);
      writeByte(v);
    }
  }

  @Override
  public void writeChar(int v) throws IOException {
    writeShort(v);
  }

  @Override
  public void writeInt(int v) throws IOException {
    if (limit - position >= Integer.BYTES) {
      segment.putIntBigEndian(position, v);
      position += Integer.BYTES;
    } else {
      writeByte(v >>> 24);
      writeByte(v >>> 16);
      writeByte(v >>> 8);
      writeByte(v);
    }
  }

  @Override
  public void writeLong(long v) throws IOException {
    if (limit - position >= Long.BYTES) {
      segment.putLongBigEndian(position, v);
      position += Long.BYTES;
    } else {
      writeInt((int) (v >>> 32));
      writeInt((int) v);
    }
  }

  /** Writes {@code Float.floatToIntBits(v)}: every NaN becomes the canonical one, as in Java. */
  @Override
  public void writeFloat(float v) throws IOException {
    writeInt(Float.floatToIntBits(v));
  }

  /** Writes {@code Double.doubleToLongBits(v)}: every NaN becomes the canonical one, as in Java. */
  @Override
  public void writeDouble(double v) throws IOException {
    writeLong(Double.doubleToLongBits(v));
  }

  /** Writes the low byte of every char of {@code s}, as {@link java.io.DataOutput#writeBytes}. */
  @Override
  public void writeBytes(String s) throws IOException {
    int length = s.length();
    int i = 0;
    while (i < length) {
      if (position == limit) {
        advance();
        continue;
      }
      int end = i + Math.min(length - i, limit - position);
      for (; i < end; i++) {
        segment.put(position++, (byte) s.charAt(i));
      }
    }
  }

  @Override
  public void writeChars(String s) throws IOException {
    for (int i = 0; i < s.length(); i++) {
      writeChar(s.charAt(i));
    }
  }

  /**
   * Writes {@code s} in Java's modified UTF-8, exactly as {@link java.io.DataOutputStream#writeUTF}.
   *
   * @throws java.io.UTFDataFormatException if the encoding is longer than 65535 bytes (nothing is
   *     written)
   */
  @Override
  public void writeUTF(String s) throws IOException {
    ModifiedUtf8.write(this, s);
  }
}
