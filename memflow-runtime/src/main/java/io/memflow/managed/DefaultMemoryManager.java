package io.memflow.managed;

import io.memflow.memory.MemorySegment;
import io.memflow.memory.MemoryType;
import io.memflow.memory.PageAllocator;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.RandomAccess;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

/**
 * The {@link MemoryManager}: an atomic {@link Budget}, the owners' {@link Accounts}, a {@link
 * Strategy} for the policy, registered {@link Consumers} and {@link SharedResources}.
 *
 * <p><b>Idea.</b> A request first takes its bytes from the budget (through the strategy, which
 * may wait or reclaim), then allocates fresh pages from the {@link PageAllocator} outside every
 * lock, then records them in the owner's account. A release frees the page under the account's
 * monitor, then returns the bytes to the budget and lets the strategy serve waiters. So {@code
 * used + reserved <= budget} always holds, and native memory in use never exceeds the budget.
 *
 * <p><b>Why fresh pages, not a pool.</b> Pages and reservations share one budget: a consumer
 * that reserves (a native state store) allocates the memory itself. A pool keeping released pages
 * would hold native memory that the budget counts as free, so the process could use the budget
 * twice. Fresh pages cost one {@code malloc}/{@code free} pair each, and idle managed memory
 * costs nothing, as in Flink.
 */
final class DefaultMemoryManager implements MemoryManager {

  private final long budgetBytes;
  private final PageAllocator pages;
  private final AllocationPolicy policy;
  private final Budget budget;
  private final Accounts accounts;
  private final Consumers consumers = new Consumers();
  private final Strategy strategy;
  private final SharedResources sharedResources;
  private final boolean tracksUse;
  private final AtomicBoolean closed = new AtomicBoolean();

  DefaultMemoryManager(
      long budgetBytes, int pageSize, MemoryType type, AllocationPolicy policy, long maxWaitNanos) {
    this.budgetBytes = budgetBytes;
    this.pages = PageAllocator.of(type, pageSize);
    this.policy = policy;
    this.budget = new Budget(budgetBytes);
    this.accounts = new Accounts(budget, pageSize);
    this.strategy = Strategy.of(policy, budget, accounts, consumers, maxWaitNanos);
    this.sharedResources = new SharedResources(this);
    this.tracksUse = policy == AllocationPolicy.LRU_RECLAIM;
  }

  // ---------------------------------------------------------------- pages

  @Override
  public void allocatePages(Object owner, Collection<MemorySegment> target, int numberOfPages)
      throws MemoryAllocationException {
    Objects.requireNonNull(target, "target");
    if (target instanceof List<MemorySegment> list && list instanceof RandomAccess) {
      checkRequest(owner, numberOfPages);
      grant(owner, list, numberOfPages); // straight into the caller's list
      return;
    }
    List<MemorySegment> allocated = allocatePages(owner, numberOfPages);
    try {
      target.addAll(allocated);
    } catch (RuntimeException e) {
      release(allocated);
      throw e;
    }
  }

  @Override
  public List<MemorySegment> allocatePages(Object owner, int numberOfPages)
      throws MemoryAllocationException {
    checkRequest(owner, numberOfPages);
    List<MemorySegment> allocated = new ArrayList<>(numberOfPages);
    grant(owner, allocated, numberOfPages);
    return allocated;
  }

  /**
   * Acquires the budget of {@code numberOfPages} pages (as the policy says), allocates them at
   * the end of {@code into} and records them as {@code owner}'s. On failure {@code into} is as
   * before and nothing stays acquired.
   */
  private void grant(Object owner, List<MemorySegment> into, int numberOfPages)
      throws MemoryAllocationException {
    if (numberOfPages == 0) {
      return;
    }
    long bytes = (long) numberOfPages * pages.pageSize();
    strategy.acquire(owner, bytes);
    int start = into.size();
    try {
      pages.allocate(owner, numberOfPages, into);
    } catch (RuntimeException | Error e) {
      List<MemorySegment> partial = into.subList(start, into.size());
      if (!partial.isEmpty()) {
        partial.forEach(MemorySegment::free); // the batches before the one that failed
        partial.clear();
      }
      giveBack(bytes);
      throw e;
    }
    accounts.addPages(owner, into, start, into.size());
    afterGrant(owner);
  }

