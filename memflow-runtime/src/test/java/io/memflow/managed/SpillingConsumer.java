package io.memflow.managed;

import io.memflow.memory.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * A test consumer that holds pages and, asked to reclaim, releases whole pages until it has given
 * back what was asked or has nothing left (or nothing at all if it refuses). Records every request
 * in a shared log as {@code name:bytes}.
 */
final class SpillingConsumer implements Reclaimable {

  final String name;
  final MemoryManager manager;
  final List<String> log;
  final List<MemorySegment> pages = new ArrayList<>();
  boolean refuses;

  SpillingConsumer(String name, MemoryManager manager, List<String> log) {
    this.name = name;
    this.manager = manager;
    this.log = log;
  }

  SpillingConsumer register(int weight) {
    manager.registerConsumer(this, weight, this);
    return this;
  }

  SpillingConsumer allocate(int count) throws MemoryAllocationException {
    synchronized (this) {
      pages.addAll(manager.allocatePages(this, count));
    }
    return this;
  }

  synchronized int held() {
    return pages.size();
  }

  @Override
  public synchronized long reclaim(long bytes) {
    log.add(name + ":" + bytes);
    long released = 0;
    while (!refuses && released < bytes && !pages.isEmpty()) {
      manager.release(pages.removeLast());
      released += manager.pageSize();
    }
    return released;
  }

  @Override
  public String toString() {
    return name;
  }
}
