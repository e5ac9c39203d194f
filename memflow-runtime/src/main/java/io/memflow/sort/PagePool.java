package io.memflow.sort;

import io.memflow.managed.MemoryManager;
import io.memflow.memory.MemorySegment;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * The pages of one {@link ExternalSorter}, allocated up front, lent to its sort buffers, spill
 * writers and run readers, and given back to the manager on reclaim or close.
 *
 * <p><b>Reserve and quotas.</b> {@link #IO_PAGES} free pages are always kept for the writer of a
 * spill, so a sort buffer never takes them; each sort buffer may hold at most {@code (total -
 * IO_PAGES) / buffers} pages, so that every buffer finds room while the others wait to be
 * spilled. Readers and writers (the merge) take any free page.
 *
 * <p><b>Shrinking.</b> {@link #releaseFree} gives free pages back to the manager at once; a
 * {@link #addDebt debt} makes later returns go to the manager too. The pool never shrinks below
 * {@link #MIN_PAGES} nor under its reserve.
 *
 * <p>Thread-safe (one monitor, never held while calling out, except to the manager's {@code
 * release}, which calls nothing back). {@link #close()} releases every page, lent or free.
 */
final class PagePool {

  /** Pages kept free for one spill writer. */
  static final int IO_PAGES = 2;
  /** The fewest pages a sorter works with: two buffers of three pages and the writer's two. */
  static final int MIN_PAGES = 8;

  private final MemoryManager manager;
  private final int buffers;
  private final Set<MemorySegment> all = Collections.newSetFromMap(new IdentityHashMap<>());
  private final ArrayDeque<MemorySegment> free = new ArrayDeque<>();
  private int debt;
  private boolean closed;

  PagePool(MemoryManager manager, List<MemorySegment> pages, int buffers) {
    this.manager = manager;
    this.buffers = buffers;
    all.addAll(pages);
    free.addAll(pages);
  }

  int pageSize() {
    return manager.pageSize();
  }

  synchronized int total() {
    return all.size();
  }

  synchronized int free() {
    return free.size();
  }

  synchronized int debt() {
    return debt;
  }

  private int quota() {
    return Math.max(2, (all.size() - IO_PAGES) / buffers);
  }

  /** A page source for one sort buffer, within its quota and outside the reserve. */
  PageSource bufferSource() {
    return new PageSource() {
      private int held;

      @Override
      public MemorySegment nextPage() {
        synchronized (PagePool.this) {
          if (closed || held >= quota() || free.size() <= IO_PAGES) {
            return null;
          }
          held++;
          return free.pollFirst();
        }
      }

      @Override
      public void returnPage(MemorySegment page) {
        synchronized (PagePool.this) {
          held--;
        }
        give(page);
      }

      @Override
      public int pageSize() {
        return manager.pageSize();
      }
    };
  }

  /** Takes {@code n} free pages (reserve included), or none and returns {@code null}. */
  synchronized List<MemorySegment> take(int n) {
    if (closed || free.size() < n) {
      return null;
    }
    List<MemorySegment> pages = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      pages.add(free.pollFirst());
    }
    return pages;
  }

  /** Gives back a page; to the manager if a debt is open and the reserve is full. */
  synchronized void give(MemorySegment page) {
    if (closed || !all.contains(page)) {
      return;
    }
    if (debt > 0 && free.size() >= IO_PAGES && all.size() > MIN_PAGES) {
      debt--;
      releaseToManager(page);
    } else {
      free.addFirst(page);
    }
  }

  /** Gives back each page of {@code pages} and clears the list. */
  void giveAll(List<MemorySegment> pages) {
    pages.forEach(this::give);
    pages.clear();
  }

  /** Releases up to {@code n} free pages to the manager now; returns how many. */
  synchronized int releaseFree(int n) {
    int released = 0;
    while (released < n && free.size() > IO_PAGES && all.size() > MIN_PAGES) {
      releaseToManager(free.pollLast());
      released++;
    }
    return released;
  }

  /** Makes the next {@code n} returned pages go to the manager. */
  synchronized void addDebt(int n) {
    debt += n;
  }

  /** Forgets the open debt; returns what it was. */
  synchronized int clearDebt() {
    int open = debt;
    debt = 0;
    return open;
  }

  private void releaseToManager(MemorySegment page) {
    all.remove(page);
    manager.release(page);
  }

  /** Releases every page, free or lent; later returns are ignored. Idempotent. */
  void close() {
    List<MemorySegment> pages;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      pages = new ArrayList<>(all);
      all.clear();
      free.clear();
    }
    manager.release(pages);
  }

  @Override
  public synchronized String toString() {
    return "PagePool[total=" + all.size() + ", free=" + free.size() + ", debt=" + debt + ", buffers=" + buffers + "]";
  }
}
