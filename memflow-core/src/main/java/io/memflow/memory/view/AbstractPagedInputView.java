package io.memflow.memory.view;

import io.memflow.memory.MemorySegment;
import java.io.EOFException;
import java.io.IOException;
import java.util.Objects;

/**
 * Reads a stream of big-endian values from a sequence of pages, where a value may span pages.
 *
 * <p><b>Page layout.</b> Every page starts with {@link #getHeaderLength()} header bytes that the
 * view skips (the subclass may read them, for example to learn the limit); the payload runs from
 * the header to the page's limit, and bytes after the limit are ignored:
 *
 * <pre>
 *  0               headerLength                                limit             size()
 *  +---------------+-------------------------------------------+-----------------+
 *  | header        | payload: values, continued on the next    | ignored         |
 *  |               | page when one does not fit                |                 |
 *  +---------------+-------------------------------------------+-----------------+
 * </pre>
 *
 * The stream is the concatenation of the payloads. A value that fits in the rest of the current
 * payload is read straight from the segment (the fast path); one that crosses the limit is
 * assembled byte by byte across the boundary (the slow path, once per page at most).
 *
 * <p><b>Subclasses</b> provide the next page ({@link #nextSegment}, which throws {@link
 * EOFException} at the end of the stream) and each page's limit ({@link #getLimitForSegment}),
 * and may reposition with {@link #seekInput}. A view starts on its initial page after the header,
 * or with no page at all, in which case the first read asks for one.
 *
 * <p><b>Threads and ownership.</b> Not thread-safe. The view never frees a page; whoever
 * supplies the pages owns them and frees them after the view is done. Invariant: {@code
 * headerLength <= position <= limit <= segment.size()} while the view has a page.
 */
public abstract class AbstractPagedInputView implements DataInputView {

  private MemorySegment segment;
  private int position;
  private int limit;
  private final int headerLength;

  /**
   * A view starting at {@code initialSegment}, right after its header.
   *
   * @param initialLimit the end of the initial page's payload
   * @param headerLength the number of header bytes at the start of every page, at least 0
   */
  protected AbstractPagedInputView(MemorySegment initialSegment, int initialLimit, int headerLength) {
    this(headerLength);
    seekInput(initialSegment, headerLength, initialLimit);
  }

  /** A view with no page yet: the first read calls {@link #nextSegment}{@code (null)}. */
  protected AbstractPagedInputView(int headerLength) {
    if (headerLength < 0) {
      throw new IllegalArgumentException("headerLength=" + headerLength + " must not be negative");
    }
    this.headerLength = headerLength;
  }

  // ---------------------------------------------------------------- the subclass contract

  /**
   * The page after {@code current} (which is {@code null} before the first page).
   *
   * @throws EOFException if the stream has no more pages
   */
  protected abstract MemorySegment nextSegment(MemorySegment current) throws IOException;

  /** The end of the payload of {@code segment}: at least the header length, at most its size. */
  protected abstract int getLimitForSegment(MemorySegment segment);

  /** Moves to the next page, after its header. Throws {@link EOFException} at the end. */
  protected void advance() throws IOException {
    MemorySegment next = Objects.requireNonNull(nextSegment(segment), "nextSegment returned null");
    seekInput(next, headerLength, getLimitForSegment(next));
  }

  /**
   * Continues reading at {@code position} of {@code segment}, whose payload ends at {@code limit}.
   *
   * @throws IllegalArgumentException unless {@code 0 <= position <= limit <= segment.size()}
   */
  protected final void seekInput(MemorySegment segment, int position, int limit) {
    if (position < 0 || position > limit || limit > segment.size()) {
      throw new IllegalArgumentException(
          "position=" + position + " limit=" + limit + " size=" + segment.size()
              + ": need 0 <= position <= limit <= size");
    }
    this.segment = segment;
    this.position = position;
    this.limit = limit;
  }

  /** Drops the current page: the next read calls {@link #nextSegment}{@code (null)}. */
  protected void clear() {
    segment = null;
    position = 0;
    limit = 0;
  }

  /** The current page, or {@code null} if there is none yet. */
  public MemorySegment getCurrentSegment() {
    return segment;
  }

  /** The read position in the current page. */
  public int getCurrentPositionInSegment() {
    return position;
  }

  /** The end of the current page's payload. */
  public int getCurrentSegmentLimit() {
    return limit;
  }

