package io.memflow.managed;

/**
 * {@link AllocationPolicy#LRU_RECLAIM}: when the budget is short, registered consumers other than
 * the requester are asked, least recently used first, to give back what the request still lacks,
 * until it fits; if they cannot, the request fails. A consumer is used when it allocates pages,
 * reserves memory or is {@linkplain MemoryManager#touch touched}. No lock is held while a
 * consumer reclaims; the bytes it returns go to the budget, where a concurrent request may take
 * them first, in which case this request asks the next consumer.
 */
final class LruStrategy implements Strategy {

  private final Budget budget;
  private final Accounts accounts;
  private final Consumers consumers;

  LruStrategy(Budget budget, Accounts accounts, Consumers consumers) {
    this.budget = budget;
    this.accounts = accounts;
    this.consumers = consumers;
  }

  @Override
  public void acquire(Object owner, long bytes) throws MemoryAllocationException {
    if (budget.tryAcquire(bytes)) {
      return;
    }
    Strategy.checkFitsBudget(budget, accounts, owner, bytes);
    RuntimeException failures = null;
    for (Consumers.Candidate candidate : consumers.leastRecentlyUsedFirst(owner, accounts)) {
      failures = Reclaiming.ask(candidate.registration(), bytes - budget.available(), failures);
      if (budget.tryAcquire(bytes)) {
        return;
      }
    }
    throw accounts.failure(
        "not enough managed memory after asking every other consumer to reclaim", owner, bytes, failures);
  }
}
