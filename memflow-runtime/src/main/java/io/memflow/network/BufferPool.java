package io.memflow.network;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A task's share of the network buffers (a {@code LocalBufferPool} from {@link
 * NetworkBufferPool#createBufferPool}). It requests segments from the global pool lazily, up to
 * its current size (between its required and maximum number, set by the global pool), and may
 * lend a few overdraft buffers beyond that.
 *
 * <p><b>Backpressure.</b> Running out is a return value ({@code null}) or a future, never an
 * exception: {@link #availableFuture()} completes when a buffer is ready and no subpartition
 * holds its maximum; {@link #addBufferListener} hands the next buffer to a listener.
 *
 * <p><b>Ownership.</b> The task owns the pool and {@link #destroy() destroys} it when it ends,
 * normally or not: every segment the pool holds goes back to the global pool at once, and
 * buffers still in use go back when their last reference is released. The {@link Buffer}
 * objects are pooled with their segments: a request allocates nothing, and a released buffer is
 * handed out again later, so nobody may keep a reference past their release (see {@link Buffer}).
 *
 * <p><b>Threads.</b> Thread-safe. Listeners and futures are notified outside the pool's lock.
 */
public interface BufferPool {

  /** The subpartition of a request that belongs to none. */
  int NO_SUBPARTITION = -1;

  /** A buffer with one reference for the caller, or {@code null} if none is available now. */
  Buffer requestBuffer();

  /**
   * As {@link #requestBuffer()}, counted against {@code subpartition} until recycled.
   *
   * @throws IllegalStateException if the pool is destroyed
   */
  Buffer requestBuffer(int subpartition);

  /**
   * Waits until a buffer is available.
   *
   * @throws InterruptedException if interrupted while waiting (the interrupt flag is cleared)
   * @throws IllegalStateException if the pool is destroyed before or while waiting
   */
  Buffer requestBufferBlocking(int subpartition) throws InterruptedException;

  /**
   * Waits up to {@code timeout} for a buffer.
   *
   * @return the buffer, or {@code null} if none came in time
   * @throws InterruptedException if interrupted while waiting
   * @throws IllegalStateException if the pool is destroyed before or while waiting
   */
  Buffer requestBufferBlocking(int subpartition, long timeout, TimeUnit unit)
      throws InterruptedException;

  /** A {@link BufferBuilder} over a new buffer for {@code subpartition}, or {@code null}. */
  BufferBuilder requestBufferBuilder(int subpartition);

  /** As {@link #requestBufferBuilder}, waiting for a buffer. */
  BufferBuilder requestBufferBuilderBlocking(int subpartition) throws InterruptedException;

  /** Whether a buffer is ready and no subpartition holds its maximum (or the pool is destroyed). */
  boolean isAvailable();

  /**
   * A future that completes when the pool {@linkplain #isAvailable() is available} (at once if it
   * is); each call returns a new dependent future, so completing it does not affect the pool.
   */
  CompletableFuture<Void> availableFuture();

  /**
   * Registers a listener for the next buffer.
   *
   * @return {@code true} if registered; {@code false} if the pool has a buffer now (request it)
   *     or is destroyed
   */
  boolean addBufferListener(BufferListener listener);

  /**
   * Destroys the pool: its free segments go back to the global pool, waiting requests fail and
   * listeners hear {@link BufferListener#notifyBufferDestroyed()}. Buffers in use go back to the
   * global pool when recycled. Idempotent.
   */
  void destroy();

  /** Whether {@link #destroy()} was called. */
  boolean isDestroyed();

  /** The number of buffers the global pool guarantees this pool. */
  int numberOfRequiredBuffers();

  /** The most buffers this pool may hold (without overdraft). */
  int maxNumberOfBuffers();

  /** The current size set by the global pool, from required to max. */
  int poolSize();

  /** Segments taken from the global pool and not given back (free here or in use), without overdraft. */
  int numberOfRequestedBuffers();

  /** Overdraft buffers in use. */
  int numberOfOverdraftBuffers();

  /** Free segments held by this pool now. */
  int numberOfAvailableBuffers();
}
