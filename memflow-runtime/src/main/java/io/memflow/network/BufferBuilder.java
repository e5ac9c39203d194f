package io.memflow.network;

import io.memflow.memory.MemorySegment;
import java.nio.ByteBuffer;

/**
 * Writes bytes into a buffer's segment for one {@link BufferConsumer} that reads them on another
 * thread. The writer {@linkplain #append appends}, then {@linkplain #commit() commits}: the
 * consumer sees committed bytes only. {@link #finish()} commits and marks the end.
 *
 * <p><b>Threads.</b> Not thread-safe: one writer thread uses the builder; the consumer may live on
 * another thread. Commit publishes with release semantics (see {@link CommittedPosition}).
 *
 * <p><b>Ownership.</b> The builder holds one reference to the buffer and {@link #close()}
 * releases it; {@link #createBufferConsumer()} adds one for the consumer. The segment goes back to
 * its pool when the builder, the consumer and every buffer the consumer built are released. A
 * builder from a {@link BufferPool} is pooled with its buffer, and so is its consumer: both are
 * handed out again by a later request, so drop them once closed.
 *
 * <p><b>Invariants.</b> {@code 0 <= committed <= position <= capacity <= segment size}; after
 * finish nothing more is appended.
 */
public final class BufferBuilder implements AutoCloseable {

  private final Buffer buffer;
  private final MemorySegment segment;
  private final CommittedPosition committed = new CommittedPosition();
  /** The consumer, kept for the next lease of a pooled buffer. */
  private BufferConsumer consumer;
  private int position;
  private int capacity;
  private boolean finished;
  private boolean consumerCreated;
  private boolean closed;

  /** A builder over {@code buffer}, taking over the caller's reference to it. */
  public BufferBuilder(Buffer buffer) {
    if (buffer.isReadOnly() || buffer.offset() != 0) {
      throw new IllegalArgumentException("a builder needs a whole, writable buffer: " + buffer);
    }
    this.buffer = buffer;
    this.segment = buffer.segment();
    this.capacity = buffer.capacity();
  }

  /**
   * The consumer of this builder's bytes, from byte 0; it holds its own reference. Once per builder.
   *
   * @throws IllegalStateException if called twice or after close
   */
  public BufferConsumer createBufferConsumer() {
    checkOpen("createBufferConsumer");
    if (consumerCreated) {
      throw new IllegalStateException("createBufferConsumer: this builder already has its consumer");
    }
    consumerCreated = true;
    buffer.retain();
    if (consumer == null) {
      consumer = new BufferConsumer(buffer, committed);
    } else {
      consumer.reuse();
    }
    return consumer;
  }

  /**
   * Makes this builder of a pooled buffer new for the buffer's next lease, whose reference it
   * takes over. Every consumer and slice of the last lease is closed: the buffer was recycled.
   */
  void reuse() {
    position = 0;
    capacity = buffer.capacity();
    finished = false;
    consumerCreated = false;
    closed = false;
    committed.publishRelease(0, false);
  }

  /**
   * Appends as many of {@code src}'s remaining bytes as fit, advancing its position; not
   * visible to the consumer until {@link #commit()}.
   *
   * @return the number of bytes appended
   */
  public int append(ByteBuffer src) {
    checkAppendable();
    int n = Math.min(src.remaining(), capacity - position);
    segment.put(position, src, n);
    position += n;
    return n;
  }

  /** Appends as many of {@code src[offset, offset + length)} as fit; returns how many. */
  public int append(byte[] src, int offset, int length) {
    checkAppendable();
    int n = Math.min(length, capacity - position);
    segment.put(position, src, offset, n);
    position += n;
    return n;
  }

  /** Appends as many of {@code length} bytes of {@code src} from {@code offset} as fit; returns how many. */
  public int append(MemorySegment src, int offset, int length) {
    checkAppendable();
    int n = Math.min(length, capacity - position);
    src.copyTo(offset, segment, position, n);
    position += n;
    return n;
  }

  /**
   * Appends a 4-byte big-endian {@code length} and then {@code length} bytes of {@code src} from
   * {@code offset}, and commits, if both fit; else appends nothing and returns false.
   */
  public boolean appendFramedAndCommit(MemorySegment src, int offset, int length) {
    checkAppendable();
    if (capacity - position - Integer.BYTES < length) {
      return false;
    }
    segment.putIntBigEndian(position, length);
    src.copyTo(offset, segment, position + Integer.BYTES, length);
    position += Integer.BYTES + length;
    committed.publishRelease(position, false);
    return true;
  }

  /** {@link #append(ByteBuffer)} then {@link #commit()}. */
  public int appendAndCommit(ByteBuffer src) {
    int n = append(src);
    commit();
    return n;
  }

  /** Publishes the appended bytes to the consumer (release store). */
  public void commit() {
    committed.publishRelease(position, false);
  }

  /**
   * Commits and marks the end: the consumer finishes after reading everything. Idempotent.
   *
   * @return the number of bytes written
   */
  public int finish() {
    finished = true;
    committed.publishRelease(position, true);
    return position;
  }

  /**
   * Lowers the capacity to {@code newCapacity}, but not below the bytes appended: the rest of
   * the segment stays unused (buffer debloating).
   */
  public void trim(int newCapacity) {
    if (newCapacity < 0) {
      throw new IllegalArgumentException("newCapacity=" + newCapacity + " must not be negative");
    }
    capacity = Math.min(Math.max(newCapacity, position), capacity);
  }

  /** Whether {@link #finish()} was called. */
  public boolean isFinished() {
    return finished;
  }

  /** Whether no more bytes fit. */
  public boolean isFull() {
    return position == capacity;
  }

  /** The bytes that still fit. */
  public int writableBytes() {
    return capacity - position;
  }

  /** The bytes appended so far (committed or not). */
  public int writtenBytes() {
    return position;
  }

  /** The bytes this builder may fill. */
  public int capacity() {
    return capacity;
  }

  /** Releases the builder's reference (the consumer keeps its own). Idempotent. */
  @Override
  public void close() {
    if (!closed) {
      closed = true;
      buffer.release();
    }
  }

  private void checkAppendable() {
    checkOpen("append");
    if (finished) {
      throw new IllegalStateException("append: the builder is finished at position=" + position);
    }
  }

  private void checkOpen(String operation) {
    if (closed) {
      throw new IllegalStateException(operation + ": the builder is closed");
    }
  }
}