  /** The number of header bytes at the start of every page. */
  public int getHeaderLength() {
    return headerLength;
  }

  /**
   * The bytes left in the current page, moving to the next page first while none are left: for
   * page-to-page copies ({@link AbstractPagedOutputView#write(DataInputView, int)}).
   *
   * @throws EOFException at the end of the stream
   */
  final int remainingInPage() throws IOException {
    while (segment == null || position == limit) {
      advance();
    }
    return limit - position;
  }

  /** Moves the read position {@code n} bytes on, within the current page ({@link #remainingInPage()}). */
  final void consume(int n) {
    position += n;
  }

  // ---------------------------------------------------------------- bulk and skipping

  @Override
  public void readFully(byte[] b) throws IOException {
    readFully(b, 0, b.length);
  }

  @Override
  public void readFully(byte[] b, int off, int len) throws IOException {
    Objects.checkFromIndexSize(off, len, b.length);
    while (len > 0) {
      if (position == limit) {
        advance();
        continue;
      }
      int n = Math.min(len, limit - position);
      segment.get(position, b, off, n);
      position += n;
      off += n;
      len -= n;
    }
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    Objects.checkFromIndexSize(off, len, b.length);
    int done = 0;
    while (done < len) {
      if (position == limit && !tryAdvance()) {
        return done == 0 ? -1 : done;
      }
      int n = Math.min(len - done, limit - position);
      segment.get(position, b, off + done, n);
      position += n;
      done += n;
    }
    return done;
  }

  @Override
  public int skipBytes(int n) throws IOException {
    int done = 0;
    while (done < n) {
      if (position == limit && !tryAdvance()) {
        break;
      }
      int step = Math.min(n - done, limit - position);
      position += step;
      done += step;
    }
    return done;
  }

  @Override
  public void skipBytesToRead(int numBytes) throws IOException {
    if (numBytes < 0) {
      throw new IllegalArgumentException("numBytes=" + numBytes + " must not be negative");
    }
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

  private boolean tryAdvance() throws IOException {
    try {
      advance();
      return true;
    } catch (EOFException end) {
      return false;
    }
  }

  // ---------------------------------------------------------------- values

  @Override
  public boolean readBoolean() throws IOException {
    return readByte() != 0;
  }

  @Override
  public byte readByte() throws IOException {
    while (position == limit) {
      advance();
    }
    return segment.get(position++);
  }

  @Override
  public int readUnsignedByte() throws IOException {
    return readByte() & 0xFF;
  }

  @Override
  public short readShort() throws IOException {
    if (limit - position >= Short.BYTES) {
      short value = segment.getShortBigEndian(position);
      position += Short.BYTES;
      return value;
    }
    return (short) (readUnsignedByte() << 8 | readUnsignedByte());
  }

  @Override
  public int readUnsignedShort() throws IOException {
    return readShort() & 0xFFFF;
  }

  @Override
  public char readChar() throws IOException {
    return (char) readShort();
  }

  @Override
  public int readInt() throws IOException {
    if (limit - position >= Integer.BYTES) {
      int value = segment.getIntBigEndian(position);
      position += Integer.BYTES;
      return value;
    }
    return readUnsignedByte() << 24 | readUnsignedByte() << 16 | readUnsignedByte() << 8 | readUnsignedByte();
  }

  @Override
  public long readLong() throws IOException {
    if (limit - position >= Long.BYTES) {
      long value = segment.getLongBigEndian(position);
      position += Long.BYTES;
      return value;
    }
    long high = readInt() & 0xFFFF_FFFFL;
    return high << 32 | readInt() & 0xFFFF_FFFFL;
  }

  @Override
  public float readFloat() throws IOException {
    return Float.intBitsToFloat(readInt());
  }

  @Override
  public double readDouble() throws IOException {
    return Double.longBitsToDouble(readLong());
  }

  /**
   * Not supported: {@link java.io.DataInputStream#readLine()} is deprecated, and memflow's
   * formats have no lines.
   *
   * @throws UnsupportedOperationException always
   */
  @Override
  public String readLine() {
    throw new UnsupportedOperationException("readLine is not supported by paged views");
  }

  /** Reads a string in Java's modified UTF-8, exactly as {@link java.io.DataInputStream#readUTF()}. */
  @Override
  public String readUTF() throws IOException {
    return ModifiedUtf8.read(this);
  }
}
