package io.memflow.managed;

import io.memflow.memory.MemorySegment;
import io.memflow.memory.MemorySegments;
import java.util.ArrayList;
import java.util.List;

/**
 * What one owner holds in one manager: its pages (by identity; {@code MemorySegment} keeps
 * {@code Object}'s equality) and its reserved bytes. Guarded by its own monitor. An account is
 * {@linkplain #retired retired} when a release-all empties it; it is then removed from the map
 * and never used again (a later request of the owner opens a new account).
 */
final class Account {

  final Object owner;
  private final int pageSize;
  private final PageSet pages = new PageSet();
  /** Pages about to be freed in one batch; empty between calls. */
  private final List<MemorySegment> toFree = new ArrayList<>();
  private long reserved;
  private long peak;
  private boolean retired;

  Account(Object owner, int pageSize) {
    this.owner = owner;
    this.pageSize = pageSize;
  }

  /** Adds {@code newPages[from, to)} unless retired; returns whether they were added. */
  synchronized boolean addPages(List<MemorySegment> newPages, int from, int to) {
    if (retired) {
      return false;
    }
    for (int i = from; i < to; i++) {
      pages.add(newPages.get(i));
    }
    updatePeak();
    return true;
  }

  /** Adds a reservation unless retired; returns whether it was added. */
  synchronized boolean addReserved(long bytes) {
    if (retired) {
      return false;
    }
    reserved += bytes;
    updatePeak();
    return true;
  }

  /**
   * Removes and frees {@code page} if this account holds it. Freeing under the monitor makes a
   * concurrent second release see the page freed, so it can tell "released twice" from "foreign".
   */
  synchronized boolean removeAndFree(MemorySegment page) {
    if (!pages.remove(page)) {
      return false;
    }
    page.free();
    return true;
  }

  /**
   * Removes and frees, in one batch, the pages of {@code run[from, to)} that this account holds
   * (each once). Returns the number freed.
   */
  synchronized int removeAndFree(List<MemorySegment> run, int from, int to) {
    for (int i = from; i < to; i++) {
      MemorySegment page = run.get(i);
      if (pages.remove(page)) {
        toFree.add(page);
      }
    }
    return freeBatch();
  }

  /** Frees every page; returns their number. Retires the account if it is then empty. */
  synchronized int freeAllPages() {
    pages.forEach(toFree::add);
    pages.clear();
    retireIfEmpty();
    return freeBatch();
  }

  private int freeBatch() {
    int count = toFree.size();
    try {
      MemorySegments.freeAll(toFree);
    } finally {
      toFree.clear();
    }
    return count;
  }

  /** Takes {@code bytes} off the reservation; returns false (changing nothing) if it is smaller. */
  synchronized boolean removeReserved(long bytes) {
    if (bytes > reserved) {
      return false;
    }
    reserved -= bytes;
    return true;
  }

  /** Drops the whole reservation and returns it. Retires the account if it is then empty. */
  synchronized long removeAllReserved() {
    long bytes = reserved;
    reserved = 0;
    retireIfEmpty();
    return bytes;
  }

  synchronized boolean retired() {
    return retired;
  }

  synchronized MemoryManagerMetrics.OwnerMetrics metrics() {
    return new MemoryManagerMetrics.OwnerMetrics(
        owner, pages.size(), usedBytes(), reserved, peak);
  }

  synchronized long heldBytes() {
    return usedBytes() + reserved;
  }

  /**
   * Frees every page, drops the reservation and retires the account, for closing the manager.
   *
   * @return what was outstanding, or {@code null} if nothing was
   */
  synchronized MemoryManagerMetrics.OwnerMetrics drain() {
    MemoryManagerMetrics.OwnerMetrics outstanding = isEmpty() ? null : metrics();
    freeAllPages();
    reserved = 0;
    retired = true;
    return outstanding;
  }

  synchronized boolean isEmpty() {
    return pages.isEmpty() && reserved == 0;
  }

  private long usedBytes() {
    return (long) pages.size() * pageSize;
  }

  private void updatePeak() {
    peak = Math.max(peak, usedBytes() + reserved);
  }

  private void retireIfEmpty() {
    if (isEmpty()) {
      retired = true;
    }
  }
}
