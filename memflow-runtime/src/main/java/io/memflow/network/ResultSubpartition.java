package io.memflow.network;

import java.util.ArrayDeque;

/**
 * One subpartition of a {@link ResultPartition}: the queue of {@link BufferConsumer}s the
 * producer filled, read by one {@link CreditBasedSender}. Only finished buffers are sent, and the
 * buffer under construction once a flush asked for it.
 *
 * <p>Thread-safe (one monitor); the producer adds, the sender polls.
 */
final class ResultSubpartition {

  private final ArrayDeque<BufferConsumer> queue = new ArrayDeque<>();
  private int finishedBuffers;
  private boolean flushRequested;
  private boolean released;

  /** Producer: a consumer for a new builder (not finished yet). */
  synchronized void add(BufferConsumer consumer) {
    if (released) {
      consumer.close();
      throw new IllegalStateException("subpartition released");
    }
    queue.add(consumer);
  }

  /** Producer: the last added consumer's builder finished. */
  synchronized void builderFinished() {
    finishedBuffers++;
  }

  /** Producer: send what is committed even if its buffer is not full. */
  synchronized void flush() {
    flushRequested = true;
  }

  /**
   * Sender: the next slice to send (one reference for the caller), or {@code null} if nothing
   * may be sent now. Skips empty finished buffers.
   */
  synchronized Buffer poll() {
    while (!queue.isEmpty()) {
      BufferConsumer head = queue.peek();
      boolean finished = head.isFinished();
      if (!finished && !(flushRequested && head.isDataAvailable())) {
        return null;
      }
      Buffer slice = head.build();
      if (finished && head.isFullyConsumed()) {
        queue.poll().close();
        finishedBuffers--;
      } else if (!finished) {
        flushRequested = false;
      }
      if (slice.size() > 0) {
        return slice;
      }
      slice.release();
    }
    return null;
  }

  /** Finished buffers not sent yet: the backlog reported to the receiver. */
  synchronized int backlog() {
    return finishedBuffers;
  }

  /** Closes every queued consumer; further adds fail. */
  synchronized void release() {
    released = true;
    for (BufferConsumer c; (c = queue.poll()) != null; ) {
      c.close();
    }
    finishedBuffers = 0;
  }
}
