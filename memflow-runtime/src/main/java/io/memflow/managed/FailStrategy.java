package io.memflow.managed;

/** {@link AllocationPolicy#FAIL}: a compare-and-set on the budget, and an exception if short. */
final class FailStrategy implements Strategy {

  private final Budget budget;
  private final Accounts accounts;

  FailStrategy(Budget budget, Accounts accounts) {
    this.budget = budget;
    this.accounts = accounts;
  }

  @Override
  public void acquire(Object owner, long bytes) throws MemoryAllocationException {
    if (!budget.tryAcquire(bytes)) {
      throw accounts.failure("not enough managed memory", owner, bytes, null);
    }
  }
}
