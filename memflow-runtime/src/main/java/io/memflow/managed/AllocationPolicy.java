package io.memflow.managed;

/**
 * What a {@link MemoryManager} does with a request that its free budget cannot meet. Chosen once
 * per manager; every policy serves a request at once when the free budget covers it.
 */
public enum AllocationPolicy {
  /**
   * Throw a {@link MemoryAllocationException} at once, naming the request, the free budget and
   * the owner's holdings. The hot path takes no lock.
   */
  FAIL,

  /**
   * Queue the request in arrival order and serve it when enough memory comes back, or fail it
   * after the manager's wait timeout or when the waiting thread is interrupted. No barging: while
   * any request waits, a new one queues behind it even if it would fit.
   */
  FIFO_WAIT,

  /**
   * Ask registered {@link Reclaimable} consumers, least recently used first, to spill or evict
   * until the request fits; fail if they cannot free enough.
   */
  LRU_RECLAIM,

  /**
   * Guarantee each registered consumer {@code weight / sum of registered weights} of the budget.
   * A consumer may borrow idle memory beyond its share; when a consumer asks for memory within its
   * guaranteed share and the budget is short, borrowers are asked to give back what they borrowed,
   * most borrowed first. A request beyond the requester's share that does not fit fails.
   */
  FAIR_SHARE
}
