package io.memflow.managed;

import java.util.Map;

/**
 * A read-only snapshot of a {@link MemoryManager}'s accounting, from {@link
 * MemoryManager#metrics()}. Immutable. Each owner's figures are consistent with each other; the
 * manager-wide figures and the owners are read one after the other, so under concurrent use they
 * may differ by the requests in flight.
 *
 * @param budgetBytes the manager's whole budget
 * @param pageSize the size of every page
 * @param usedBytes bytes of pages handed out and not released
 * @param reservedBytes bytes reserved and not released (including shared resources)
 * @param availableBytes the free budget: {@code budget - used - reserved} at the time of reading
 * @param peakBytes the highest {@code used + reserved} since the manager was built
 * @param waitingRequests requests queued under {@link AllocationPolicy#FIFO_WAIT}
 * @param owners the owners holding pages or reservations, by owner
 */
public record MemoryManagerMetrics(
    long budgetBytes,
    int pageSize,
    long usedBytes,
    long reservedBytes,
    long availableBytes,
    long peakBytes,
    int waitingRequests,
    Map<Object, OwnerMetrics> owners) {

  /** Copies {@code owners} into an unmodifiable map. */
  public MemoryManagerMetrics {
    owners = Map.copyOf(owners);
  }

  /** The figures of {@code owner}, or all zero if it holds nothing. */
  public OwnerMetrics owner(Object owner) {
    return owners.getOrDefault(owner, new OwnerMetrics(owner, 0, 0, 0, 0));
  }

  /**
   * What one owner holds. An owner appears in the metrics while it holds pages or reservations;
   * its peak covers that period.
   *
   * @param owner the owner
   * @param pages the number of pages it holds
   * @param usedBytes the bytes of those pages
   * @param reservedBytes the bytes it has reserved
   * @param peakBytes the highest {@code used + reserved} of this owner
   */
  public record OwnerMetrics(
      Object owner, long pages, long usedBytes, long reservedBytes, long peakBytes) {}
}
