package io.memflow.hash;

import io.memflow.io.SpillFile;
import io.memflow.io.SpillWriter;
import io.memflow.memory.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One partition of a {@link HybridHashTable}: either in memory (its build records in row pages,
 * then a slot directory over them) or spilled (a build spill file, a bloom filter of its build
 * hashes, later a probe spill file). See {@link HybridHashTable} for the layouts.
 *
 * <p>Not thread-safe; owned by its table, which lends and takes back every page it holds.
 */
final class HashJoinPartition {

  final int index;
  /** Row pages, in order; the pointer of a record names its page by index in this list. */
  final List<MemorySegment> rowPages = new ArrayList<>();
  /** Bytes used in each row page. */
  int[] fills = new int[4];
  long rows;
  /** Slot directory pages (after the build): slot s at page s >>> slotPageShift, 8-byte entries. */
  final List<MemorySegment> slotPages = new ArrayList<>();
  int slotMask;

  // spilled state
  boolean spilled;
  BloomFilter bloom;
  SpillFile buildFile;
  SpillWriter buildWriter;
  final List<MemorySegment> buildWriterPages = new ArrayList<>();
  long buildRowsSpilled;
  SpillFile probeFile;
  SpillWriter probeWriter;
  final List<MemorySegment> probeWriterPages = new ArrayList<>();
  long probeRowsSpilled;

  HashJoinPartition(int index) {
    this.index = index;
  }

  /** Bytes free at the end of the last row page (0 if there is none). */
  int freeInLastPage(int pageSize) {
    return rowPages.isEmpty() ? 0 : pageSize - fills[rowPages.size() - 1];
  }

  void addRowPage(MemorySegment page) {
    if (rowPages.size() == fills.length) {
      fills = Arrays.copyOf(fills, fills.length * 2);
    }
    fills[rowPages.size()] = 0;
    rowPages.add(page);
  }

  MemorySegment lastPage() {
    return rowPages.getLast();
  }

  int lastPageIndex() {
    return rowPages.size() - 1;
  }

  /** Rows in this partition, in memory or spilled. */
  long buildRows() {
    return rows + buildRowsSpilled;
  }

  @Override
  public String toString() {
    return "partition " + index + (spilled ? " (spilled: build rows=" + buildRowsSpilled + " probe rows="
        + probeRowsSpilled + ")" : " (rows=" + rows + " pages=" + rowPages.size() + ")");
  }
}
