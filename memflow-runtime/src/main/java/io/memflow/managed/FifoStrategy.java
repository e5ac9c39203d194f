package io.memflow.managed;

import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * {@link AllocationPolicy#FIFO_WAIT}: requests the budget cannot meet wait in a queue, in arrival
 * order, and are served from its head as memory comes back.
 *
 * <p><b>Idea.</b> While nobody waits, a request is a compare-and-set on the budget, as under
 * {@code FAIL}. Once a request waits, every new request queues behind it (no barging: a small
 * late request never overtakes a large early one), and whoever returns memory serves the queue
 * from its head, granting each head request whose bytes now fit. A granted waiter owns its bytes
 * before it wakes. Since no request larger than the whole budget is admitted, the head is
 * eventually served once the owners ahead of it release, so nobody starves.
 *
 * <p><b>No lost wake-up.</b> A waiter increments {@code waiting} before its first attempt to
 * take from the budget (under the lock); a releaser adds to the budget before it reads {@code
 * waiting}. Both are sequentially consistent, so either the waiter sees the returned bytes or
 * the releaser sees the waiter and serves the queue.
 *
 * <p><b>Leaving the queue.</b> On timeout or interrupt the request leaves the queue and the next
 * head may fit, so the queue is served again. A request granted at the instant it was
 * interrupted keeps its bytes and the interrupt flag stays set.
 */
final class FifoStrategy implements Strategy {

  /** One queued request; {@code granted} and {@code closed} are guarded by the lock. */
  private static final class Waiter {
    final long bytes;
    final Condition served;
    boolean granted;
    boolean closed;

    Waiter(long bytes, Condition served) {
      this.bytes = bytes;
      this.served = served;
    }
  }

  private final Budget budget;
  private final Accounts accounts;
  private final long maxWaitNanos;
  private final ReentrantLock lock = new ReentrantLock();
  private final ArrayDeque<Waiter> queue = new ArrayDeque<>();
  private final AtomicInteger waiting = new AtomicInteger();
  private boolean closed;

  FifoStrategy(Budget budget, Accounts accounts, long maxWaitNanos) {
    this.budget = budget;
    this.accounts = accounts;
    this.maxWaitNanos = maxWaitNanos;
  }

  @Override
  public void acquire(Object owner, long bytes) throws MemoryAllocationException {
    if (waiting.get() == 0 && budget.tryAcquire(bytes)) {
      return;
    }
    Strategy.checkFitsBudget(budget, accounts, owner, bytes);
    lock.lock();
    try {
      Waiter waiter = enqueue(owner, bytes);
      await(owner, waiter);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void released() {
    if (waiting.get() > 0) {
      lock.lock();
      try {
        serveLocked();
      } finally {
        lock.unlock();
      }
    }
  }

  @Override
  public int waiting() {
    return waiting.get();
  }

  @Override
  public void close() {
    lock.lock();
    try {
      closed = true;
      for (Waiter waiter : queue) {
        waiter.closed = true;
        waiter.served.signal();
      }
      waiting.addAndGet(-queue.size());
      queue.clear();
    } finally {
      lock.unlock();
    }
  }

  private Waiter enqueue(Object owner, long bytes) throws MemoryAllocationException {
    if (closed) {
      throw accounts.failure("the memory manager is closed", owner, bytes, null);
    }
    Waiter waiter = new Waiter(bytes, lock.newCondition());
    queue.addLast(waiter);
    waiting.incrementAndGet();
    serveLocked();
    return waiter;
  }

  private void await(Object owner, Waiter waiter) throws MemoryAllocationException {
    long nanos = maxWaitNanos;
    try {
      while (!waiter.granted) {
        if (waiter.closed) {
          throw accounts.failure("the memory manager was closed while the request waited", owner, waiter.bytes, null);
        }
        if (nanos <= 0) {
          leave(waiter);
          throw accounts.failure(
              "timed out after " + TimeUnit.NANOSECONDS.toMillis(maxWaitNanos)
                  + " ms waiting for managed memory (" + queue.size() + " requests still waiting)",
              owner, waiter.bytes, null);
        }
        nanos = waiter.served.awaitNanos(nanos);
      }
    } catch (InterruptedException e) {
      if (waiter.granted) {
        Thread.currentThread().interrupt();
        return;
      }
      leave(waiter);
      Thread.currentThread().interrupt();
      throw accounts.failure("interrupted while waiting for managed memory", owner, waiter.bytes, e);
    }
  }

  /** Takes a waiter that gives up out of the queue; the next head may fit now. */
  private void leave(Waiter waiter) {
    if (queue.remove(waiter)) {
      waiting.decrementAndGet();
      serveLocked();
    }
  }

  /** Grants head requests in order while they fit. */
  private void serveLocked() {
    Waiter head;
    while ((head = queue.peekFirst()) != null && budget.tryAcquire(head.bytes)) {
      queue.pollFirst();
      waiting.decrementAndGet();
      head.granted = true;
      head.served.signal();
    }
  }
}
