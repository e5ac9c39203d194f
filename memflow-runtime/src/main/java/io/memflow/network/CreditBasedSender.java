package io.memflow.network;

/**
 * Moves buffers from one {@link ResultSubpartition} to one {@link InputChannel}, only as far as
 * the channel's announced credit goes: one credit is one empty buffer the receiver holds, so a
 * send never waits for memory on the receiving side. Each buffer carries the subpartition's
 * backlog so the receiver can ask for floating buffers ahead of time.
 *
 * <p>Thread-safe: the producer (after adding or flushing) and the consumer (after announcing
 * credit) both call {@link #trySend()}; one monitor serialises the sends, so buffers of a
 * subpartition arrive in order. A send re-entered from the same thread (a credit announced
 * while a send is in progress) only adds credit; the outer loop uses it.
 */
final class CreditBasedSender {

  private final ResultSubpartition subpartition;
  private final InputChannel channel;
  private int credit;
  private boolean sending;

  CreditBasedSender(ResultSubpartition subpartition, InputChannel channel) {
    this.subpartition = subpartition;
    this.channel = channel;
  }

  /** The receiver announces {@code n} more empty buffers. */
  synchronized void addCredit(int n) {
    credit += n;
    trySend();
  }

  /** Sends while there is credit and data. */
  synchronized void trySend() {
    if (sending) {
      return;
    }
    sending = true;
    try {
      while (credit > 0) {
        Buffer data = subpartition.poll();
        if (data == null) {
          return;
        }
        credit--;
        channel.receive(data, subpartition.backlog());
      }
    } finally {
      sending = false;
    }
  }

  synchronized int credit() {
    return credit;
  }
}
