package io.memflow.network;

import java.util.ArrayDeque;

/**
 * The receiving end of one subpartition inside an {@link InputGate}. It holds empty buffers from
 * the gate's pool as credit: {@value #EXCLUSIVE_BUFFERS} always, plus one more per buffer in the
 * sender's backlog (floating buffers, requested without blocking, or through a {@link
 * BufferListener} when the pool is empty). A received buffer is a copy of the sent one in a credit
 * buffer; the task releases it to the gate's pool.
 *
 * <p>Thread-safe. Credit is announced to the sender only by the gate's consumer thread, holding no
 * lock (see {@link InputGate}); the listener callback only records it, so no lock is held while
 * another channel's sender runs.
 */
final class InputChannel implements BufferListener {

  /** Credit a channel keeps even without backlog, as Flink's exclusive buffers per channel. */
  static final int EXCLUSIVE_BUFFERS = 2;

  private final InputGate gate;
  private final int index;
  private final BufferPool pool;
  private final ArrayDeque<Buffer> free = new ArrayDeque<>();
  private final ArrayDeque<Buffer> received = new ArrayDeque<>();
  private CreditBasedSender sender;
  private int unannouncedCredit;
  private int backlog;
  private boolean listening;
  private boolean ended;
  private boolean released;

  InputChannel(InputGate gate, int index, BufferPool pool) {
    this.gate = gate;
    this.index = index;
    this.pool = pool;
  }

  void connect(CreditBasedSender sender) {
    this.sender = sender;
  }

  int index() {
    return index;
  }

  // ---------------------------------------------------------------- sender side

  /** Producer: the subpartition has something to send; wakes the consumer, which pulls it. */
  void dataAvailable() {
    gate.wakeUp();
  }

  /** Pulls what the sender has for the credit announced, on the calling (consumer) thread. */
  void pull() {
    sender.trySend();
  }

  /**
   * Called by the sender (which owns {@code data}) with credit, on the gate's own thread, which
   * polls right after: copies into a credit buffer.
   */
  void receive(Buffer data, int senderBacklog) {
    synchronized (this) {
      if (released) {
        data.release();
        return;
      }
      Buffer target = free.poll();
      if (target == null) {
        data.release();
        throw new IllegalStateException("channel " + index + " received a buffer without credit");
      }
      copy(data, target);
      received.add(target);
      backlog = senderBacklog;
    }
    data.release();
    topUp();
  }

  private static void copy(Buffer data, Buffer target) {
    target.setDataType(data.dataType());
    data.segment().copyTo(data.offset(), target.segment(), target.offset(), data.size());
    target.setWriterIndex(data.size());
  }

  // ---------------------------------------------------------------- credit

  /** Requests floating buffers until the credit covers {@code EXCLUSIVE + backlog}. */
  void topUp() {
    while (true) {
      synchronized (this) {
        if (released || listening || free.size() >= EXCLUSIVE_BUFFERS + backlog) {
          return;
        }
      }
      Buffer buffer;
      try {
        buffer = pool.requestBuffer();
      } catch (IllegalStateException destroyed) {
        return; // the gate closed meanwhile
      }
      if (buffer == null) {
        synchronized (this) {
          listening = !released && !pool.isDestroyed() && pool.addBufferListener(this);
          if (listening || released || pool.isDestroyed()) {
            return;
          }
        }
        continue; // the pool got a buffer meanwhile
      }
      addCredit(buffer);
    }
  }

  private synchronized void addCredit(Buffer buffer) {
    if (released) {
      buffer.release();
      return;
    }
    free.add(buffer);
    unannouncedCredit++;
  }

  @Override
  public boolean notifyBufferAvailable(Buffer buffer) {
    boolean wantsMore;
    synchronized (this) {
      listening = false;
      addCredit(buffer);
      wantsMore = !released && free.size() < EXCLUSIVE_BUFFERS + backlog;
      listening = wantsMore;
    }
    gate.wakeUp();
    return wantsMore;
  }

  @Override
  public synchronized void notifyBufferDestroyed() {
    listening = false;
  }

  /** Consumer thread, no lock held: tells the sender about new credit. */
  void announceCredit() {
    int n;
    synchronized (this) {
      n = unannouncedCredit;
      unannouncedCredit = 0;
    }
    if (n > 0) {
      sender.addCredit(n);
    }
  }

  // ---------------------------------------------------------------- consumer side

  /** The next received buffer, or {@code null}. */
  synchronized Buffer poll() {
    return received.poll();
  }

  synchronized void markEnded() {
    ended = true;
  }

  synchronized boolean isEnded() {
    return ended;
  }

  synchronized int backlog() {
    return backlog;
  }

  /** Releases every buffer it holds; later receipts are dropped. */
  void release() {
    ArrayDeque<Buffer> toRelease = new ArrayDeque<>();
    synchronized (this) {
      released = true;
      toRelease.addAll(free);
      toRelease.addAll(received);
      free.clear();
      received.clear();
    }
    toRelease.forEach(Buffer::release);
  }
}
