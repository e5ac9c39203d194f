package io.memflow.managed;

/**
 * How a manager takes bytes from its {@link Budget} for a request: one implementation per {@link
 * AllocationPolicy}. Every strategy serves a request at once when the budget covers it and
 * differs only in what it does when the budget is short. Thread-safe.
 */
sealed interface Strategy permits FailStrategy, FifoStrategy, LruStrategy, FairShareStrategy {

  /**
   * Takes {@code bytes} from the budget for {@code owner}, or throws having taken nothing.
   *
   * @throws MemoryAllocationException if the request cannot be served under the policy
   */
  void acquire(Object owner, long bytes) throws MemoryAllocationException;

  /** Called after bytes went back to the budget, so that waiting requests can be served. */
  default void released() {}

  /** The number of requests waiting. */
  default int waiting() {
    return 0;
  }

  /** Fails every waiting request; called once when the manager closes. */
  default void close() {}

  static Strategy of(
      AllocationPolicy policy, Budget budget, Accounts accounts, Consumers consumers, long maxWaitNanos) {
    return switch (policy) {
      case FAIL -> new FailStrategy(budget, accounts);
      case FIFO_WAIT -> new FifoStrategy(budget, accounts, maxWaitNanos);
      case LRU_RECLAIM -> new LruStrategy(budget, accounts, consumers);
      case FAIR_SHARE -> new FairShareStrategy(budget, accounts, consumers);
    };
  }

  /** Fails a request larger than the whole budget, which no policy could ever serve. */
  static void checkFitsBudget(Budget budget, Accounts accounts, Object owner, long bytes)
      throws MemoryAllocationException {
    if (bytes > budget.total()) {
      throw accounts.failure("request exceeds the whole budget", owner, bytes, null);
    }
  }
}
