package io.memflow.network;

/**
 * Moves buffers from one {@link ResultSubpartition} to one {@link InputChannel}, only as far as
 * the channel's announced credit goes: one credit is one empty buffer the receiver holds, so a
 * send never waits for memory on the receiving side. Each buffer carries the subpartition's
 * backlog so the receiver can ask for floating buffers ahead of time.
 *
 * <p><b>Threads.</b> The consumer pulls: {@link #addCredit} and {@link #trySend()} run on the
 * thread that owns the gate (the one that creates it, then its consumer thread, handed over with
 * happens-before, as a task thread is started), which also does the copy. The producer only calls
 * {@link #dataAvailable()}, which wakes the consumer; it never copies and never waits for the
 * consumer. So the sender needs no lock, and buffers of a subpartition arrive in order.
 */
final class CreditBasedSender {

  private final ResultSubpartition subpartition;
  private final InputChannel channel;
  private int credit;

  CreditBasedSender(ResultSubpartition subpartition, InputChannel channel) {
    this.subpartition = subpartition;
    this.channel = channel;
  }

  /** Gate's thread: the receiver announces {@code n} more empty buffers. */
  void addCredit(int n) {
    credit += n;
    trySend();
  }

  /** Producer's thread: a buffer was finished or flushed; wakes the consumer, which pulls it. */
  void dataAvailable() {
    channel.dataAvailable();
  }

  /** Gate's thread: sends while there is credit and data. */
  void trySend() {
    while (credit > 0) {
      Buffer data = subpartition.poll();
      if (data == null) {
        return;
      }
      credit--;
      channel.receive(data, subpartition.backlog());
    }
  }
}
