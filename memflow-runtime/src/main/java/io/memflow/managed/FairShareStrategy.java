package io.memflow.managed;

/**
 * {@link AllocationPolicy#FAIR_SHARE}: each registered consumer is guaranteed {@code weight / sum
 * of registered weights} of the budget and may borrow idle memory beyond it.
 *
 * <p><b>Idea.</b> A request that fits the free budget is served, within the share or not
 * (borrowing). A request that does not fit is served only if it stays within the requester's
 * guaranteed share: the consumers holding more than their own share are asked, most borrowed
 * first, to give back what the request lacks, but never more than they borrowed, so reclaiming
 * never pushes anyone below its guarantee. Since the shares sum to at most the budget, borrowers
 * that comply always free enough. Owners that never registered have no share: everything they
 * hold is borrowed, but they cannot be asked to give it back. No lock is held while a consumer
 * reclaims.
 */
final class FairShareStrategy implements Strategy {

  private final Budget budget;
  private final Accounts accounts;
  private final Consumers consumers;

  FairShareStrategy(Budget budget, Accounts accounts, Consumers consumers) {
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
    long share = consumers.guaranteedShare(owner, budget.total());
    long held = accounts.held(owner);
    if (held + bytes > share) {
      throw accounts.failure(
          "not enough free managed memory and the request exceeds the owner's guaranteed share="
              + share + " (it holds " + held + ")",
          owner, bytes, null);
    }
    RuntimeException failures = null;
    for (Consumers.Candidate borrower : consumers.borrowersMostFirst(owner, accounts, budget.total())) {
      long lacking = Math.min(bytes - budget.available(), borrower.key());
      failures = Reclaiming.ask(borrower.registration(), lacking, failures);
      if (budget.tryAcquire(bytes)) {
        return;
      }
    }
    throw accounts.failure(
        "borrowers did not give back enough managed memory for the owner's guaranteed share=" + share,
        owner, bytes, failures);
  }
}
