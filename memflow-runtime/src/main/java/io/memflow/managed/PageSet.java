package io.memflow.managed;

import io.memflow.memory.MemorySegment;
import java.util.function.Consumer;

/**
 * A set of pages by identity, for an {@link Account}: open addressing with linear probing in one
 * array, so adding and removing a page allocate nothing (a {@code HashSet} allocates a node per
 * page). Removal shifts the following entries of the probe run back, so no tombstones build up.
 * Grows at half full; never shrinks except by {@link #clear()}.
 *
 * <p>Not thread-safe: the account's monitor guards it.
 */
final class PageSet {

  private static final int INITIAL_CAPACITY = 16;

  private MemorySegment[] table = new MemorySegment[INITIAL_CAPACITY];
  private int size;

  int size() {
    return size;
  }

  boolean isEmpty() {
    return size == 0;
  }

  /** Adds {@code page}; returns false if it was already here. */
  boolean add(MemorySegment page) {
    if (2 * (size + 1) > table.length) {
      resize(table.length * 2);
    }
    int mask = table.length - 1;
    int i = slot(page, mask);
    for (MemorySegment e; (e = table[i]) != null; i = (i + 1) & mask) {
      if (e == page) {
        return false;
      }
    }
    table[i] = page;
    size++;
    return true;
  }

  /** Removes {@code page}; returns false if it was not here. */
  boolean remove(MemorySegment page) {
    int mask = table.length - 1;
    for (int i = slot(page, mask); table[i] != null; i = (i + 1) & mask) {
      if (table[i] == page) {
        shiftBack(i, mask);
        size--;
        return true;
      }
    }
    return false;
  }

  /** Calls {@code action} on every page. */
  void forEach(Consumer<MemorySegment> action) {
    for (MemorySegment page : table) {
      if (page != null) {
        action.accept(page);
      }
    }
  }

  /** Removes every page, back to the initial capacity. */
  void clear() {
    table = new MemorySegment[INITIAL_CAPACITY];
    size = 0;
  }

  /**
   * Empties slot {@code hole}, then moves back every later entry of its probe run that may not
   * stay behind the hole (its home slot is not cyclically within {@code (hole, j]}).
   */
  private void shiftBack(int hole, int mask) {
    table[hole] = null;
    for (int j = (hole + 1) & mask; table[j] != null; j = (j + 1) & mask) {
      int home = slot(table[j], mask);
      boolean staysPut = hole <= j ? hole < home && home <= j : hole < home || home <= j;
      if (!staysPut) {
        table[hole] = table[j];
        table[j] = null;
        hole = j;
      }
    }
  }

  private void resize(int capacity) {
    MemorySegment[] old = table;
    table = new MemorySegment[capacity];
    int mask = capacity - 1;
    for (MemorySegment page : old) {
      if (page != null) {
        int i = slot(page, mask);
        while (table[i] != null) {
          i = (i + 1) & mask;
        }
        table[i] = page;
      }
    }
  }

  /** Segments hash by identity, off-heap ones cheaply from their address (see their hashCode). */
  private static int slot(MemorySegment page, int mask) {
    int h = page.hashCode();
    return (h ^ (h >>> 16)) & mask;
  }
}