  @Override
  public void release(MemorySegment page) {
    Objects.requireNonNull(page, "page");
    if (accounts.releasePage(page)) {
      giveBack(pages.pageSize());
    }
  }

  @Override
  public void release(Collection<MemorySegment> pagesToRelease) {
    List<MemorySegment> list = pagesToRelease instanceof List<MemorySegment> l && l instanceof RandomAccess
        ? l : new ArrayList<>(pagesToRelease);
    int freed = accounts.releasePages(list);
    giveBack((long) freed * pages.pageSize());
    List<MemorySegment> foreign = freed == list.size() ? List.of() : alive(list);
    if (!foreign.isEmpty()) {
      throw new IllegalArgumentException(
          foreign.size() + " of " + pagesToRelease.size()
              + " pages were not allocated by this memory manager (the others were released): "
              + foreign);
    }
    pagesToRelease.clear();
  }

  @Override
  public void releaseAll(Object owner) {
    giveBack(accounts.releaseAllPages(Objects.requireNonNull(owner, "owner")));
  }

  // ---------------------------------------------------------------- reservations

  @Override
  public void reserveMemory(Object owner, long bytes) throws MemoryAllocationException {
    checkOwner(owner);
    checkBytes(bytes);
    checkOpen();
    if (bytes == 0) {
      return;
    }
    strategy.acquire(owner, bytes);
    accounts.addReserved(owner, bytes);
    afterGrant(owner);
  }

  @Override
  public void releaseMemory(Object owner, long bytes) {
    checkOwner(owner);
    checkBytes(bytes);
    if (bytes > 0) {
      accounts.releaseReserved(owner, bytes);
      giveBack(bytes);
    }
  }

  @Override
  public void releaseAllMemory(Object owner) {
    giveBack(accounts.releaseAllReserved(Objects.requireNonNull(owner, "owner")));
  }

  @Override
  public <T> SharedResource<T> getSharedResource(
      String type, long bytesToReserve, SharedResource.Initializer<T> initializer) throws Exception {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(initializer, "initializer");
    checkBytes(bytesToReserve);
    checkOpen();
    return sharedResources.lease(type, bytesToReserve, initializer);
  }

  // ---------------------------------------------------------------- consumers

  @Override
  public void registerConsumer(Object owner, Reclaimable reclaimable) {
    registerConsumer(owner, 1, reclaimable);
  }

  @Override
  public void registerConsumer(Object owner, int weight, Reclaimable reclaimable) {
    consumers.register(owner, weight, reclaimable);
  }

  @Override
  public void unregisterConsumer(Object owner) {
    consumers.unregister(Objects.requireNonNull(owner, "owner"));
  }

  @Override
  public void touch(Object owner) {
    consumers.touch(Objects.requireNonNull(owner, "owner"));
  }

  // ---------------------------------------------------------------- sizes and accounting

  @Override
  public long budget() {
    return budgetBytes;
  }

  @Override
  public int pageSize() {
    return pages.pageSize();
  }

  @Override
  public MemoryType memoryType() {
    return pages.type();
  }

  @Override
  public AllocationPolicy policy() {
    return policy;
  }

  @Override
  public long availableMemory() {
    return budget.available();
  }

  @Override
  public int computeNumberOfPages(double fraction) {
    return (int) (computeMemorySize(fraction) / pages.pageSize());
  }

  @Override
  public long computeMemorySize(double fraction) {
    if (!(fraction > 0 && fraction <= 1)) {
      throw new IllegalArgumentException("fraction=" + fraction + " must be in (0, 1]");
    }
    return (long) Math.floor(budgetBytes * fraction);
  }

