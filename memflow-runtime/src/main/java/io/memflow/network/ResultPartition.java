package io.memflow.network;

import io.memflow.memory.MemorySegment;
import io.memflow.memory.MemorySegments;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The producer side of a local exchange: records written to {@code N} subpartitions, each read by
 * one {@link InputChannel} of an {@link InputGate} through a credit-based sender.
 *
 * <p><b>Format.</b> Each record is a 4-byte big-endian length followed by its bytes; records span
 * buffers. A subpartition ends with an end-of-partition event buffer.
 *
 * <p><b>Memory and backpressure.</b> The partition has its own {@link BufferPool}: required {@code
 * N + 1}, max {@code 2N + 8}, at most 10 buffers per subpartition, Flink's overdraft. Before a
 * record starts a new buffer, {@link #emitRecord} waits until the pool is available (a buffer is
 * free and no subpartition holds its maximum); a record already started continues into overdraft
 * buffers. A buffer returns to the pool once its bytes were copied into a consumer's credit; the
 * consumer's thread does that copy, the producer only wakes it.
 *
 * <p><b>Threads and ownership.</b> One producer thread calls {@code emitRecord}, {@code flush},
 * {@code finish} and {@code close}; consumers attach from their own threads. The producer owns the
 * partition and closes it (after its consumers are done, or on failure).
 */
public final class ResultPartition implements AutoCloseable {

  private static final int END_OF_PARTITION = 1;

  private final BufferPool pool;
  private final ResultSubpartition[] subpartitions;
  private final BufferBuilder[] builders;
  private final AtomicReferenceArray<CreditBasedSender> senders;
  private final byte[] lengthBytes = new byte[Integer.BYTES];
  private boolean finished;
  private boolean closed;
  private volatile long backpressureNanos;

  private ResultPartition(BufferPool pool, int n) {
    this.pool = pool;
    this.subpartitions = new ResultSubpartition[n];
    this.builders = new BufferBuilder[n];
    this.senders = new AtomicReferenceArray<>(n);
    for (int i = 0; i < n; i++) {
      subpartitions[i] = new ResultSubpartition();
    }
  }

  /** The buffers a partition of {@code n} subpartitions requires from the global pool. */
  public static int requiredBuffers(int n) {
    return n + 1;
  }

  /** A partition with {@code n} subpartitions and a pool from {@code global}. */
  public static ResultPartition create(NetworkBufferPool global, int n) {
    if (n < 1) {
      throw new IllegalArgumentException("subpartitions=" + n + " must be at least 1");
    }
    return new ResultPartition(global.bufferPool(requiredBuffers(n), 2 * n + 8).subpartitions(n).create(), n);
  }

  /** Called by an {@link InputGate}: the sender of {@code subpartition} to {@code channel}. */
  CreditBasedSender attach(int subpartition, InputChannel channel) {
    CreditBasedSender sender = new CreditBasedSender(subpartitions[subpartition], channel);
    if (!senders.compareAndSet(subpartition, null, sender)) {
      throw new IllegalStateException("subpartition " + subpartition + " already has a consumer");
    }
    return sender;
  }

  /**
   * Appends a record to {@code subpartition}, waiting for buffers if the pool is exhausted.
   *
   * @throws InterruptedException if interrupted while waiting (the record may be partly written)
   */
  public void emitRecord(int subpartition, byte[] record) throws InterruptedException {
    emitRecord(subpartition, record, 0, record.length);
  }

  /**
   * Appends {@code length} bytes of {@code record} from {@code offset} as one record to {@code
   * subpartition}, waiting for buffers if the pool is exhausted. The bytes are copied; the array is
   * the caller's again when this returns.
   *
   * @throws InterruptedException if interrupted while waiting (the record may be partly written)
   */
  public void emitRecord(int subpartition, byte[] record, int offset, int length)
      throws InterruptedException {
    checkWritable();
    Objects.checkFromIndexSize(offset, length, record.length);
    writeLength(subpartition, length);
    write(subpartition, record, offset, length, false);
  }

  /**
   * Appends {@code length} bytes of {@code record} from {@code offset} as one record to {@code
   * subpartition}, copying them straight from the segment into network buffers; waits for buffers
   * if the pool is exhausted.
   *
   * @throws InterruptedException if interrupted while waiting (the record may be partly written)
   */
  public void emitRecord(int subpartition, MemorySegment record, int offset, int length)
      throws InterruptedException {
    checkWritable();
    BufferBuilder current = builders[subpartition];
    if (current != null && current.appendFramedAndCommit(record, offset, length)) {
      if (current.isFull()) {
        finishBuilder(subpartition);
      }
      return; // the common case: length and bytes in the current buffer, one commit
    }
    writeLength(subpartition, length);
    int written = 0;
    while (written < length) {
      BufferBuilder builder = builders[subpartition];
      if (builder == null) {
        builder = newBuilder(subpartition, false);
      }
      written += builder.append(record, offset + written, length - written);
      builder.commit();
      if (builder.isFull()) {
        finishBuilder(subpartition);
      }
    }
  }

