package io.memflow.hash;

import io.memflow.io.SpillManager;
import io.memflow.io.SpillWriter;
import io.memflow.memory.MemorySegment;
import io.memflow.row.BinaryRow;
import io.memflow.row.BinaryRowSerializer;
import io.memflow.row.KeyFields;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The build side of one hybrid hash join pass: build rows partitioned by the low bits of their
 * key hash into up to 32 partitions, each in memory or spilled.
 *
 * <p><b>Idea.</b> Rows are appended to their partition's row pages as records during the build;
 * when no page is free the largest in-memory partition is spilled (its records written to a build
 * spill file, their hashes added to a one-page bloom filter) and its pages reused. At the end of
 * the build every in-memory partition gets a slot directory sized for its row count (spilling more
 * partitions first if the directories and the probe writers would not fit): so the table never
 * runs out of memory while probing and needs no overflow buckets. Probe rows of a spilled
 * partition go to its probe spill file unless its bloom filter rules them out.
 *
 * <pre>
 *  record in a row page (RECORD_* offsets; never crosses a page):
 *  0        4                  8                    16
 *  +--------+------------------+--------------------+------------------------+
 *  | hash   | bit 31: matched  | next: link to the  | row bytes (RowLayout)  |
 *  | (int)  | 0..30: length    | next record in the |                        |
 *  |        | of the row bytes | slot's chain       |                        |
 *  +--------+------------------+--------------------+------------------------+
 *
 *  address (partition-local): page index << log2(page size) | offset in page     (< 2^40)
 *  link (slot entry, record.next):  | tag (23 bits) | has next (1) | address (40) |   -1: none
 *      tag = a remix of the record's hash, so a probe skips a record whose tag differs without
 *      reading it; "has next" says whether the record's own next link is worth reading
 *  pointer (outside the table):     | partition (6) | 0 ... | address (40) |
 *
 *  slot directory of a partition: 2^k 8-byte slots in whole pages, k such that slots >= rows;
 *  slot = (hash >>> partition bits) & mask holds the link to the chain's first record.
 *
 *  partition p:  in memory: row pages [rec rec rec ...][rec rec ...] + slot pages [s0 s1 ...]
 *                spilled:   build writer (2 pages) -> build file, bloom page, probe writer (2 pages)
 * </pre>
 *
 * <p><b>Why chains rather than Flink's 128-byte buckets.</b> The directory's size is exact once the
 * row count is known, so memory for it is settled before the probe starts, and a key with many
 * duplicates costs one chain, not a run of overflow buckets. The hash kept in each record skips
 * most unequal keys without reading them.
 *
 * <p><b>Sizing.</b> With {@code T} pages, the partition count {@code P} is the largest power of
 * two up to 32 with {@code 4P + 4 <= T}: three reserve pages always allow the next spill (two for
 * its writer, one for its bloom filter) and the largest partition, when memory is full, always
 * holds enough pages to refill the reserve. In block mode (the block-nested-loop fallback) there is
 * one partition, no spilling, and {@link #tryInsert} reports when the block is full.
 *
 * <p>Not thread-safe; the join's lock guards it. Every page comes from and goes back to the
 * join's {@link JoinPages}; spill files are the table's until {@link #finishProbe} hands them over.
 */
final class HybridHashTable {

  static final int MAX_PARTITIONS = 32;
  static final int RECORD_HASH = 0;
  static final int RECORD_LENGTH = 4;
  static final int RECORD_NEXT = 8;
  static final int RECORD_HEADER = 16;
  static final int MATCHED_BIT = 1 << 31;
  static final long NONE = -1L;
  private static final int PARTITION_SHIFT = 58;
  private static final long ADDRESS_MASK = (1L << 40) - 1;
  private static final long HAS_NEXT = 1L << 40;
  private static final int TAG_SHIFT = 41;
  private static final int RESERVE = 3;

  private final JoinPages pages;
  private final int pageSize;
  private final int pageShift;
  private final int slotsPerPage;
  private final KeyFields buildKey;
  private final BinaryRowSerializer buildSerializer;
  private final BinaryRowSerializer probeSerializer;
  private final SpillManager spills;
  private final int seed;
  private final int depth;
  private final boolean blockMode;
  private final int partitionBits;
  private final HashJoinPartition[] partitions;
  private final List<MemorySegment> reserve = new ArrayList<>();
  private final BinaryRow record;
  private final int minimumPages;

  HybridHashTable(HashJoinContext context, int depth, boolean blockMode) {
    this.pages = context.pages();
    this.pageSize = pages.pageSize();
    this.pageShift = Integer.numberOfTrailingZeros(pageSize);
    this.slotsPerPage = pageSize / Long.BYTES;
    this.buildKey = context.buildKey();
    this.buildSerializer = context.buildSerializer();
    this.probeSerializer = context.probeSerializer();
    this.spills = context.spills();
    this.seed = depth;
    this.depth = depth;
    this.blockMode = blockMode;
    int count = blockMode ? 1 : partitionsFor(pages.free());
    this.minimumPages = blockMode ? 2 : minimumPages(count);
    this.partitionBits = Integer.numberOfTrailingZeros(count);
    this.partitions = new HashJoinPartition[count];
    for (int i = 0; i < count; i++) {
      partitions[i] = new HashJoinPartition(i);
    }
    this.record = new BinaryRow(buildKey.schema());
    if (!blockMode) {
      reserve.addAll(pages.take(RESERVE));
    }
  }

  /** The partition count for {@code pages} pages: a power of two from 1 to 32. */
  static int partitionsFor(int pages) {
    if (pages < minimumPages(1)) {
      throw new IllegalArgumentException("hash join needs at least pages=" + minimumPages(1)
          + " for a pass, has pages=" + pages + "; give the join more memory");
    }
    int count = MAX_PARTITIONS;
    while (minimumPages(count) > pages) {
      count >>= 1;
    }
    return count;
  }

  /** The fewest pages a table of {@code partitions} partitions works with. */
  static int minimumPages(int partitions) {
    return 4 * partitions + 4;
  }

  int seed() {
    return seed;
  }

  int depth() {
    return depth;
  }

  int partitionCount() {
    return partitions.length;
  }

  /** The fewest pages this table may be left with by a reclaim. */
  int minimumPages() {
    return minimumPages;
  }

  int hash(BinaryRow buildRow) {
    return buildKey.hash(buildRow, seed);
  }

  private HashJoinPartition partitionOf(int hash) {
    return partitions[hash & (partitions.length - 1)];
  }

  // ---------------------------------------------------------------- build

  /** Adds a build row with its hash, spilling partitions when no page is free. */
  void insert(BinaryRow row, int hash) throws IOException {
    HashJoinPartition partition = partitionOf(hash);
    int need = recordSize(row);
    while (!partition.spilled && partition.freeInLastPage(pageSize) < need) {
      MemorySegment page = pages.poll();
      if (page != null) {
        partition.addRowPage(page);
      } else {
        spillLargest();
      }
    }
    if (partition.spilled) {
      partition.bloom.add(hash);
      buildSerializer.serialize(row, partition.buildWriter);
      partition.buildRowsSpilled++;
    } else {
      append(partition, row, hash);
    }
  }

  /** Block mode: adds the row if it fits with the directory it will need; false if the block is full. */
  boolean tryInsert(BinaryRow row, int hash) {
    HashJoinPartition partition = partitions[0];
    int need = recordSize(row);
    if (partition.freeInLastPage(pageSize) < need) {
      long expected = partition.rows + 1 + pageSize / need;
      if (pages.free() < 1 + directoryPages(expected)) {
        if (partition.rows == 0) {
          throw new IllegalStateException("a block holds no row: free pages=" + pages.free() + " row bytes=" + need);
        }
        return false;
      }
      partition.addRowPage(pages.poll());
    }
    append(partition, row, hash);
    return true;
  }

  private int recordSize(BinaryRow row) {
    int need = RECORD_HEADER + row.sizeInBytes();
    if (need > pageSize) {
      throw new IllegalArgumentException("build row of length=" + row.sizeInBytes() + " plus header="
          + RECORD_HEADER + " exceeds pageSize=" + pageSize + "; use larger pages for the join");
    }
    return need;
  }

  private void append(HashJoinPartition partition, BinaryRow row, int hash) {
    MemorySegment page = partition.lastPage();
    int at = partition.fills[partition.lastPageIndex()];
    page.putInt(at + RECORD_HASH, hash);
    page.putInt(at + RECORD_LENGTH, row.sizeInBytes());
    page.putLong(at + RECORD_NEXT, NONE);
    row.segment().copyTo(row.offset(), page, at + RECORD_HEADER, row.sizeInBytes());
    partition.fills[partition.lastPageIndex()] = at + RECORD_HEADER + row.sizeInBytes();
    partition.rows++;
  }

  /** Spills the in-memory partition with the most pages. */
  private void spillLargest() throws IOException {
    HashJoinPartition largest = null;
    for (HashJoinPartition partition : partitions) {
      if (!partition.spilled && !partition.rowPages.isEmpty()
          && (largest == null || partition.rowPages.size() > largest.rowPages.size())) {
        largest = partition;
      }
    }
    if (largest == null || spills == null) {
      throw new IllegalStateException("hash join out of memory: pages=" + pages.owned() + " free=" + pages.free()
          + (spills == null ? "; set a SpillManager (HashJoin.Builder.spillManager) or give more pages"
              : " and no partition left to spill"));
    }
    spill(largest);
    while (reserve.size() < RESERVE && pages.free() > 0) {
      reserve.add(pages.poll());
    }
  }

  private void spill(HashJoinPartition partition) throws IOException {
    if (reserve.size() < RESERVE) {
      throw new IllegalStateException("no reserve to spill " + partition + ": reserve=" + reserve.size());
    }
    partition.spilled = true;
    partition.bloom = new BloomFilter(reserve.removeLast());
    partition.buildWriterPages.add(reserve.removeLast());
    partition.buildWriterPages.add(reserve.removeLast());
    partition.buildFile = spills.createFile("hash-join-build");
    partition.buildWriter = spills.openWriter(partition.buildFile, partition.buildWriterPages);
    for (long pointer = firstRecord(partition); pointer != NONE; pointer = nextRecord(pointer)) {
      partition.bloom.add(hashAt(pointer));
      buildSerializer.serialize(buildRow(pointer), partition.buildWriter);
      partition.buildRowsSpilled++;
    }
    partition.rows = 0;
    pages.give(partition.rowPages);
  }

  /**
   * Ends the build: closes the build spill files, spills more partitions until the directories and
   * one probe writer per spilled partition fit, then builds the directories.
   */
  void finishBuild() throws IOException {
    for (HashJoinPartition partition : partitions) {
      closeBuildWriter(partition);
    }
    while (pagesNeededToProbe() > pages.free() + reserve.size()) {
      spillLargest();
      for (HashJoinPartition partition : partitions) {
        closeBuildWriter(partition);
      }
    }
    pages.give(reserve);
    for (HashJoinPartition partition : partitions) {
      if (!partition.spilled && partition.rows > 0) {
        buildDirectory(partition);
      }
    }
  }

  private void closeBuildWriter(HashJoinPartition partition) throws IOException {
    if (partition.buildWriter != null) {
      SpillWriter writer = partition.buildWriter;
      partition.buildWriter = null;
      try {
        writer.close();
      } finally {
        pages.give(partition.buildWriterPages);
      }
    }
  }

  private int pagesNeededToProbe() {
    int need = 0;
    for (HashJoinPartition partition : partitions) {
      need += partition.spilled ? 2 : directoryPages(partition.rows);
    }
    return need;
  }

  private int directoryPages(long rows) {
    if (rows == 0) {
      return 0;
    }
    long slots = Long.highestOneBit(rows * 2 - 1); // the power of two at or above rows
    return (int) (Math.max(slots, slotsPerPage) / slotsPerPage);
  }

  private void buildDirectory(HashJoinPartition partition) {
    int count = directoryPages(partition.rows);
    partition.slotPages.addAll(pages.take(count));
    partition.slotMask = count * slotsPerPage - 1;
    for (MemorySegment page : partition.slotPages) {
      for (int at = 0; at < pageSize; at += Long.BYTES) {
        page.putLong(at, NONE);
      }
    }
    for (long pointer = firstRecord(partition); pointer != NONE; pointer = nextRecord(pointer)) {
      int slot = (hashAt(pointer) >>> partitionBits) & partition.slotMask;
      MemorySegment slotPage = partition.slotPages.get(slot / slotsPerPage);
      int at = (slot % slotsPerPage) * Long.BYTES;
      long head = slotPage.getLong(at);
      recordPage(pointer).putLong(recordOffset(pointer) + RECORD_NEXT, head);
      slotPage.putLong(at, tagBits(hashAt(pointer)) | (head == NONE ? 0 : HAS_NEXT) | (pointer & ADDRESS_MASK));
    }
  }

  // ---------------------------------------------------------------- probe

  boolean isSpilled(int hash) {
    return partitionOf(hash).spilled;
  }

  /** For a spilled partition: false only if no build row of it has this hash. */
  boolean mightMatchSpilled(int hash) {
    return partitionOf(hash).bloom.mightContain(hash);
  }

  /** Writes a probe row of a spilled partition to its probe spill file (opened on the first row). */
  void spillProbe(BinaryRow probeRow, int hash) throws IOException {
    HashJoinPartition partition = partitionOf(hash);
    if (partition.probeWriter == null) {
      partition.probeWriterPages.addAll(pages.take(2));
      partition.probeFile = spills.createFile("hash-join-probe");
      partition.probeWriter = spills.openWriter(partition.probeFile, partition.probeWriterPages);
    }
    probeSerializer.serialize(probeRow, partition.probeWriter);
    partition.probeRowsSpilled++;
  }

  /** The link to the first record of the chain for {@code hash} in its in-memory partition, or {@link #NONE}. */
  long head(int hash) {
    HashJoinPartition partition = partitionOf(hash);
    if (partition.slotPages.isEmpty()) {
      return NONE;
    }
    int slot = (hash >>> partitionBits) & partition.slotMask;
    return partition.slotPages.get(slot / slotsPerPage).getLong((slot % slotsPerPage) * Long.BYTES);
  }

  /**
   * Touches the slot of each of {@code hashes[0, n)} whose partition is in memory, then the first
   * record of its chain, so that probing those rows next finds the lines in cache (see {@link
   * RowBatch}). Changes nothing.
   *
   * @return a value of the loaded bytes, to keep the loads from being optimised away
   */
  long prefetch(int[] hashes, int n, long[] scratch) {
    for (int i = 0; i < n; i++) { // independent loads: their misses overlap
      scratch[i] = isSpilled(hashes[i]) ? NONE : head(hashes[i]);
    }
    long touched = 0;
    for (int i = 0; i < n; i++) {
      if (scratch[i] != NONE) {
        long pointer = pointerOf(hashes[i], scratch[i]);
        MemorySegment page = recordPage(pointer);
        int at = recordOffset(pointer);
        touched += page.getLong(at) + page.getLong(at + RECORD_HEADER + 8); // header, first key
      }
    }
    return touched;
  }

  /** The link after the record at {@code pointer} in its chain. */
  long nextLink(long pointer) {
    return recordPage(pointer).getLong(recordOffset(pointer) + RECORD_NEXT);
  }

  /** The pointer of the record {@code link} leads to, in the partition of {@code hash}. */
  long pointerOf(int hash, long link) {
    return (long) (hash & (partitions.length - 1)) << PARTITION_SHIFT | (link & ADDRESS_MASK);
  }

  /** Whether the record {@code link} leads to may have {@code hash} (false: it certainly has not). */
  static boolean tagMatches(long link, int hash) {
    return (link ^ tagBits(hash)) >>> TAG_SHIFT == 0;
  }

  /** Whether the record {@code link} leads to has a successor in its chain. */
  static boolean hasNext(long link) {
    return (link & HAS_NEXT) != 0;
  }

  private static long tagBits(int hash) {
    return (long) ((hash * 0x9E37_79B1) >>> 9) << TAG_SHIFT;
  }

  int hashAt(long pointer) {
    return recordPage(pointer).getInt(recordOffset(pointer) + RECORD_HASH);
  }

  /** The build row of the record, as a flyweight valid until the next call. */
  BinaryRow buildRow(long pointer) {
    MemorySegment page = recordPage(pointer);
    int at = recordOffset(pointer);
    record.pointTo(page, at + RECORD_HEADER, page.getInt(at + RECORD_LENGTH) & ~MATCHED_BIT);
    return record;
  }

  void markMatched(long pointer) {
    MemorySegment page = recordPage(pointer);
    int at = recordOffset(pointer) + RECORD_LENGTH;
    page.putInt(at, page.getInt(at) | MATCHED_BIT);
  }

  boolean isMatched(long pointer) {
    return (recordPage(pointer).getInt(recordOffset(pointer) + RECORD_LENGTH) & MATCHED_BIT) != 0;
  }

  // ---------------------------------------------------------------- scanning records

  /** The first in-memory record of any partition from {@code partition} on, or {@link #NONE}. */
  long firstRecord(int partition) {
    for (int p = partition; p < partitions.length; p++) {
      long first = firstRecord(partitions[p]);
      if (first != NONE) {
        return first;
      }
    }
    return NONE;
  }

  private long firstRecord(HashJoinPartition partition) {
    return partition.rows == 0 ? NONE : pointer(partition.index, 0, 0);
  }

  /** The record after {@code pointer} in its partition, or {@link #NONE}. */
  long nextRecord(long pointer) {
    HashJoinPartition partition = partitions[(int) (pointer >>> PARTITION_SHIFT)];
    int page = (int) ((pointer & ADDRESS_MASK) >>> pageShift);
    int at = recordOffset(pointer);
    int end = at + RECORD_HEADER + (recordPage(pointer).getInt(at + RECORD_LENGTH) & ~MATCHED_BIT);
    if (end < partition.fills[page]) {
      return pointer(partition.index, page, end);
    }
    return page + 1 < partition.rowPages.size() ? pointer(partition.index, page + 1, 0) : NONE;
  }

  /** The record after {@code pointer} in any partition, or {@link #NONE}. */
  long nextRecordOfAny(long pointer) {
    long next = nextRecord(pointer);
    return next != NONE ? next : firstRecord((int) (pointer >>> PARTITION_SHIFT) + 1);
  }

  private long pointer(int partition, int page, int offset) {
    return (long) partition << PARTITION_SHIFT | (long) page << pageShift | offset;
  }

  private MemorySegment recordPage(long pointer) {
    return partitions[(int) (pointer >>> PARTITION_SHIFT)].rowPages.get((int) ((pointer & ADDRESS_MASK) >>> pageShift));
  }

  private int recordOffset(long pointer) {
    return (int) pointer & (pageSize - 1);
  }

  // ---------------------------------------------------------------- reclaim, end, abort

  /** During the build: spills the largest partitions until {@code wanted} pages are free or none is left. */
  void spillForReclaim(int wanted) throws IOException {
    boolean inMemory = true;
    while (pages.free() < wanted && inMemory && spills != null) {
      inMemory = false;
      for (HashJoinPartition partition : partitions) {
        inMemory |= !partition.spilled && !partition.rowPages.isEmpty();
      }
      if (inMemory) {
        spillLargest();
      }
    }
  }

  /**
   * Ends the probe: closes the probe spill files and hands every spilled pair over (the table no
   * longer deletes their files). The in-memory records stay readable until {@link #release()}.
   */
  List<HashJoinSpill> finishProbe() throws IOException {
    List<HashJoinSpill> spilled = new ArrayList<>();
    for (HashJoinPartition partition : partitions) {
      if (partition.probeWriter != null) {
        SpillWriter writer = partition.probeWriter;
        partition.probeWriter = null;
        try {
          writer.close();
        } finally {
          pages.give(partition.probeWriterPages);
        }
      }
    }
    for (HashJoinPartition partition : partitions) {
      if (partition.spilled) {
        spilled.add(new HashJoinSpill(partition.buildFile, partition.buildRowsSpilled, partition.probeFile,
            partition.probeRowsSpilled, depth + 1));
        partition.buildFile = null;
        partition.probeFile = null;
      }
    }
    return spilled;
  }

  /** Gives every page back to the pool, aborting open writers and deleting files not handed over. */
  void release() {
    for (HashJoinPartition partition : partitions) {
      abort(partition.buildWriter, partition.buildWriterPages);
      abort(partition.probeWriter, partition.probeWriterPages);
      partition.buildWriter = null;
      partition.probeWriter = null;
      HashJoinSpill.deleteQuietly(partition.buildFile);
      HashJoinSpill.deleteQuietly(partition.probeFile);
      partition.buildFile = null;
      partition.probeFile = null;
      pages.give(partition.rowPages);
      pages.give(partition.slotPages);
      if (partition.bloom != null) {
        pages.give(partition.bloom.page());
        partition.bloom = null;
      }
      partition.rows = 0;
    }
    pages.give(reserve);
  }

  private void abort(SpillWriter writer, List<MemorySegment> writerPages) {
    if (writer != null) {
      writer.abort();
    }
    pages.give(writerPages);
  }

  /** The build rows in partitions that are in memory. */
  long rowsInMemory() {
    long rows = 0;
    for (HashJoinPartition partition : partitions) {
      rows += partition.spilled ? 0 : partition.rows;
    }
    return rows;
  }

  /** Partitions spilled so far (for tests and metrics). */
  int spilledPartitions() {
    int count = 0;
    for (HashJoinPartition partition : partitions) {
      count += partition.spilled ? 1 : 0;
    }
    return count;
  }
}
