package io.memflow.managed;

import io.memflow.memory.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The owners' {@link Account}s of one manager, by owner, and the bookkeeping between them and
 * the {@link Budget}. Thread-safe: a concurrent map of accounts, each guarded by its own monitor,
 * so owners never contend with each other on a manager-wide lock.
 */
final class Accounts {

  private final ConcurrentHashMap<Object, Account> accounts = new ConcurrentHashMap<>();
  private final Budget budget;
  private final int pageSize;
  private final Function<Object, Account> newAccount;

  Accounts(Budget budget, int pageSize) {
    this.budget = budget;
    this.pageSize = pageSize;
    this.newAccount = owner -> new Account(owner, pageSize);
  }

  /** Records freshly allocated pages {@code pages[from, to)} (already paid from the budget) as {@code owner}'s. */
  void addPages(Object owner, List<MemorySegment> pages, int from, int to) {
    Account account = accounts.computeIfAbsent(owner, newAccount);
    while (!account.addPages(pages, from, to)) {
      accounts.remove(owner, account);
      Thread.onSpinWait();
      account = accounts.computeIfAbsent(owner, newAccount);
    }
  }

  /** Records a reservation (already paid from the budget) as {@code owner}'s. */
  void addReserved(Object owner, long bytes) {
    while (!open(owner).addReserved(bytes)) {
      Thread.onSpinWait();
    }
  }

  /**
   * Releases and frees one page.
   *
   * @return whether the page was held here (false if it was released before)
   * @throws IllegalArgumentException if the page is alive and not held here
   */
  boolean releasePage(MemorySegment page) {
    Object owner = page.owner();
    Account account = owner == null ? null : accounts.get(owner);
    if (account != null && account.removeAndFree(page)) {
      return true;
    }
    if (page.isFreed()) {
      return false;
    }
    throw new IllegalArgumentException(
        page + " of owner=" + owner + " was not allocated by this memory manager");
  }

  /**
   * Releases and frees the pages of {@code pages}, one batch per run of pages with the same
   * owner. Pages released before are skipped, and so are pages not held here (they stay alive:
   * the caller finds them so).
   *
   * @return the number of pages freed
   */
  int releasePages(List<MemorySegment> pages) {
    int freed = 0;
    int n = pages.size();
    for (int from = 0, to; from < n; from = to) {
      Object owner = pages.get(from).owner();
      to = from + 1;
      while (to < n && pages.get(to).owner() == owner) {
        to++;
      }
      Account account = owner == null ? null : accounts.get(owner);
      freed += account == null ? 0 : account.removeAndFree(pages, from, to);
    }
    return freed;
  }

  /** Frees every page of {@code owner}; returns the bytes to give back to the budget. */
  long releaseAllPages(Object owner) {
    Account account = accounts.get(owner);
    if (account == null) {
      return 0;
    }
    long bytes = (long) account.freeAllPages() * pageSize;
    removeIfRetired(owner, account);
    return bytes;
  }

  /**
   * Takes {@code bytes} off {@code owner}'s reservation.
   *
   * @throws IllegalStateException if the owner has reserved less
   */
  void releaseReserved(Object owner, long bytes) {
    Account account = accounts.get(owner);
    if (account == null || !account.removeReserved(bytes)) {
      long reserved = account == null ? 0 : account.metrics().reservedBytes();
      throw new IllegalStateException(
          "cannot release " + bytes + " bytes of owner=" + owner + ": it has reserved " + reserved);
    }
  }

  /** Drops {@code owner}'s whole reservation; returns its bytes. */
  long releaseAllReserved(Object owner) {
    Account account = accounts.get(owner);
    if (account == null) {
      return 0;
    }
    long bytes = account.removeAllReserved();
    removeIfRetired(owner, account);
    return bytes;
  }

  /** The bytes {@code owner} holds in pages and reservations. */
  long held(Object owner) {
    Account account = accounts.get(owner);
    return account == null ? 0 : account.heldBytes();
  }

  /** The figures of every owner that holds something. */
  List<MemoryManagerMetrics.OwnerMetrics> snapshot() {
    List<MemoryManagerMetrics.OwnerMetrics> owners = new ArrayList<>();
    for (Account account : accounts.values()) {
      MemoryManagerMetrics.OwnerMetrics metrics = account.metrics();
      if (metrics.pages() > 0 || metrics.reservedBytes() > 0) {
        owners.add(metrics);
      }
    }
    return owners;
  }

  /** Frees and drops everything, returning it to the budget; returns what was outstanding. */
  List<MemoryManagerMetrics.OwnerMetrics> drainAll() {
    List<MemoryManagerMetrics.OwnerMetrics> outstanding = new ArrayList<>();
    for (Account account : accounts.values()) {
      MemoryManagerMetrics.OwnerMetrics leak = account.drain();
      accounts.remove(account.owner, account);
      if (leak != null) {
        outstanding.add(leak);
        budget.release(leak.usedBytes() + leak.reservedBytes());
      }
    }
    return outstanding;
  }

  /** A failure for a request of {@code bytes} by {@code owner}, with the holdings of now. */
  MemoryAllocationException failure(String reason, Object owner, long bytes, Throwable cause) {
    Account account = accounts.get(owner);
    MemoryManagerMetrics.OwnerMetrics held =
        account == null ? new MemoryManagerMetrics.OwnerMetrics(owner, 0, 0, 0, 0) : account.metrics();
    return new MemoryAllocationException(
        reason, owner, bytes, budget.available(), budget.total(), held.usedBytes(),
        held.reservedBytes(), cause);
  }

  private Account open(Object owner) {
    Account account = accounts.computeIfAbsent(owner, newAccount);
    if (account.retired()) {
      accounts.remove(owner, account);
    }
    return account;
  }

  private void removeIfRetired(Object owner, Account account) {
    if (account.retired()) {
      accounts.remove(owner, account);
    }
  }
}