  /** Starts a record: its 4-byte big-endian length (waiting for buffers if none is available). */
  private void writeLength(int subpartition, int length) throws InterruptedException {
    for (int i = 0; i < Integer.BYTES; i++) {
      lengthBytes[i] = (byte) (length >>> (24 - 8 * i));
    }
    write(subpartition, lengthBytes, 0, Integer.BYTES, true);
  }

  private void write(int subpartition, byte[] bytes, int from, int length, boolean recordStart)
      throws InterruptedException {
    int offset = from;
    int end = from + length;
    while (offset < end) {
      BufferBuilder builder = builders[subpartition];
      if (builder == null) {
        builder = newBuilder(subpartition, recordStart && offset == from);
      }
      offset += builder.append(bytes, offset, end - offset);
      builder.commit();
      if (builder.isFull()) {
        finishBuilder(subpartition);
      }
    }
  }

  private BufferBuilder newBuilder(int subpartition, boolean waitForAvailability) throws InterruptedException {
    if (waitForAvailability) {
      awaitAvailable();
    }
    BufferBuilder builder = pool.requestBufferBuilderBlocking(subpartition);
    subpartitions[subpartition].add(builder.createBufferConsumer());
    builders[subpartition] = builder;
    return builder;
  }

  private void awaitAvailable() throws InterruptedException {
    CompletableFuture<Void> available = pool.availableFuture();
    if (available.isDone()) {
      return;
    }
    long start = System.nanoTime();
    try {
      available.get();
    } catch (ExecutionException e) {
      throw new IllegalStateException(e.getCause());
    } finally {
      backpressureNanos += System.nanoTime() - start; // single writer: the producer thread
    }
  }

  /**
   * The time the producer waited for buffers so far (backpressure). Written by the producer
   * thread, readable from any thread.
   */
  public long backpressureNanos() {
    return backpressureNanos;
  }

  private void finishBuilder(int subpartition) {
    BufferBuilder builder = builders[subpartition];
    builders[subpartition] = null;
    builder.finish();
    builder.close();
    subpartitions[subpartition].builderFinished();
    send(subpartition);
  }

  private void send(int subpartition) {
    CreditBasedSender sender = senders.get(subpartition);
    if (sender != null) {
      sender.dataAvailable();
    }
  }

  /** Makes the committed bytes of {@code subpartition}'s current buffer available to send. */
  public void flush(int subpartition) {
    subpartitions[subpartition].flush();
    send(subpartition);
  }

  /** Flushes every subpartition. */
  public void flushAll() {
    for (int i = 0; i < subpartitions.length; i++) {
      flush(i);
    }
  }

  /** Finishes every subpartition with an end-of-partition event. Nothing may be emitted after. */
  public void finish() {
    checkWritable();
    finished = true;
    for (int i = 0; i < subpartitions.length; i++) {
      if (builders[i] != null) {
        finishBuilder(i);
      }
      subpartitions[i].add(endOfPartition());
      subpartitions[i].builderFinished();
      send(i);
    }
  }

  private static BufferConsumer endOfPartition() {
    Buffer event = Buffer.wrap(MemorySegments.allocateHeap(Integer.BYTES), BufferRecycler.freeing(),
        Buffer.DataType.EVENT, 0);
    try (BufferBuilder builder = new BufferBuilder(event)) {
      BufferConsumer consumer = builder.createBufferConsumer();
      builder.append(new byte[] {0, 0, 0, END_OF_PARTITION}, 0, Integer.BYTES);
      builder.finish();
      return consumer;
    }
  }

  /** The number of subpartitions. */
  public int numberOfSubpartitions() {
    return subpartitions.length;
  }

  /** Finished buffers of {@code subpartition} not sent yet. */
  public int backlog(int subpartition) {
    return subpartitions[subpartition].backlog();
  }

  /** The partition's buffer pool (metrics and availability; the partition owns it). */
  public BufferPool bufferPool() {
    return pool;
  }

  /** Releases unsent buffers and destroys the pool. Idempotent. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (int i = 0; i < subpartitions.length; i++) {
      if (builders[i] != null) {
        builders[i].close();
        builders[i] = null;
      }
      subpartitions[i].release();
    }
    pool.destroy();
  }

  private void checkWritable() {
    if (finished || closed) {
      throw new IllegalStateException("result partition is " + (closed ? "closed" : "finished"));
    }
  }
}
