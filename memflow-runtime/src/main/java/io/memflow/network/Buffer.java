package io.memflow.network;

import io.memflow.memory.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Objects;

/**
 * A reference-counted window on a {@link MemorySegment}: network data or an event, with a
 * reader and a writer index.
 *
 * <p><b>Ownership.</b> A new buffer holds one reference, owned by whoever requested it. {@link
 * #retain()} adds a reference for another owner; each owner calls {@link #release()} once. When
 * the count reaches zero the segment goes back to the buffer's {@link BufferRecycler} (its pool),
 * exactly once. Releasing a recycled buffer, retaining it, or touching its memory afterwards
 * throws {@link IllegalStateException}.
 *
 * <p><b>Pooled buffers.</b> A buffer from a {@link BufferPool} is a pooled object: at zero it goes
 * back to its pool with its segment and is handed out again by a later request (so requests
 * allocate nothing). Drop every reference to it after your last release: a release or access
 * through a stale reference throws while the buffer waits in the pool (pools reuse their free
 * buffers oldest first, so that window is as long as the pool allows), but once the pool has
 * handed the object out again, the stale reference is the new owner's buffer. Buffers from
 * {@link #wrap} are never reused. Slices that a {@link BufferConsumer} builds are pooled the same
 * way by their consumer.
 *
 * <p><b>Slices.</b> {@link #readOnlySlice(int, int)} views part of the bytes without copying and
 * shares the reference count with the buffer it came from (a slice does not add a reference:
 * call {@link #retain()} on it to keep it past the parent's release).
 *
 * <p><b>Threads.</b> The reference count is thread-safe (atomic, with release/acquire ordering so
 * that every access by an owner happens-before the recycle). The indices are not: one owner
 * thread at a time uses them, and hands a buffer to another thread through a safe publication
 * (a queue, a lock).
 *
 * <p><b>Invariants.</b> {@code 0 <= readerIndex <= writerIndex <= capacity}; a slice's bytes are
 * {@code [offset, offset + capacity)} of the segment.
 */
public final class Buffer {

  /** What a buffer carries. */
  public enum DataType {
    /** Serialized records. */
    DATA,
    /** An event (end of partition, a barrier): processed by the runtime, not by operators. */
    EVENT
  }

  private static final VarHandle REF_COUNT = VarHandles.field(MethodHandles.lookup(), "refCount", int.class);

  private final MemorySegment segment;
  /** Takes the segment back at zero; {@code null} for a pooled root (its pool takes the buffer). */
  private final BufferRecycler recycler;
  /** The pool a pooled root goes back to at zero; {@code null} otherwise. */
  private final LocalBufferPool pool;
  /** The consumer a pooled slice goes back to when released; {@code null} otherwise. */
  private final BufferConsumer sliceHome;
  /** The buffer that holds the reference count: {@code this} for a root, the parent's root for a slice. */
  private final Buffer root;
  private int offset;
  private int capacity;
  private final boolean readOnly;
  private DataType dataType;
  /** A pooled root's subpartition for its current lease. */
  private int subpartition;
  /** A pooled root's lease number: changes every time its pool hands it out. */
  private int lease;
  /** A pooled root's builder, made on first use and reused by later leases. */
  private BufferBuilder builder;
  /** Accessed through {@link #REF_COUNT}; only the root's is used. */
  @SuppressWarnings("unused")
  private volatile int refCount;
  private int readerIndex;
  private int writerIndex;

  private Buffer(
      MemorySegment segment,
      BufferRecycler recycler,
      LocalBufferPool pool,
      BufferConsumer sliceHome,
      Buffer root,
      int offset,
      int capacity,
      boolean readOnly,
      DataType dataType,
      int writerIndex) {
    this.segment = segment;
    this.recycler = recycler;
    this.pool = pool;
    this.sliceHome = sliceHome;
    this.root = root == null ? this : root;
    this.offset = offset;
    this.capacity = capacity;
    this.readOnly = readOnly;
    this.dataType = dataType;
    this.writerIndex = writerIndex;
    if (root == null) {
      REF_COUNT.setRelease(this, 1);
    }
  }

  /**
   * An empty data buffer over the whole of {@code segment} with one reference; at zero the
   * segment goes to {@code recycler}.
   */
  public static Buffer wrap(MemorySegment segment, BufferRecycler recycler) {
    return wrap(segment, recycler, DataType.DATA, 0);
  }

  /**
   * A buffer over the whole of {@code segment} with one reference, of the given type, with
   * {@code size} bytes already written.
   */
  public static Buffer wrap(MemorySegment segment, BufferRecycler recycler, DataType type, int size) {
    Objects.requireNonNull(segment, "segment");
    Objects.requireNonNull(recycler, "recycler");
    Objects.requireNonNull(type, "type");
    Objects.checkIndex(size, segment.size() + 1);
    return new Buffer(segment, recycler, null, null, null, 0, segment.size(), false, type, size);
  }

