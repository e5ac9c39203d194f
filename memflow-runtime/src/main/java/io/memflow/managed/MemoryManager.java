package io.memflow.managed;

import io.memflow.memory.MemorySegment;
import io.memflow.memory.MemorySegments;
import io.memflow.memory.MemoryType;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * The managed memory of one slot: a fixed budget of bytes lent to owners (tasks, operators) as
 * pages of one size, or as byte reservations for consumers that allocate on their own, under an
 * {@link AllocationPolicy} for requests the free budget cannot meet. Built with {@link
 * #builder()}.
 *
 * <p><b>Invariants.</b> {@code used + reserved <= budget} at every instant; every page and
 * reservation belongs to exactly one owner; releasing a page twice returns its memory once; a
 * page from another manager is rejected. Pages are allocated fresh for each request and freed on
 * release, so idle managed memory holds no native memory.
 *
 * <p><b>Ownership.</b> The owner of a page or reservation releases it: one page, a collection, or
 * everything of an owner at once ({@link #releaseAll}, {@link #releaseAllMemory}) when a task
 * ends, normally or by failure. {@link #close()} with anything outstanding throws, naming the
 * owners and what they hold.
 *
 * <p><b>Threads.</b> Thread-safe. Under {@link AllocationPolicy#FAIL} allocation and release take
 * no manager-wide lock.
 */
public interface MemoryManager extends AutoCloseable {

  /** A builder with a 32 KiB page size, off-heap pages and the {@link AllocationPolicy#FAIL} policy. */
  static Builder builder() {
    return new Builder();
  }

  // ---------------------------------------------------------------- pages

  /**
   * Allocates {@code numberOfPages} pages for {@code owner}, all or nothing, and adds them to
   * {@code target}.
   *
   * @throws MemoryAllocationException if the policy cannot serve the request; nothing is allocated
   * @throws IllegalStateException if the manager is closed
   */
  void allocatePages(Object owner, Collection<MemorySegment> target, int numberOfPages)
      throws MemoryAllocationException;

  /** As {@link #allocatePages(Object, Collection, int)}, returning the pages in a new list. */
  List<MemorySegment> allocatePages(Object owner, int numberOfPages) throws MemoryAllocationException;

  /**
   * Releases one page and frees it. Releasing a page that was already released does nothing.
   *
   * @throws IllegalArgumentException if the page was not allocated by this manager
   */
  void release(MemorySegment page);

  /**
   * Releases every page of {@code pages} (as {@link #release(MemorySegment)}), then clears the
   * collection, which must therefore be modifiable.
   *
   * @throws IllegalArgumentException after releasing the others, if some pages were not allocated
   *     by this manager (the collection is then left as it was)
   */
  void release(Collection<MemorySegment> pages);

  /** Releases every page of {@code owner}; its reservations stay. */
  void releaseAll(Object owner);

  // ---------------------------------------------------------------- reservations

  /**
   * Reserves {@code bytes} of the budget for {@code owner}, which allocates the memory on its
   * own (a native state store, a Python worker).
   *
   * @throws MemoryAllocationException if the policy cannot serve the request; nothing is reserved
   */
  void reserveMemory(Object owner, long bytes) throws MemoryAllocationException;

  /**
   * Returns {@code bytes} of {@code owner}'s reservation to the budget.
   *
   * @throws IllegalStateException if the owner has reserved less; nothing is released
   */
  void releaseMemory(Object owner, long bytes);

  /** Returns every reservation of {@code owner} to the budget; its pages stay. */
  void releaseAllMemory(Object owner);

  /**
   * Leases the shared resource of {@code type} in this manager, creating it with {@code
   * initializer} and a reservation of {@code bytesToReserve} if no lease is open. Later leases
   * share the same resource and reservation (their {@code bytesToReserve} is ignored).
   *
   * @throws MemoryAllocationException if the reservation cannot be made
   * @throws Exception whatever the initializer throws, after the reservation is released
   */
  <T> SharedResource<T> getSharedResource(
      String type, long bytesToReserve, SharedResource.Initializer<T> initializer) throws Exception;

  // ---------------------------------------------------------------- consumers (policies)

  /** As {@link #registerConsumer(Object, int, Reclaimable)} with weight 1. */
  void registerConsumer(Object owner, Reclaimable reclaimable);

  /**
   * Registers {@code owner} as a consumer: a candidate for reclaiming under {@link
   * AllocationPolicy#LRU_RECLAIM} and {@link AllocationPolicy#FAIR_SHARE}, and a holder of a
   * guaranteed share of {@code weight / sum of registered weights} under {@code FAIR_SHARE}.
   *
   * @throws IllegalArgumentException if the owner is already registered or the weight is below 1
   */
  void registerConsumer(Object owner, int weight, Reclaimable reclaimable);

  /** Unregisters a consumer; its pages and reservations stay. Does nothing if not registered. */
  void unregisterConsumer(Object owner);

  /**
   * Marks {@code owner} as used now, for {@link AllocationPolicy#LRU_RECLAIM}. Each allocation and
   * reservation of the owner counts as a use too.
   */
  void touch(Object owner);

  // ---------------------------------------------------------------- sizes and accounting

  /** The whole budget in bytes. */
  long budget();

  /** The size of every page in bytes. */
  int pageSize();

  /** Where the pages live. */
  MemoryType memoryType();

  /** The policy for requests the free budget cannot meet. */
  AllocationPolicy policy();

  /** The free budget in bytes, now. */
  long availableMemory();

  /**
   * The number of whole pages in {@code fraction} of the budget.
   *
   * @throws IllegalArgumentException unless {@code 0 < fraction <= 1}
   */
  int computeNumberOfPages(double fraction);

  /**
   * The bytes in {@code fraction} of the budget, rounded down.
   *
   * @throws IllegalArgumentException unless {@code 0 < fraction <= 1}
   */
  long computeMemorySize(double fraction);

  /** A snapshot of the accounting, per manager and per owner. */
  MemoryManagerMetrics metrics();

  /** Whether nothing is allocated or reserved: the whole budget is free and no owner holds anything. */
  boolean verifyEmpty();

  /**
   * Closes the manager. Anything still outstanding is freed (so native memory is not leaked) and
   * reported: the manager then throws. Waiting requests fail. Later requests throw {@link
   * IllegalStateException}; closing again does nothing.
   *
   * @throws IllegalStateException naming every owner with pages or reservations, and counts
   */
  @Override
  void close();

  /**
   * Builds a {@link MemoryManager}. Not thread-safe; {@link #build()} checks the options
   * together.
   */
  final class Builder {

    /** The default wait of {@link AllocationPolicy#FIFO_WAIT}: 30 seconds. */
    public static final Duration DEFAULT_MAX_WAIT = Duration.ofSeconds(30);

    private long budget = -1;
    private int pageSize = MemorySegments.DEFAULT_PAGE_SIZE;
    private MemoryType memoryType = MemoryType.OFF_HEAP;
    private AllocationPolicy policy = AllocationPolicy.FAIL;
    private Duration maxWait = DEFAULT_MAX_WAIT;

    private Builder() {}

    /** The budget in bytes (required), at least 0; it need not be a multiple of the page size. */
    public Builder budget(long bytes) {
      this.budget = bytes;
      return this;
    }

    /** The page size: a power of two from 4 KiB to 1 GiB; 32 KiB by default. */
    public Builder pageSize(int bytes) {
      this.pageSize = bytes;
      return this;
    }

    /** Heap or off-heap pages; off-heap by default. */
    public Builder memoryType(MemoryType type) {
      this.memoryType = Objects.requireNonNull(type, "memoryType");
      return this;
    }

    /** The policy for requests the free budget cannot meet; {@link AllocationPolicy#FAIL} by default. */
    public Builder policy(AllocationPolicy policy) {
      this.policy = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /** How long a request waits under {@link AllocationPolicy#FIFO_WAIT}; 30 seconds by default. */
    public Builder maxWait(Duration maxWait) {
      this.maxWait = Objects.requireNonNull(maxWait, "maxWait");
      return this;
    }

    /**
     * Builds the manager.
     *
     * @throws IllegalArgumentException if the budget is missing or negative, the page size is not
     *     a power of two from 4 KiB to 1 GiB, or the wait is negative
     */
    public MemoryManager build() {
      MemorySegments.checkPageSize(pageSize);
      if (budget < 0) {
        throw new IllegalArgumentException(
            "budget=" + budget + " must be set to at least 0 bytes, for example budget(64 << 20)");
      }
      if (maxWait.isNegative()) {
        throw new IllegalArgumentException("maxWait=" + maxWait + " must not be negative");
      }
      return new DefaultMemoryManager(budget, pageSize, memoryType, policy, maxWait.toNanos());
    }
  }
}
