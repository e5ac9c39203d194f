package io.memflow.network;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The hand-off between a {@link BufferBuilder} (one writer thread) and its {@link
 * BufferConsumer} (one reader thread): the number of committed bytes and whether the writer
 * finished, in one int so that both change atomically.
 *
 * <p><b>Ordering.</b> The writer writes bytes into the segment with plain stores, then publishes
 * the new position with {@link #publishRelease}; the reader reads it with {@link #readAcquire}
 * and only then reads bytes below it. Release/acquire makes every byte below a published
 * position visible to the reader; bytes at or above it may be in any state.
 *
 * <pre>
 *   value >= 0 : committed bytes, writer still appending
 *   value <  0 : finished with -(value + 1) committed bytes
 * </pre>
 */
final class CommittedPosition {

  private static final VarHandle VALUE = VarHandles.field(MethodHandles.lookup(), "value", int.class);

  @SuppressWarnings("unused") // accessed through VALUE
  private int value;

  /** Writer only: publishes {@code position} committed bytes, finished or not. */
  void publishRelease(int position, boolean finished) {
    VALUE.setRelease(this, finished ? -position - 1 : position);
  }

  /** Reader: the encoded value; decode with {@link #position} and {@link #isFinished}. */
  int readAcquire() {
    return (int) VALUE.getAcquire(this);
  }

  static int position(int encoded) {
    return encoded >= 0 ? encoded : -encoded - 1;
  }

  static boolean isFinished(int encoded) {
    return encoded < 0;
  }
}