  /** A pooled root over {@code segment} that goes back to {@code pool} at zero; idle (count 0). */
  static Buffer pooled(MemorySegment segment, LocalBufferPool pool) {
    Buffer b = new Buffer(segment, null, pool, null, null, 0, segment.size(), false, DataType.DATA, 0);
    REF_COUNT.setRelease(b, 0);
    return b;
  }

  /**
   * Hands an idle pooled root out again: one reference, empty, carrying data, counted against
   * {@code subpartition}. The caller publishes the buffer to its new owner safely (a lock or an
   * atomic hand-over).
   */
  Buffer lease(int subpartition) {
    this.subpartition = subpartition;
    dataType = DataType.DATA;
    readerIndex = 0;
    writerIndex = 0;
    lease++;
    REF_COUNT.setRelease(this, 1);
    return this;
  }

  /** A pooled root's segment, whatever its count: for its pool only. */
  MemorySegment pooledSegment() {
    return segment;
  }

  /** A pooled root's builder for its current lease, taking over the lease's reference. */
  BufferBuilder pooledBuilder() {
    if (builder == null) {
      builder = new BufferBuilder(this);
    } else {
      builder.reuse();
    }
    return builder;
  }

  /** A pooled root's subpartition of its current lease. */
  int subpartition() {
    return subpartition;
  }

  /** A pooled root's lease number. */
  int leaseNumber() {
    return lease;
  }

  /** A pooled slice of {@code root}, idle until {@link #reslice}. */
  static Buffer pooledSlice(Buffer root, BufferConsumer home) {
    return new Buffer(root.segment, null, null, home, root.root, 0, 0, true, root.dataType, 0);
  }

  /**
   * Points an idle pooled slice at {@code [index, index + length)} of its root, fully written,
   * and adds a reference to the root for it.
   */
  Buffer reslice(int index, int length) {
    offset = index;
    capacity = length;
    writerIndex = length;
    readerIndex = 0;
    dataType = root.dataType;
    root.retain();
    return this;
  }

  // ---------------------------------------------------------------- reference counting

  /**
   * Adds a reference.
   *
   * @return this buffer
   * @throws IllegalStateException if the buffer was already recycled
   */
  public Buffer retain() {
    Buffer r = root;
    int count;
    do {
      count = (int) REF_COUNT.getAcquire(r);
      if (count <= 0) {
        throw recycled("retain");
      }
      if (count == Integer.MAX_VALUE) {
        throw new IllegalStateException("retain: reference count overflow on " + this);
      }
    } while (!REF_COUNT.weakCompareAndSetRelease(r, count, count + 1));
    return this;
  }

  /**
   * Drops a reference; at zero the segment goes back to the recycler.
   *
   * @return whether this call recycled the segment
   * @throws IllegalStateException if the buffer was already recycled (a release too many)
   */
  public boolean release() {
    Buffer r = root;
    int count;
    do {
      count = (int) REF_COUNT.getAcquire(r);
      if (count <= 0) {
        throw recycled("release");
      }
    } while (!REF_COUNT.weakCompareAndSet(r, count, count - 1));
    if (sliceHome != null) {
      sliceHome.takeBack(this);
    }
    if (count == 1) {
      if (r.pool != null) {
        r.pool.recycle(r);
      } else {
        r.recycler.recycle(r.segment);
      }
      return true;
    }
    return false;
  }

  /** The current number of references (shared with every slice); 0 once recycled. */
  public int refCount() {
    return (int) REF_COUNT.getAcquire(root);
  }

  /** Whether the count reached zero and the segment went back to its recycler. */
  public boolean isRecycled() {
    return refCount() <= 0;
  }

  // ---------------------------------------------------------------- properties

  /** Whether this buffer carries records or an event. */
  public DataType dataType() {
    return dataType;
  }

  /** Sets what this buffer carries (for a receiver that fills a pooled buffer). Not for slices. */
  public void setDataType(DataType type) {
    checkWritable("setDataType");
    dataType = java.util.Objects.requireNonNull(type, "type");
  }

  /** Whether this buffer carries serialized records ({@link DataType#DATA}). */
  public boolean isData() {
    return dataType == DataType.DATA;
  }

  /** Whether this is a read-only slice. */
  public boolean isReadOnly() {
    return readOnly;
  }

  /** The number of bytes this buffer spans. */
  public int capacity() {
    return capacity;
  }

