package io.memflow.network;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Reads what a {@link BufferBuilder} committed, as read-only {@link Buffer} slices, on a thread
 * other than the writer's.
 *
 * <p><b>Threads.</b> Not thread-safe: one reader thread uses it. It reads the builder's committed
 * position with acquire semantics and then only bytes below it (see {@link CommittedPosition}),
 * so every byte it hands out was fully written before the commit that published it.
 *
 * <p><b>Ownership.</b> The consumer holds one reference to the buffer and {@link #close()}
 * releases it. Each slice from {@link #build()} holds its own reference, released by whoever
 * consumes it.
 *
 * <p><b>Invariants.</b> The slices from successive {@code build()} calls are adjacent, in order,
 * and together cover exactly the bytes the writer committed.
 */
public final class BufferConsumer implements AutoCloseable {

  private static final VarHandle SPARE_SLICE = VarHandles.field(MethodHandles.lookup(), "spareSlice", Buffer.class);

  private final Buffer buffer;
  /** A released slice, ready for the next build; set by whichever thread released it. */
  @SuppressWarnings("unused") // accessed through SPARE_SLICE
  private volatile Buffer spareSlice;
  private final CommittedPosition committed;
  private int readPosition;
  private boolean closed;

  BufferConsumer(Buffer buffer, CommittedPosition committed) {
    this.buffer = buffer;
    this.committed = committed;
  }

  /**
   * A read-only slice of the bytes committed since the last call (possibly empty), with its own
   * reference.
   *
   * @throws IllegalStateException if the consumer is closed
   */
  public Buffer build() {
    if (closed) {
      throw new IllegalStateException("build: the consumer is closed");
    }
    int end = CommittedPosition.position(committed.readAcquire());
    // Only this thread takes from the spare. A late release may overwrite it between the read
    // and the clear below; that slice is dropped, never handed out twice (see takeBack).
    Buffer slice = (Buffer) SPARE_SLICE.getAcquire(this);
    if (slice == null) {
      slice = Buffer.pooledSlice(buffer, this);
    } else {
      SPARE_SLICE.setRelease(this, null);
    }
    slice.reslice(readPosition, end - readPosition);
    readPosition = end;
    return slice;
  }

  /** Makes this consumer of a pooled buffer new for the next lease (the builder took its reference). */
  void reuse() {
    readPosition = 0;
    closed = false;
  }

  /**
   * Called by a slice of this consumer once released: keeps it for the next build when the spare
   * slot is empty. A plain check-then-store, not a CAS: two releasers racing may each store, and
   * then one slice is dropped (garbage, it holds no reference). A slice enters the slot only from
   * its own release, so the slot never holds a slice that is still handed out.
   */
  void takeBack(Buffer slice) {
    if (SPARE_SLICE.getAcquire(this) == null) {
      SPARE_SLICE.setRelease(this, slice);
    }
  }

  /** Whether the writer finished (there may still be unread bytes: see {@link #isFullyConsumed()}). */
  public boolean isFinished() {
    return CommittedPosition.isFinished(committed.readAcquire());
  }

  /** Whether the writer finished and every committed byte was built. */
  public boolean isFullyConsumed() {
    int encoded = committed.readAcquire();
    return CommittedPosition.isFinished(encoded) && CommittedPosition.position(encoded) == readPosition;
  }

  /** Whether committed bytes wait to be built. */
  public boolean isDataAvailable() {
    return CommittedPosition.position(committed.readAcquire()) > readPosition;
  }

  /** The committed bytes not built yet. */
  public int unreadBytes() {
    return CommittedPosition.position(committed.readAcquire()) - readPosition;
  }

  /** Whether the builder's buffer carries records or an event. */
  public Buffer.DataType dataType() {
    return buffer.dataType();
  }

  /** Releases the consumer's reference. Idempotent. */
  @Override
  public void close() {
    if (!closed) {
      closed = true;
      buffer.release();
    }
  }
}
