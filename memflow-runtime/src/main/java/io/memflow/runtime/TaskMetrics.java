package io.memflow.runtime;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Counters of one subtask. Single writer (the task's thread, with release stores that cost no
 * fence on x86), any number of readers (the progress monitor) that see recent values.
 */
final class TaskMetrics {

  private final AtomicLong recordsIn = new AtomicLong();
  private final AtomicLong bytesIn = new AtomicLong();
  private final AtomicLong recordsOut = new AtomicLong();
  private final AtomicLong bytesOut = new AtomicLong();
  private final AtomicLong startNanos = new AtomicLong();
  private final AtomicLong endNanos = new AtomicLong();

  void start() {
    startNanos.set(System.nanoTime());
  }

  void end() {
    endNanos.set(System.nanoTime());
  }

  void recordIn(long bytes) {
    recordsIn.lazySet(recordsIn.get() + 1);
    bytesIn.lazySet(bytesIn.get() + bytes);
  }

  void recordOut(long bytes) {
    recordsOut.lazySet(recordsOut.get() + 1);
    bytesOut.lazySet(bytesOut.get() + bytes);
  }

  /** Counts a row that left the task without an exchange (a sink's or the last stage's output). */
  void recordOut() {
    recordsOut.lazySet(recordsOut.get() + 1);
  }

  long recordsIn() {
    return recordsIn.get();
  }

  long bytesIn() {
    return bytesIn.get();
  }

  long recordsOut() {
    return recordsOut.get();
  }

  long bytesOut() {
    return bytesOut.get();
  }

  /** System.nanoTime() at start, 0 if not started. */
  long startNanos() {
    return startNanos.get();
  }

  /** System.nanoTime() at end, 0 while running. */
  long endNanos() {
    return endNanos.get();
  }
}