  /**
   * The underlying segment, shared with the pool and every slice: this buffer's bytes are {@code
   * [offset(), offset() + capacity())} of it.
   *
   * @throws IllegalStateException if the buffer was recycled
   */
  public MemorySegment segment() {
    checkAlive("segment");
    return segment;
  }

  /** Where this buffer's byte 0 lies in {@link #segment()}. */
  public int offset() {
    return offset;
  }

  // ---------------------------------------------------------------- indices

  /** The index of the next byte to read, relative to this buffer. */
  public int readerIndex() {
    return readerIndex;
  }

  /** The number of bytes written, relative to this buffer: the readable bytes end here. */
  public int writerIndex() {
    return writerIndex;
  }

  /** The number of bytes written ({@link #writerIndex()}). */
  public int size() {
    return writerIndex;
  }

  /** The bytes between the reader and the writer index. */
  public int readableBytes() {
    return writerIndex - readerIndex;
  }

  /** The bytes between the writer index and the capacity. */
  public int writableBytes() {
    return capacity - writerIndex;
  }

  /** Sets the reader index, within {@code [0, writerIndex]}. */
  public void setReaderIndex(int index) {
    if (index < 0 || index > writerIndex) {
      throw new IndexOutOfBoundsException(
          "readerIndex=" + index + " must be in [0, writerIndex=" + writerIndex + "]");
    }
    readerIndex = index;
  }

  /** Sets the writer index, within {@code [readerIndex, capacity]}. Not for read-only slices. */
  public void setWriterIndex(int index) {
    checkWritable("setWriterIndex");
    if (index < readerIndex || index > capacity) {
      throw new IndexOutOfBoundsException(
          "writerIndex=" + index + " must be in [readerIndex=" + readerIndex + ", capacity=" + capacity + "]");
    }
    writerIndex = index;
  }

  // ---------------------------------------------------------------- bytes

  /**
   * Copies {@code length} bytes at the writer index from {@code src[srcOffset..]} and advances
   * the writer index.
   */
  public void writeBytes(byte[] src, int srcOffset, int length) {
    checkWritable("writeBytes");
    checkAlive("writeBytes");
    if (length > writableBytes()) {
      throw new IndexOutOfBoundsException(
          "length=" + length + " writerIndex=" + writerIndex + " capacity=" + capacity);
    }
    segment.put(offset + writerIndex, src, srcOffset, length);
    writerIndex += length;
  }

  /**
   * Copies {@code length} bytes at the reader index into {@code dst[dstOffset..]} and advances
   * the reader index.
   */
  public void readBytes(byte[] dst, int dstOffset, int length) {
    checkAlive("readBytes");
    if (length > readableBytes()) {
      throw new IndexOutOfBoundsException(
          "length=" + length + " readerIndex=" + readerIndex + " writerIndex=" + writerIndex);
    }
    segment.get(offset + readerIndex, dst, dstOffset, length);
    readerIndex += length;
  }

  /** Reads the byte at {@code index} (relative to this buffer, below the writer index). */
  public byte getByte(int index) {
    checkAlive("getByte");
    Objects.checkIndex(index, writerIndex);
    return segment.get(offset + index);
  }

  // ---------------------------------------------------------------- slices

  /** A read-only slice of the readable bytes {@code [readerIndex, writerIndex)}. */
  public Buffer readOnlySlice() {
    return readOnlySlice(readerIndex, readableBytes());
  }

  /**
   * A read-only slice of {@code [index, index + length)} of this buffer, fully written (its
   * writer index is {@code length}), sharing this buffer's reference count and not adding to it.
   */
  public Buffer readOnlySlice(int index, int length) {
    checkAlive("readOnlySlice");
    Objects.checkFromIndexSize(index, length, capacity);
    return new Buffer(segment, recycler, null, null, root, offset + index, length, true, dataType, length);
  }

  @Override
  public String toString() {
    return "Buffer[" + dataType + ", offset=" + offset + ", capacity=" + capacity
        + ", readerIndex=" + readerIndex + ", writerIndex=" + writerIndex
        + ", refCount=" + refCount() + (readOnly ? ", read-only" : "") + "]";
  }

  private void checkAlive(String operation) {
    if (isRecycled()) {
      throw recycled(operation);
    }
  }

  private void checkWritable(String operation) {
    if (readOnly) {
      throw new IllegalStateException(operation + ": " + this + " is a read-only slice");
    }
  }

  private IllegalStateException recycled(String operation) {
    return new IllegalStateException(
        operation + ": buffer was already recycled (reference count 0): " + describeWithoutCount());
  }

  private String describeWithoutCount() {
    return "Buffer[" + dataType + ", offset=" + offset + ", capacity=" + capacity + "]";
  }
}
