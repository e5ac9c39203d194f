package io.memflow.sort;

import io.memflow.managed.MemoryAllocationException;
import io.memflow.managed.MemoryManager;
import io.memflow.memory.MemorySegment;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * A fixed set of pages allocated for one owner, lent to one sort buffer: the {@link PageSource}
 * of a stand-alone {@link InMemorySorter}. Not thread-safe. {@link #close()} releases every page
 * to the manager, lent or not.
 */
final class FixedPages implements PageSource, AutoCloseable {

  private final MemoryManager manager;
  private final List<MemorySegment> all;
  private final ArrayDeque<MemorySegment> free;

  FixedPages(MemoryManager manager, Object owner, int numberOfPages) throws MemoryAllocationException {
    this.manager = manager;
    this.all = manager.allocatePages(owner, numberOfPages);
    this.free = new ArrayDeque<>(all);
  }

  @Override
  public MemorySegment nextPage() {
    return free.pollFirst();
  }

  @Override
  public void returnPage(MemorySegment page) {
    free.addFirst(page);
  }

  @Override
  public int pageSize() {
    return manager.pageSize();
  }

  @Override
  public void close() {
    free.clear();
    manager.release(new ArrayList<>(all));
    all.clear();
  }
}
