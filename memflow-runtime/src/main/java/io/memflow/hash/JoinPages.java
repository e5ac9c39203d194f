package io.memflow.hash;

import io.memflow.managed.MemoryManager;
import io.memflow.memory.MemorySegment;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.Collections;
import java.util.IdentityHashMap;

/**
 * The pages of one {@link HashJoin}, allocated from the {@link MemoryManager} for one owner: every
 * page is either free here or lent (to a table partition, a spill writer or reader), and comes back
 * here before it goes back to the manager.
 *
 * <p>Not thread-safe: the join's lock guards it. Invariant: {@code free} is a subset of {@code
 * owned}; {@link #releaseAll()} returns every owned page to the manager, lent or not, so it may only
 * run once nothing uses the pages any more (writers and readers closed or aborted).
 */
final class JoinPages {

  private final MemoryManager manager;
  private final Set<MemorySegment> owned = Collections.newSetFromMap(new IdentityHashMap<>());
  private final ArrayDeque<MemorySegment> free = new ArrayDeque<>();
  private final int pageSize;

  JoinPages(MemoryManager manager, List<MemorySegment> pages) {
    this.manager = manager;
    this.pageSize = manager.pageSize();
    owned.addAll(pages);
    free.addAll(pages);
  }

  int pageSize() {
    return pageSize;
  }

  /** Pages free now. */
  int free() {
    return free.size();
  }

  /** Pages owned (free and lent). */
  int owned() {
    return owned.size();
  }

  /** One free page, or null if none is free. */
  MemorySegment poll() {
    return free.poll();
  }

  /**
   * {@code count} free pages.
   *
   * @throws IllegalStateException if fewer are free (a sizing bug: callers check first)
   */
  List<MemorySegment> take(int count) {
    if (free.size() < count) {
      throw new IllegalStateException("join pages: wanted=" + count + " free=" + free.size() + " owned=" + owned.size());
    }
    List<MemorySegment> taken = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      taken.add(free.poll());
    }
    return taken;
  }

  /** Takes back a page lent before. */
  void give(MemorySegment page) {
    free.add(page);
  }

  /** Takes back pages lent before, and clears {@code pages}. */
  void give(Collection<MemorySegment> pages) {
    free.addAll(pages);
    pages.clear();
  }

  /** Returns up to {@code count} free pages to the manager, keeping {@code keep} owned; the number returned. */
  int releaseFree(int count, int keep) {
    int released = 0;
    while (released < count && owned.size() > keep && !free.isEmpty()) {
      MemorySegment page = free.poll();
      owned.remove(page);
      manager.release(page);
      released++;
    }
    return released;
  }

  /** Returns every owned page to the manager; only once nothing uses them. */
  void releaseAll() {
    List<MemorySegment> all = new ArrayList<>(owned);
    owned.clear();
    free.clear();
    manager.release(all);
  }
}
