package io.memflow.hash;

import io.memflow.memory.MemorySegment;
import io.memflow.memory.MemorySegments;
import io.memflow.row.BinaryRow;
import io.memflow.serialization.SortComparator;
import io.memflow.sort.IndexedSortable;
import io.memflow.sort.RadixSort;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * The binary hash table of a {@link HashAggregator}: open addressing with linear probing over a
 * bucket area, and a record area where each group lives as one row of the partial schema ({@link
 * AggLayout}), both in pages taken from a pool the aggregator owns.
 *
 * <pre>
 *  bucket area: capacity = 2^b buckets of 8 bytes, in pages (pageSize / 8 buckets per page)
 *  +----------------------------------+----------------------------------+
 *  | bits 63..32: record address + 1  | bits 31..0: the key's hash       |   0 = empty
 *  +----------------------------------+----------------------------------+
 *  bucket of a hash h: h >>> (32 - b), then the next ones (wrapping) until empty or found
 *  record address = record page index << log2(pageSize) | offset in that page
 *
 *  record area: records back to back in pages, never across a page end, 8-byte aligned
 *  +-------------+-------+--------------------------------------------+
 *  | row length  | hash  | the group's row (AggLayout), length bytes   |  ...next record
 *  +-------------+-------+--------------------------------------------+
 *  0             4       8 (RECORD_HEADER)
 *  a dead record (moved away, or spilled by an eviction) has ~length, a negative header; a 0
 *  header ends a page's records before the page ends
 * </pre>
 *
 * <p>The stored hash spares rehashing keys when the table doubles and most key comparisons on a
 * probe; the top bits pick the bucket, while the low bits pick the partition a group spills to
 * ({@link #partitionOf}), so the two are independent. The table grows by doubling once it is
 * more than 3/4 full ({@link #LOAD_NUMERATOR}/{@link #LOAD_DENOMINATOR}), if the pool has the
 * pages. If it has not, the table goes on filling the buckets it has, up to 7/8 ({@link
 * #MAX_LOAD_NUMERATOR}/{@link #MAX_LOAD_DENOMINATOR}): the pages that could not double the
 * bucket area hold records instead of being left unused while the aggregator spills, at the
 * price of longer probes (linear probing at 7/8 looks at about 4.5 buckets to find a group,
 * which mostly share its home bucket's cache line). When the pool cannot give a record page, or
 * the table is 7/8 full and cannot double, {@link #add}/{@link #merge} return false with the
 * table unchanged, and the aggregator spills.
 *
 * <p><b>Eviction.</b> The aggregator may spill some partitions and keep the others: it marks the
 * spilled groups dead ({@link #kill}), then {@link #compact()} slides the live records, in address
 * order, to the front of the record area (a record only ever moves to a lower address, so none is
 * overwritten before it is read), gives the pages freed at the end back to the pool, and rebuilds
 * the buckets from the hashes the records keep in their headers. Not thread-safe; the aggregator
 * guards it.
 */
final class AggTable {

  static final int RECORD_HEADER = 8;
  static final int LOAD_NUMERATOR = 3;
  static final int LOAD_DENOMINATOR = 4;
  static final int MAX_LOAD_NUMERATOR = 7;
  static final int MAX_LOAD_DENOMINATOR = 8;
  private static final int BUCKET_BYTES = 8;

  private final AggLayout layout;
  private final Deque<MemorySegment> pool;
  private final int pageSize;
  private final int pageShift;
  private final int partitionMask;
  private final int bucketPageShift; // log2(buckets per page)
  private final int bucketInPageMask;
  private final List<MemorySegment> bucketPages = new ArrayList<>();
  private final List<MemorySegment> recordPages = new ArrayList<>();
  private final int[] partitionSizes;
  private final BinaryRow group;
  /** The offset in a record of the last 8 bytes of its fixed part (keys and accumulators). */
  private final int lastFixedWord;
  private int bucketBits;
  private boolean ordered; // after sortGroups: buckets [0, size) are the groups in order
  private int size;
  private int recordEnd; // free offset in the last record page
  private long recordBytes;

  AggTable(AggLayout layout, Deque<MemorySegment> pool, int pageSize, int partitions) {
    this.layout = layout;
    this.pool = pool;
    this.pageSize = pageSize;
    this.pageShift = Integer.numberOfTrailingZeros(pageSize);
    this.partitionMask = partitions - 1;
    this.bucketPageShift = Integer.numberOfTrailingZeros(pageSize / BUCKET_BYTES);
    this.bucketInPageMask = pageSize / BUCKET_BYTES - 1;
    this.partitionSizes = new int[partitions];
    this.group = new BinaryRow(layout.partialSchema());
    this.lastFixedWord = RECORD_HEADER + layout.fixedBytes() - 8;
  }

  /** Takes the first bucket page; the pool must hold one. */
  void open() {
    bucketPages.add(pool.pop());
    bucketPages.getFirst().fill(0, pageSize, (byte) 0);
    bucketBits = Integer.numberOfTrailingZeros(pageSize / BUCKET_BYTES);
  }

  int size() {
    return size;
  }

  int partitionSize(int partition) {
    return partitionSizes[partition];
  }

  int partitionOf(int hash) {
    return hash & partitionMask;
  }

  long recordBytes() {
    return recordBytes;
  }

  /** Pages the table holds now. */
  int pages() {
    return bucketPages.size() + recordPages.size();
  }

  // ---------------------------------------------------------------- find, insert, update

  /**
   * Touches the home bucket of each of {@code hashes[0, n)}, then the record each non-empty one
   * points to, so that adding those rows next finds the lines in cache. Changes nothing; a
   * bucket that changes before the rows are added just makes its prefetch useless.
   *
   * @return a value of the loaded bytes, to keep the loads from being optimised away
   */
  long prefetch(int[] hashes, int n, long[] scratch) {
    int shift = 32 - bucketBits;
    for (int i = 0; i < n; i++) { // independent loads: their misses overlap
      scratch[i] = bucket((hashes[i] & 0xFFFF_FFFFL) >>> shift);
    }
    return touchRecords(scratch, n);
  }

  /**
   * Reads the fixed part of the record of each non-empty bucket value of {@code buckets[0, n)},
   * independent loads whose misses overlap (see {@link RowBatch}).
   *
   * @return a value of the loaded bytes, to keep the loads from being optimised away
   */
  long touchRecords(long[] buckets, int n) {
    long touched = 0;
    for (int i = 0; i < n; i++) {
      long bucket = buckets[i];
      if (bucket != 0) {
        int address = (int) (bucket >>> 32) - 1;
        MemorySegment page = recordPages.get(address >>> pageShift);
        int at = address & (pageSize - 1);
        touched += page.getLong(at) + page.getLong(at + lastFixedWord); // the record may cross a line
      }
    }
    return touched;
  }

  /** Adds input row {@code input} (key hash {@code hash}) to its group; false if out of pages (nothing changed). */
  boolean add(BinaryRow input, int hash) {
    return upsert(input, hash, false);
  }

  /** Merges partial row {@code partial} into its group; false if out of pages (nothing changed). */
  boolean merge(BinaryRow partial, int hash) {
    return upsert(partial, hash, true);
  }

  /** {@link #add} ({@code merging} false) or {@link #merge} (true). */
  boolean upsert(BinaryRow row, int hash, boolean merging) {
    long mask = (1L << bucketBits) - 1;
    long index = (hash & 0xFFFF_FFFFL) >>> (32 - bucketBits);
    while (true) {
      long bucket = bucket(index);
      if (bucket == 0) {
        return insert(row, hash, merging, index);
      }
      if ((int) bucket == hash && keyEquals(row, merging, bucket)) {
        return update(row, merging, index, bucket);
      }
      index = (index + 1) & mask;
    }
  }

  private boolean insert(BinaryRow row, int hash, boolean merging, long index) {
    boolean grown = (size + 1L) * LOAD_DENOMINATOR > (long) LOAD_NUMERATOR << bucketBits && grow();
    if (!grown && (size + 1L) * MAX_LOAD_DENOMINATOR > (long) MAX_LOAD_NUMERATOR << bucketBits) {
      return false;
    }
    int length = merging ? row.sizeInBytes() : layout.newLength(row);
    int address = allocate(length, hash);
    if (address < 0) {
      return false;
    }
    MemorySegment page = recordPages.get(address >>> pageShift);
    int at = (address & (pageSize - 1)) + RECORD_HEADER;
    if (merging) {
      row.segment().copyTo(row.offset(), page, at, length);
    } else {
      layout.writeNew(row, page, at);
    }
    if (grown) { // the bucket moved
      index = freeBucket(hash);
    }
    setBucket(index, address, hash);
    size++;
    partitionSizes[partitionOf(hash)]++;
    return true;
  }

  private boolean update(BinaryRow row, boolean merging, long index, long bucket) {
    int address = (int) (bucket >>> 32) - 1;
    MemorySegment page = recordPages.get(address >>> pageShift);
    int at = (address & (pageSize - 1)) + RECORD_HEADER;
    int length = layout.hasVariableAccumulators() ? page.getInt(at - RECORD_HEADER) : -1;
    int newLength = length < 0 ? -1 : layout.relocatedLength(row, merging, page, at, length);
    if (newLength >= 0) {
      int moved = allocate(newLength, (int) bucket);
      if (moved < 0) {
        return false;
      }
      MemorySegment target = recordPages.get(moved >>> pageShift);
      int to = (moved & (pageSize - 1)) + RECORD_HEADER;
      layout.relocate(row, merging, page, at, length, target, to);
      page.putInt(at - RECORD_HEADER, ~length); // the old place is dead
      setBucket(index, moved, (int) bucket);
      page = target;
      at = to;
    }
    if (merging) {
      layout.merge(row, page, at);
    } else {
      layout.accumulate(row, page, at);
    }
    return true;
  }

  private boolean keyEquals(BinaryRow row, boolean merging, long bucket) {
    int address = (int) (bucket >>> 32) - 1;
    MemorySegment page = recordPages.get(address >>> pageShift);
    int at = (address & (pageSize - 1)) + RECORD_HEADER;
    return layout.keyEquals(row, merging, page, at);
  }

  private BinaryRow pointGroup(long bucket) {
    int address = (int) (bucket >>> 32) - 1;
    MemorySegment page = recordPages.get(address >>> pageShift);
    int at = (address & (pageSize - 1)) + RECORD_HEADER;
    group.pointTo(page, at, page.getInt(at - RECORD_HEADER));
    return group;
  }

  /**
   * Room for a record of a row of {@code length} bytes, of a group of key hash {@code hash}: its
   * address, or -1 if out of pages.
   */
  private int allocate(int length, int hash) {
    int bytes = checkFitsPage(length, pageSize);
    if (recordPages.isEmpty() || recordEnd + bytes > pageSize) {
      if (pool.isEmpty()) {
        return -1;
      }
      if ((long) (recordPages.size() + 1) << pageShift > Integer.MAX_VALUE) {
        return -1; // addresses are ints: at most 2 GiB of records per table
      }
      endPage();
      recordPages.add(pool.pop());
      recordEnd = 0;
    }
    int address = (recordPages.size() - 1) << pageShift | recordEnd;
    MemorySegment page = recordPages.getLast();
    page.putInt(recordEnd, length);
    page.putInt(recordEnd + 4, hash);
    recordEnd += bytes;
    recordBytes += bytes;
    return address;
  }

  /** Marks the end of the records of the last record page, if they do not fill it. */
  private void endPage() {
    if (!recordPages.isEmpty() && recordEnd < pageSize) { // records are 8-byte aligned: a header fits
      recordPages.getLast().putInt(recordEnd, 0);
    }
  }

  /** The bytes the record of a row of {@code length} bytes takes: its header, the row, 8-byte alignment. */
  static int recordBytes(int length) {
    return (RECORD_HEADER + length + 7) & ~7;
  }

  /**
   * The bytes a record of a row of {@code length} bytes takes (header and alignment included).
   *
   * @throws IllegalArgumentException if that is more than {@code pageSize}
   */
  static int checkFitsPage(int length, int pageSize) {
    int bytes = recordBytes(length);
    if (bytes > pageSize) {
      throw new IllegalArgumentException("a group of length=" + length + " bytes (plus a " + RECORD_HEADER
          + "-byte header) does not fit one page of pageSize=" + pageSize + "; use larger pages or shorter keys");
    }
    return bytes;
  }

  // ---------------------------------------------------------------- buckets

  private long bucket(long index) {
    return bucketPages.get((int) (index >>> bucketPageShift)).getLong(((int) index & bucketInPageMask) * BUCKET_BYTES);
  }

  private void setBucket(long index, int address, int hash) {
    setBucketValue(index, (long) (address + 1) << 32 | (hash & 0xFFFF_FFFFL));
  }

  private long freeBucket(int hash) {
    long mask = (1L << bucketBits) - 1;
    long index = (hash & 0xFFFF_FFFFL) >>> (32 - bucketBits);
    while (bucket(index) != 0) {
      index = (index + 1) & mask;
    }
    return index;
  }

  /** Doubles the bucket area if the pool has the pages (keeping one for a record); false if not. */
  private boolean grow() {
    int needed = bucketPages.size() * 2;
    if (pool.size() < needed + 1 || bucketBits >= 31) {
      return false;
    }
    List<MemorySegment> old = new ArrayList<>(bucketPages);
    long oldCapacity = 1L << bucketBits;
    bucketPages.clear();
    for (int i = 0; i < needed; i++) {
      MemorySegment page = pool.pop();
      page.fill(0, pageSize, (byte) 0);
      bucketPages.add(page);
    }
    bucketBits++;
    for (long i = 0; i < oldCapacity; i++) {
      long bucket = old.get((int) (i >>> bucketPageShift)).getLong(((int) i & bucketInPageMask) * BUCKET_BYTES);
      if (bucket != 0) {
        int hash = (int) bucket;
        setBucket(freeBucket(hash), (int) (bucket >>> 32) - 1, hash);
      }
    }
    old.forEach(pool::push);
    return true;
  }

  // ---------------------------------------------------------------- iteration and clearing

  /** The capacity in buckets. */
  long capacity() {
    return ordered ? size : 1L << bucketBits;
  }

  /** The bucket value at {@code index} (0 if empty): its low 32 bits are the hash. */
  long bucketAt(long index) {
    return bucket(index);
  }

  /** Points {@code row} (of the partial or, same layout, output schema) at the group of {@code bucket}. */
  void pointTo(long bucket, BinaryRow row) {
    BinaryRow at = pointGroup(bucket);
    row.pointTo(at.segment(), at.offset(), at.sizeInBytes());
  }

  /**
   * For a spill: gathers the bucket values of every group at the front of the bucket area,
   * grouped by partition, so that partition {@code p}'s groups are {@code bucketAt(k)} for {@code
   * k} in {@code [bounds[p], bounds[p + 1])} (the returned bounds). One pass over the buckets
   * moves the values to the front, then an in-place permutation over the groups (at most one
   * swap per group) puts each partition together: a spill then reads the bucket area once,
   * not once per partition. This destroys the hash index: only {@link #clear()} may follow.
   */
  int[] groupByPartition() {
    int parts = partitionSizes.length;
    int[] bounds = new int[parts + 1];
    for (int p = 0; p < parts; p++) {
      bounds[p + 1] = bounds[p] + partitionSizes[p];
    }
    long front = 0;
    for (long i = 0, n = capacity(); i < n; i++) {
      long value = bucket(i);
      if (value != 0) {
        setBucketValue(front++, value); // front <= i: a bucket already read
      }
    }
    int[] next = java.util.Arrays.copyOf(bounds, parts);
    for (int p = 0; p < parts; p++) {
      while (next[p] < bounds[p + 1]) {
        long value = bucket(next[p]);
        int q = partitionOf((int) value);
        if (q == p) {
          next[p]++;
        } else { // put it in its partition's next place, take what was there
          long displaced = bucket(next[q]);
          setBucketValue(next[q]++, value);
          setBucketValue(next[p], displaced);
        }
      }
    }
    return bounds;
  }

  /** Marks the record of {@code bucket} dead: {@link #compact()} drops it. */
  void kill(long bucket) {
    int address = (int) (bucket >>> 32) - 1;
    MemorySegment page = recordPages.get(address >>> pageShift);
    int at = address & (pageSize - 1);
    page.putInt(at, ~page.getInt(at));
  }

  /**
   * Lays the groups out in the order of {@code order}, a comparator over group rows: afterwards
   * {@link #capacity()} is the number of groups and {@link #bucketAt} of {@code 0, 1, ...} gives
   * them in that order. This destroys the hash index: only {@link #clear()} may follow.
   *
   * <p><b>How, in place.</b> The sort needs no page: the bucket area, more buckets than groups (at
   * most 7/8 of them are full), becomes an index of one 8-byte entry per group, the record's address + 1
   * in the high half (as in a bucket) and a 32-bit prefix of the group's order in the low half:
   * 32 bits of its normalized key ({@link SortComparator#putNormalizedKey}, whose unsigned order
   * agrees with {@code order}) from the first bit in which the groups' keys differ ({@link
   * KeyWindow}). Where the keys' range fits 32 bits (integer keys within four billion of each
   * other) the prefix tells every two groups apart, so the full comparison, which reads two
   * records at random, is only asked for ties. Two passes read the records in address order
   * (sequentially): the range of the keys, then the entries. {@link RadixSort} sorts the entries
   * on the prefix's four bytes, ties by {@code order}.
   */
  void sortGroups(SortComparator<BinaryRow> order) {
    KeyWindow window = new KeyWindow(order);
    forEachLiveRecord(window::widen);
    long[] next = {0};
    forEachLiveRecord(address -> setBucketValue(next[0]++, (long) (address + 1) << 32 | window.prefix(address)));
    ordered = true;
    RadixSort.sort(new GroupIndex(order));
  }

  /**
   * The 32 bits of the groups' normalized keys (their first 16 bytes, as an unsigned 128-bit
   * number) after the bits that all groups share: where the keys begin alike (a null byte, the
   * high bytes of small integers), the prefix starts where they differ. Taking bits of a number
   * after a run of bits all of them share never orders two of them against their order.
   */
  private final class KeyWindow {
    private final SortComparator<BinaryRow> order;
    private final int keyBytes;
    private final MemorySegment key = MemorySegments.allocateHeap(2 * Long.BYTES);
    private long minHigh = -1L;
    private long minLow = -1L;
    private long maxHigh;
    private long maxLow;
    private long high;
    private long low;
    private int shared = -1; // the leading bits all keys share, once the range is known

    KeyWindow(SortComparator<BinaryRow> order) {
      this.order = order;
      this.keyBytes = Math.min(2 * Long.BYTES, order.normalizedKeyLength());
    }

    /** Widens the range by the group at {@code address}. */
    void widen(int address) {
      read(address);
      if (Long.compareUnsigned(high, minHigh) < 0 || high == minHigh && Long.compareUnsigned(low, minLow) < 0) {
        minHigh = high;
        minLow = low;
      }
      if (Long.compareUnsigned(high, maxHigh) > 0 || high == maxHigh && Long.compareUnsigned(low, maxLow) > 0) {
        maxHigh = high;
        maxLow = low;
      }
    }

    /** The prefix of the group at {@code address}: its 32 key bits after those every group shares. */
    long prefix(int address) {
      if (shared < 0) {
        long differ = minHigh ^ maxHigh;
        shared = differ != 0 ? Long.numberOfLeadingZeros(differ) : Long.SIZE + Long.numberOfLeadingZeros(minLow ^ maxLow);
      }
      read(address);
      long top = shared == 0 ? high
          : shared < Long.SIZE ? high << shared | low >>> (Long.SIZE - shared)
          : shared < 2 * Long.SIZE ? low << (shared - Long.SIZE) : 0L;
      return top >>> Integer.SIZE;
    }

    private void read(int address) { // the bytes past keyBytes stay zero: nothing writes there
      if (keyBytes > 0) {
        order.putNormalizedKey(pointGroup((long) (address + 1) << 32), key, 0, keyBytes);
      }
      high = key.getLongBigEndian(0);
      low = key.getLongBigEndian(Long.BYTES);
    }
  }

  /** Calls {@code action} with the address of every live record, in address order. */
  private void forEachLiveRecord(IntConsumer action) {
    for (int p = 0, pages = recordPages.size(); p < pages; p++) {
      MemorySegment page = recordPages.get(p);
      int end = p == pages - 1 ? recordEnd : pageSize;
      for (int at = 0; at < end; ) {
        int header = page.getInt(at);
        if (header == 0) {
          break; // the rest of this page holds no record
        }
        if (header > 0) {
          action.accept(p << pageShift | at);
        }
        at += recordBytes(header < 0 ? ~header : header);
      }
    }
  }

  /** The groups' entries after {@link #sortGroups} fills them, as {@link RadixSort} sorts them. */
  private final class GroupIndex implements IndexedSortable {
    private final SortComparator<BinaryRow> order;
    private final BinaryRow left = new BinaryRow(layout.partialSchema());
    private final BinaryRow right = new BinaryRow(layout.partialSchema());

    GroupIndex(SortComparator<BinaryRow> order) {
      this.order = order;
    }

    @Override
    public int size() {
      return size;
    }

    @Override
    public int comparePrefix(int i, int j) {
      return Integer.compareUnsigned((int) bucket(i), (int) bucket(j));
    }

    @Override
    public int compare(int i, int j) {
      int byPrefix = comparePrefix(i, j);
      if (byPrefix != 0) {
        return byPrefix;
      }
      pointTo(bucket(i), left);
      pointTo(bucket(j), right);
      return order.compare(left, right);
    }

    @Override
    public void swap(int i, int j) {
      long at = bucket(i);
      setBucketValue(i, bucket(j));
      setBucketValue(j, at);
    }

    @Override
    public boolean hasPrefix() {
      return true;
    }

    @Override
    public int prefixLength() {
      return Integer.BYTES;
    }

    @Override
    public int prefixByte(int i, int k) {
      return (int) (bucket(i) >>> (Integer.SIZE - Byte.SIZE * (k + 1))) & 0xFF;
    }

    @Override
    public boolean prefixDecidesOrder() {
      return false; // a tie is two groups in one prefix, never two equal keys
    }
  }

  /**
   * Drops the dead records (see the class comment): the live ones move to the front of the record
   * area in address order, the record pages left empty go back to the pool, and the buckets (the
   * capacity unchanged) are rebuilt, as are the size and the partition sizes. Valid after {@link
   * #groupByPartition()} too, which it repairs.
   */
  void compact() {
    bucketPages.forEach(page -> page.fill(0, pageSize, (byte) 0));
    java.util.Arrays.fill(partitionSizes, 0);
    size = 0;
    recordBytes = 0;
    endPage();
    int to = 0; // the page and offset the next live record moves to
    int toAt = 0;
    for (int from = 0, pages = recordPages.size(); from < pages; from++) {
      MemorySegment page = recordPages.get(from);
      int end = from == pages - 1 ? recordEnd : pageSize;
      for (int at = 0; at < end; ) {
        int header = page.getInt(at);
        if (header == 0) {
          break; // the rest of this page holds no record
        }
        int bytes = recordBytes(header < 0 ? ~header : header);
        if (header > 0) {
          if (toAt + bytes > pageSize) { // only when to < from: a page already read
            if (toAt < pageSize) {
              recordPages.get(to).putInt(toAt, 0);
            }
            to++;
            toAt = 0;
          }
          MemorySegment target = recordPages.get(to);
          if (target != page || toAt != at) {
            page.copyTo(at, target, toAt, bytes); // overlaps only within a page, copied as if via a buffer
          }
          int hash = target.getInt(toAt + 4);
          setBucket(freeBucket(hash), to << pageShift | toAt, hash);
          size++;
          partitionSizes[partitionOf(hash)]++;
          recordBytes += bytes;
          toAt += bytes;
        }
        at += bytes;
      }
    }
    int keep = size == 0 ? 0 : to + 1;
    while (recordPages.size() > keep) {
      pool.push(recordPages.removeLast());
    }
    recordEnd = size == 0 ? 0 : toAt;
  }

  private void setBucketValue(long index, long value) {
    bucketPages.get((int) (index >>> bucketPageShift)).putLong(((int) index & bucketInPageMask) * BUCKET_BYTES, value);
  }

  /** Empties the table: every page back to the pool but one zeroed bucket page. */
  void clear() {
    ordered = false;
    MemorySegment first = bucketPages.removeFirst();
    bucketPages.forEach(pool::push);
    recordPages.forEach(pool::push);
    bucketPages.clear();
    recordPages.clear();
    first.fill(0, pageSize, (byte) 0);
    bucketPages.add(first);
    bucketBits = Integer.numberOfTrailingZeros(pageSize / BUCKET_BYTES);
    size = 0;
    recordEnd = 0;
    recordBytes = 0;
    java.util.Arrays.fill(partitionSizes, 0);
  }
}
