package io.memflow.managed;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The bytes of a manager's budget in use (pages and reservations together), as one atomic
 * counter: acquiring is a compare-and-set loop that never lets {@code used} exceed {@code total}.
 * Thread-safe and lock-free.
 */
final class Budget {

  private final long total;
  private final AtomicLong used = new AtomicLong();
  private final AtomicLong peak = new AtomicLong();

  Budget(long total) {
    this.total = total;
  }

  /** Takes {@code bytes} if that many are free; all or nothing. */
  boolean tryAcquire(long bytes) {
    long current;
    long next;
    do {
      current = used.get();
      next = current + bytes;
      if (next > total || next < 0) {
        return false;
      }
    } while (!used.compareAndSet(current, next));
    if (next > peak.get()) {
      peak.accumulateAndGet(next, Math::max);
    }
    return true;
  }

  /** Gives back {@code bytes} taken earlier. */
  void release(long bytes) {
    long after = used.addAndGet(-bytes);
    if (after < 0) {
      used.addAndGet(bytes);
      throw new IllegalStateException(
          "budget accounting broken: releasing " + bytes + " bytes would leave used=" + after);
    }
  }

  long total() {
    return total;
  }

  long used() {
    return used.get();
  }

  long available() {
    return total - used.get();
  }

  long peak() {
    return peak.get();
  }
}