  @Override
  public MemoryManagerMetrics metrics() {
    List<MemoryManagerMetrics.OwnerMetrics> owners = accounts.snapshot();
    long used = 0;
    long reserved = 0;
    for (MemoryManagerMetrics.OwnerMetrics owner : owners) {
      used += owner.usedBytes();
      reserved += owner.reservedBytes();
    }
    // An owner's account retired and replaced while the snapshot runs may be seen twice: one
    // owner, two accounts, whose holdings add up.
    Map<Object, MemoryManagerMetrics.OwnerMetrics> byOwner = owners.stream().collect(Collectors.toMap(
        MemoryManagerMetrics.OwnerMetrics::owner, o -> o, DefaultMemoryManager::combine));
    return new MemoryManagerMetrics(
        budgetBytes, pages.pageSize(), used, reserved, budget.available(), budget.peak(),
        strategy.waiting(), byOwner);
  }

  private static MemoryManagerMetrics.OwnerMetrics combine(
      MemoryManagerMetrics.OwnerMetrics a, MemoryManagerMetrics.OwnerMetrics b) {
    return new MemoryManagerMetrics.OwnerMetrics(a.owner(), a.pages() + b.pages(),
        a.usedBytes() + b.usedBytes(), a.reservedBytes() + b.reservedBytes(),
        Math.max(a.peakBytes(), b.peakBytes()));
  }

  @Override
  public boolean verifyEmpty() {
    return budget.used() == 0 && accounts.snapshot().isEmpty();
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    strategy.close();
    List<MemoryManagerMetrics.OwnerMetrics> outstanding = accounts.drainAll();
    if (!outstanding.isEmpty()) {
      throw new IllegalStateException(
          "closing " + this + " with managed memory outstanding (now freed): "
              + outstanding.stream().map(DefaultMemoryManager::describe).collect(Collectors.joining("; ")));
    }
  }

  @Override
  public String toString() {
    return "MemoryManager[budget=" + budgetBytes + ", pageSize=" + pages.pageSize() + ", "
        + pages.type() + ", " + policy + "]";
  }

  // ---------------------------------------------------------------- helpers

  /** The pages of {@code pages} not freed: after a release, those no account of this manager held. */
  private static List<MemorySegment> alive(List<MemorySegment> pages) {
    List<MemorySegment> alive = new ArrayList<>();
    for (MemorySegment page : pages) {
      if (!page.isFreed()) {
        alive.add(page);
      }
    }
    return alive;
  }

  private void afterGrant(Object owner) {
    if (closed.get()) {
      releaseAll(owner);
      releaseAllMemory(owner);
      throw new IllegalStateException(this + " was closed during the request of owner=" + owner);
    }
    if (tracksUse) {
      consumers.touch(owner);
    }
  }

  private void giveBack(long bytes) {
    if (bytes > 0) {
      budget.release(bytes);
      strategy.released();
    }
  }

  private void checkRequest(Object owner, int numberOfPages) {
    checkOwner(owner);
    if (numberOfPages < 0) {
      throw new IllegalArgumentException("numberOfPages=" + numberOfPages + " must not be negative");
    }
    checkOpen();
  }

  private void checkOpen() {
    if (closed.get()) {
      throw new IllegalStateException(this + " is closed");
    }
  }

  private static void checkOwner(Object owner) {
    Objects.requireNonNull(owner, "owner");
  }

  private static void checkBytes(long bytes) {
    if (bytes < 0) {
      throw new IllegalArgumentException("bytes=" + bytes + " must not be negative");
    }
  }

  private static String describe(MemoryManagerMetrics.OwnerMetrics owner) {
    return "owner=" + owner.owner() + " pages=" + owner.pages() + " (" + owner.usedBytes()
        + " bytes) reserved=" + owner.reservedBytes();
  }
}
