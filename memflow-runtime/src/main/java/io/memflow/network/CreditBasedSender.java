package io.memflow.network;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Moves buffers from one {@link ResultSubpartition} to one {@link InputChannel}, only as far as
 * the channel's announced credit goes: one credit is one empty buffer the receiver holds, so a
 * send never waits for memory on the receiving side. Each buffer carries the subpartition's
 * backlog so the receiver can ask for floating buffers ahead of time.
 *
 * <p><b>Threads.</b> The consumer pulls: the gate's consumer thread calls {@link #trySend()} when
 * it finds a channel empty and {@link #addCredit} when it announces credit, and does the copy.
 * The producer only calls {@link #dataAvailable()}, which wakes the consumer; it never copies and
 * never waits for the consumer. {@code trySend} is still safe from any thread: a counter of
 * requests elects one sender at a time (the thread that moves it from zero sends; one that finds
 * it above zero leaves its request, and the sender goes round again for it), so nothing is
 * stranded and buffers of a subpartition arrive in order.
 */
final class CreditBasedSender {

  private final ResultSubpartition subpartition;
  private final InputChannel channel;
  private final AtomicInteger credit = new AtomicInteger();
  private final AtomicInteger requests = new AtomicInteger();

  CreditBasedSender(ResultSubpartition subpartition, InputChannel channel) {
    this.subpartition = subpartition;
    this.channel = channel;
  }

  /** The receiver announces {@code n} more empty buffers. */
  void addCredit(int n) {
    credit.addAndGet(n);
    trySend();
  }

  /** Producer: a buffer was finished or flushed; wakes the consumer, which pulls it. */
  void dataAvailable() {
    channel.dataAvailable();
  }

  /** Sends while there is credit and data, unless another thread is sending (it sends for us). */
  void trySend() {
    if (requests.getAndIncrement() != 0) {
      return;
    }
    int served = 1;
    try {
      do {
        sendWhileCredit();
        served = requests.addAndGet(-served);
      } while (served != 0);
    } catch (RuntimeException | Error e) {
      requests.set(0); // a failed send must not leave the next caller thinking one is running
      throw e;
    }
  }

  private void sendWhileCredit() {
    while (credit.get() > 0) {
      Buffer data = subpartition.poll();
      if (data == null) {
        return;
      }
      credit.decrementAndGet();
      channel.receive(data, subpartition.backlog());
    }
  }

  int credit() {
    return credit.get();
  }
}
