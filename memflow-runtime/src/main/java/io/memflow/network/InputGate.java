package io.memflow.network;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The consumer side of a local exchange: reads one subpartition of each of several {@link
 * ResultPartition}s (one channel per producer) with credit-based flow control.
 *
 * <p><b>Flow control.</b> Each channel announces credit, the empty buffers it holds; the
 * producer side sends a buffer only against a credit, so data never waits for memory on the
 * consumer side, and a slow consumer stops its producers through their own pools (backpressure).
 * Every sent buffer carries the backlog of its subpartition; a channel with backlog asks the
 * gate's pool for floating buffers ahead of time. Buffers of one channel arrive in the order they
 * were written; channels are served round robin.
 *
 * <p><b>Memory.</b> The gate has its own {@link BufferPool}: required {@code 2 * channels}
 * (the exclusive credit), max {@code 2 * channels + 8} (8 floating), as in Flink.
 *
 * <p><b>Threads and ownership.</b> One consumer thread calls {@link #pollNext()}, {@link
 * #getNext()} and {@link #close()}; it owns each delivered buffer and releases it. It also does
 * the sending: a channel found empty pulls from its producer's subpartition, copying into its
 * credit buffers. Producers' threads only wake the consumer (a counter; an unpark only when the
 * consumer is parked), so a producer never waits for a consumer's copy.
 */
public final class InputGate implements AutoCloseable {

  /** Floating buffers per gate beyond the exclusive ones, Flink's default. */
  public static final int FLOATING_BUFFERS = 8;

  /** A buffer delivered on a channel (the index of its producer in the gate's list). */
  public record Delivery(int channel, Buffer buffer) {}

  private final BufferPool pool;
  private final List<InputChannel> channels = new ArrayList<>();
  private final AtomicLong wakeUps = new AtomicLong();
  /** The consumer thread while it is parked (or about to park) in {@link #awaitWakeUp}, else null. */
  private volatile Thread waiter;
  private int next;
  private boolean closed;

  private InputGate(BufferPool pool) {
    this.pool = pool;
  }

  /** The buffers a gate of {@code channels} channels requires from the global pool. */
  public static int requiredBuffers(int channels) {
    return InputChannel.EXCLUSIVE_BUFFERS * channels;
  }

  /**
   * A gate reading subpartition {@code subpartition} of every producer in {@code producers}.
   *
   * @throws InsufficientNetworkBuffersException if the gate's pool does not fit
   */
  public static InputGate create(NetworkBufferPool global, int subpartition, List<ResultPartition> producers) {
    int c = producers.size();
    if (c == 0) {
      throw new IllegalArgumentException("an input gate needs at least one producer");
    }
    BufferPool pool = global.bufferPool(requiredBuffers(c),
        InputChannel.EXCLUSIVE_BUFFERS * c + FLOATING_BUFFERS).maxOverdraftBuffers(0).create();
    InputGate gate = new InputGate(pool);
    try {
      for (int i = 0; i < c; i++) {
        InputChannel channel = new InputChannel(gate, i, pool);
        channel.connect(Objects.requireNonNull(producers.get(i)).attach(subpartition, channel));
        gate.channels.add(channel);
      }
    } catch (RuntimeException e) {
      pool.destroy();
      throw e;
    }
    gate.channels.forEach(InputChannel::topUp);
    gate.channels.forEach(InputChannel::announceCredit);
    return gate;
  }

  /**
   * The next data buffer of any channel, or {@code null} if none has arrived. End-of-partition
   * events are consumed here.
   */
  public Delivery pollNext() {
    checkOpen();
    for (InputChannel channel : channels) {
      channel.announceCredit();
    }
    for (int i = 0; i < channels.size(); i++) {
      InputChannel channel = channels.get(next);
      next = (next + 1) % channels.size();
      Delivery d = pollChannel(channel);
      if (d != null) {
        return d;
      }
    }
    return null;
  }

  private Delivery pollChannel(InputChannel channel) {
    Buffer buffer;
    while ((buffer = nextBuffer(channel)) != null) {
      channel.topUp();
      channel.announceCredit();
      if (buffer.isData()) {
        return new Delivery(channel.index(), buffer);
      }
      buffer.release(); // the only event of a local exchange: end of partition
      channel.markEnded();
    }
    return null;
  }

  /** A buffer the channel holds, or else one pulled from its sender now. */
  private static Buffer nextBuffer(InputChannel channel) {
    Buffer buffer = channel.poll();
    if (buffer == null) {
      channel.pull();
      buffer = channel.poll();
    }
    return buffer;
  }

  /**
   * Waits for the next data buffer.
   *
   * @return the delivery, or {@code null} once every channel reached the end of its partition
   */
  public Delivery getNext() throws InterruptedException {
    while (true) {
      long seen = wakeUps.get();
      Delivery d = pollNext();
      if (d != null) {
        return d;
      }
      if (isFinished()) {
        return null;
      }
      awaitWakeUp(seen);
    }
  }

  /**
   * Waits until {@link #wakeUp()} ran after {@code seen} was read. This thread publishes itself as
   * the waiter, then reads the counter; a waker increments the counter, then reads the waiter. Both
   * are volatile, so at least one sees the other's write: either the waker unparks this thread, or
   * this thread does not park. An unpark that comes late leaves a permit, which only makes a later
   * park return early to check the counter again. A waker that finds no waiter does nothing but
   * the increment (no lock, no system call), and one that finds it unparks it directly, without a
   * monitor to hand over.
   */
  private void awaitWakeUp(long seen) throws InterruptedException {
    waiter = Thread.currentThread();
    try {
      while (wakeUps.get() == seen) {
        if (Thread.interrupted()) {
          throw new InterruptedException("interrupted while waiting for input");
        }
        LockSupport.park(this);
      }
    } finally {
      waiter = null;
    }
  }

  /** Whether every channel reached the end of its partition. */
  public boolean isFinished() {
    for (InputChannel channel : channels) {
      if (!channel.isEnded()) {
        return false;
      }
    }
    return true;
  }

  /** The number of channels (producers). */
  public int numberOfChannels() {
    return channels.size();
  }

  /** The gate's buffer pool (metrics; the gate owns it). */
  public BufferPool bufferPool() {
    return pool;
  }

  /** Something arrived or credit is waiting to be announced: wakes the consumer. Any thread. */
  void wakeUp() {
    wakeUps.incrementAndGet();
    Thread parked = waiter;
    if (parked != null) {
      LockSupport.unpark(parked);
    }
  }

  /** Releases every buffer the channels hold and destroys the gate's pool. Idempotent. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    channels.forEach(InputChannel::release);
    pool.destroy();
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("input gate is closed");
    }
  }
}
