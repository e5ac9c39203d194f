package io.memflow.hash;

import io.memflow.io.SpillFile;
import io.memflow.io.SpillManager;
import io.memflow.io.SpillReader;
import io.memflow.io.SpillWriter;
import io.memflow.managed.MemoryAllocationException;
import io.memflow.managed.MemoryManager;
import io.memflow.memory.MemorySegment;
import io.memflow.memory.MemorySegments;
import io.memflow.row.BinaryRow;
import io.memflow.row.BinaryRowSerializer;
import io.memflow.row.KeyFields;
import io.memflow.row.RowIterator;
import io.memflow.row.RowSchema;
import io.memflow.row.RowWriter;
import io.memflow.row.SortComparators;
import io.memflow.row.SortField;
import io.memflow.serialization.SortComparator;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Hash aggregation (GROUP BY with count, sum, min, max, avg) over a binary hash table in managed
 * pages that spills partitions to disk when the pages run out, whatever the ratio of data to
 * memory and whatever the skew.
 *
 * <pre>{@code
 * try (HashAggregator agg = HashAggregator.builder(memoryManager, task, schema)
 *         .groupBy("customer").aggregate(AggregateFunction.count(), AggregateFunction.sum("price"))
 *         .pages(64).spillManager(spills).build()) {
 *   for (BinaryRow row : input) agg.add(row);
 *   try (RowIterator out = agg.result()) {
 *     for (BinaryRow group; (group = out.next()) != null; ) use(group); // customer, count, sum_price
 *   }
 * }
 * }</pre>
 *
 * <p><b>Design.</b> All pages are taken from the {@link MemoryManager} at {@link Builder#build()}
 * (so {@code add} never waits for memory) and form a pool: two are kept for a spill writer, two
 * more lent to a spill reader while spilled data is read back, the rest feed the {@link AggTable}
 * (open addressing, 8-byte [record address | hash] buckets, doubling at load 3/4 or, when the
 * pages cannot double it, filling up to 7/8; each group a fixed-layout row updated in place, see
 * {@link AggLayout}). When the pool runs dry, the
 * partitions (the low bits of the hash, {@link Builder#partitions}) that hold the most groups,
 * about half of those in memory, are evicted: their partial aggregates go to one file each, the
 * table keeps the other partitions' groups (compacted, see {@link AggTable}), and the evicted
 * partitions are on disk from then on: their rows are appended to an open file without entering
 * the table (hybrid hash aggregation, see {@link #chooseEvicted}). At {@link #result()}, the
 * groups of partitions that never left memory are emitted from the table first; then each
 * partition on disk is read back into the empty table in a pass of its own, adding input rows
 * and merging partial aggregates under a new hash seed (seed + level); a partition whose groups
 * still do not fit spills anew, one level deeper, at most {@link Builder#maxLevels} deep. A
 * single group always fits (merging partial aggregates of one key needs no more room), so one
 * giant group never recurses. With few pages, or when the kept groups would leave too little
 * room, every group is spilled instead (the chosen partitions still go on disk), and at the end
 * of the pass the groups of every partition that has a file are spilled too. Groups
 * come out in no particular order.
 *
 * <pre>
 *   input ──▶ table ──full──▶ evict the largest partitions p: file(p, spill k) ──┐
 *     └─ partition on disk ──▶ its open file ──────────────────────────────────┤
 *                                                                               ▼
 *   result ◀── table (partitions never evicted)   partition p ──▶ table (seed + 1) ──full──▶ level 2 ...
 * </pre>
 *
 * <p><b>Two phases.</b> Built with {@link Builder#mergePartials()}, the aggregator is the global
 * phase of a two-phase aggregation: {@code add} takes the partial rows that {@link HashCombiner}s
 * emit (the table merges them as it merges spilled partial aggregates), and partitions on disk in
 * the first pass then hold partial rows too (merged, not added, when read back). The result is
 * the same as a single-phase aggregator's over the original rows.
 *
 * <p><b>Reclaiming.</b> While rows are added, the aggregator is registered with the manager as a
 * reclaimable consumer of its owner: a reclaim request spills the table and gives back free pages
 * beyond the minimum of {@value #MIN_PAGES}; the aggregator then works on with fewer pages. It
 * unregisters at {@link #result()} and {@link #close()}.
 *
 * <p><b>Threads and ownership.</b> One owner thread calls {@code add}, {@code result} and reads
 * the result; {@link #close()} (and the result's close, which is the same) may come from any
 * thread at any time, and reclaim requests from other threads: a lock serializes them, and a long
 * spill or read-back checks for cancellation every 64 rows at most (then throwing {@link
 * CancellationException}). The aggregator owns its pages, spill files and result rows; it gives
 * every page back and deletes every file on {@link #close()} (idempotent), when the result is read
 * to its end, and at once when an operation fails (later calls then throw). It starts no threads:
 * spill I/O runs on the {@link SpillManager}'s.
 */
public final class HashAggregator implements AutoCloseable {

  /** The fewest pages an aggregator works with: 2 for a spill writer, 2 for a reader, 2 for the table. */
  public static final int MIN_PAGES = 6;

  /** The default number of spill partitions. */
  public static final int DEFAULT_PARTITIONS = 16;

  /** Up to this many bytes of buckets and groups, rows skip the batch (see {@link #fitsCache}). */
  static final long CACHED_TABLE_BYTES = 1 << 20;

  /** The default deepest recursion level of spilled partitions. */
  public static final int DEFAULT_MAX_LEVELS = 8;

  private static final int SEED = 0x5EED_A66;

  private enum State { INPUT, OUTPUT, DONE, FAILED, CLOSED }

  private final MemoryManager manager;
  private final Object owner;
  private final SpillManager spills;
  private final AggLayout layout;
  private final AggTable table;
  private final int partitions;
  private final int maxLevels;
  private final BinaryRowSerializer serializer;
  private final BinaryRowSerializer inputSerializer;
  private final ReentrantLock lock = new ReentrantLock();
  private final List<MemorySegment> pages;
  private final Deque<MemorySegment> pool = new ArrayDeque<>();
  private final List<MemorySegment> writerPages = new ArrayList<>();
  private final List<MemorySegment> readerPages = new ArrayList<>();
  private final List<SpillFile> files = new ArrayList<>();
  private final Deque<AggPartition> pending = new ArrayDeque<>();
  private final BinaryRow group;
  /** Input rows waiting to be added together (see {@link RowBatch}); heap, a fixed size. */
  private final RowBatch batch;
  /** Partial rows read back from a spill file, merged together the same way. */
  private final RowBatch mergeBatch;
  private final long[] batchBuckets = new long[RowBatch.ROWS];
  /** The rows of a batch that go to the table (not to a partition on disk), and their hashes. */
  private final int[] keptRows = new int[RowBatch.ROWS];
  private final int[] keptHashes = new int[RowBatch.ROWS];
  /** An input row made a partial row, for a partition on disk: a heap page, one row at a time. */
  private final MemorySegment convertBuffer;
  private final BinaryRow converted;
  /** The sum of what prefetching loaded: read by nothing, it keeps the loads alive. */
  @SuppressWarnings("unused")
  private long prefetched;
  private final BinaryRow output;
  private final RowWriter outputWriter;
  /** Whether {@link #add} takes partial rows ({@link Builder#mergePartials()}) rather than input rows. */
  private final boolean mergingInput;
  /** The order of the groups' keys, if asked to emit in it ({@link Builder#emitInKeyOrder()}); else null. */
  private final SortComparator<BinaryRow> keyOrder;
  private boolean inKeyOrder;
  /** The schema of the rows {@link #add} takes: the input schema, or the partial schema when merging. */
  private final RowSchema addSchema;
  private final KeyFields addKey;
  /** The last schema object {@link #add} accepted (equal to {@link #addSchema}); the owner thread's only. */
  private RowSchema knownSchema;
  private volatile boolean cancelled;
  /** Written under the lock; volatile because {@link #add} reads it without. */
  private volatile State state = State.INPUT;
  private Throwable failure;
  private AggPartition[] spilled; // of the current pass; null until it spills
  /** How many partitions of the current pass are on disk (their rows go straight to a file). */
  private int directCount;
  private int level;
  private long emitIndex;
  private boolean registered;
  private int spillCount;
  private long rowsOnDisk;
  private long emittedFromFirstPass;
  private int deepestLevel;

  private HashAggregator(Builder b, AggLayout layout, List<MemorySegment> pages) {
    this.manager = b.manager;
    this.owner = b.owner;
    this.spills = b.spills;
    this.layout = layout;
    this.partitions = effectivePartitions(b.partitions, pages.size());
    this.maxLevels = b.maxLevels;
    this.serializer = new BinaryRowSerializer(layout.partialSchema());
    this.inputSerializer = new BinaryRowSerializer(layout.inputKey().schema());
    this.pages = pages;
    pool.addAll(pages);
    writerPages.add(pool.pop());
    writerPages.add(pool.pop());
    this.table = new AggTable(layout, pool, manager.pageSize(), partitions);
    table.open();
    this.mergingInput = b.mergePartials;
    this.keyOrder = b.keyOrder ? keyOrder(layout) : null;
    this.addSchema = mergingInput ? layout.partialSchema() : layout.inputKey().schema();
    this.addKey = mergingInput ? layout.partialKey() : layout.inputKey();
    this.knownSchema = addSchema;
    this.batch = new RowBatch(addSchema);
    this.mergeBatch = new RowBatch(layout.partialSchema());
    this.group = new BinaryRow(layout.partialSchema());
    this.convertBuffer = MemorySegments.allocateHeap(manager.pageSize());
    this.converted = new BinaryRow(layout.partialSchema());
    this.output = new BinaryRow(layout.outputSchema());
    this.outputWriter = new RowWriter(layout.outputSchema());
  }

  /**
   * The partitions used with {@code pages}: the configured count, but fewer with few pages, so
   * that the file a spill writes per partition averages about four pages of groups rather than a
   * fraction of one (every file costs a create, an open and a close): at least 2.
   */
  static int effectivePartitions(int configured, int pages) {
    int tablePages = pages - MIN_PAGES + 2;
    return Math.min(configured, Math.max(2, Integer.highestOneBit(Math.max(1, tablePages / 4))));
  }

  /** A builder of an aggregator of rows of {@code inputSchema}, with pages of {@code manager} for {@code owner}. */
  public static Builder builder(MemoryManager manager, Object owner, RowSchema inputSchema) {
    return new Builder(manager, owner, inputSchema);
  }

  /**
   * The schema of the result rows of an aggregation of {@code inputSchema} grouped by {@code
   * groupBy} computing {@code functions}, known before any aggregator is built.
   *
   * @throws IllegalArgumentException if a field index or a function's field type is invalid
   */
  public static RowSchema outputSchema(RowSchema inputSchema, int[] groupBy, AggregateFunction... functions) {
    return new AggLayout(inputSchema, groupBy.clone(), List.of(functions)).outputSchema();
  }

  /**
   * The schema of partial rows of an aggregation of {@code inputSchema} grouped by {@code groupBy}
   * computing {@code functions}: the group fields (fields {@code 0..k-1}, in {@code groupBy}
   * order), then the accumulator fields (one per aggregate, two for avg: its sum and count). A
   * {@link HashCombiner} emits such rows and an aggregator built with {@link
   * Builder#mergePartials()} takes them.
   *
   * @throws IllegalArgumentException if a field index or a function's field type is invalid
   */
  public static RowSchema partialSchema(RowSchema inputSchema, int[] groupBy, AggregateFunction... functions) {
    if (groupBy.length == 0) {
      throw new IllegalArgumentException("no group fields: groupBy needs at least one field of " + inputSchema);
    }
    return new AggLayout(inputSchema, groupBy.clone(), List.of(functions)).partialSchema();
  }

  /** The schema of result rows: the group fields (as in the input), then one field per aggregate. */
  public RowSchema outputSchema() {
    return layout.outputSchema();
  }

  /**
   * Adds {@code row} (an input row, or with {@link Builder#mergePartials()} a partial row) to its
   * group; spills when the pages run out. Rows are added in batches of up to {@value RowBatch#ROWS}
   * (copied aside until then, see {@link RowBatch}), so a failure caused by one row may surface on
   * a later call or at {@link #result()}.
   *
   * @throws IOException if a spill fails (everything is released; the aggregator is then unusable)
   * @throws IllegalArgumentException if the row is not of the input (or partial) schema, or its
   *     group does not fit one page (everything is released)
   * @throws IllegalStateException after {@link #result()}, a failure or {@link #close()}
   * @throws CancellationException if {@link #close()} was called during the call
   */
  public void add(BinaryRow row) throws IOException {
    // The common case touches only the owner thread's batch, so it needs no lock; the state is
    // checked again under the lock whenever the batch is added to the table.
    if (state == State.INPUT && !cancelled && row.schema() == knownSchema) {
      int hash = addKey.hash(row, SEED);
      if (batch.size() == 0 && fitsCache()) {
        addDirect(row, hash);
        return;
      }
      if (batch.offer(row, hash)) {
        if (batch.isFull()) {
          addLocked(null);
        }
        return;
      }
    }
    addLocked(row);
  }

  /**
   * Whether the table is small enough to stay in the cache ({@value #CACHED_TABLE_BYTES} bytes of
   * buckets and groups): then a row's lookup misses no cache line, batching it to overlap the
   * misses ({@link RowBatch}) has nothing to hide, and the row is added at once, without the copy
   * into the batch. Read without the lock: a stale answer only picks the other, equally correct path.
   */
  private boolean fitsCache() {
    return table.capacity() * Long.BYTES + table.recordBytes() <= CACHED_TABLE_BYTES && directCount == 0;
  }

  /** Adds (merges) {@code row} to the table under the lock, as {@link #addLocked} adds a batch. */
  private void addDirect(BinaryRow row, int hash) throws IOException {
    lock.lock();
    try {
      checkState(State.INPUT);
      put(row, hash, mergingInput);
    } catch (IOException | RuntimeException | Error e) {
      fail(e);
      throw e;
    } finally {
      lock.unlock();
    }
  }

  /** Adds the batch, then {@code row} (if not null) to the next batch or, if too large, directly. */
  private void addLocked(BinaryRow row) throws IOException {
    lock.lock();
    try {
      checkState(State.INPUT);
      addBatch();
      if (row == null) {
        return;
      }
      checkSchema(row.schema());
      int hash = addKey.hash(row, SEED);
      if (!batch.offer(row, hash)) {
        put(row, hash, mergingInput); // larger than a whole batch
      }
    } catch (IOException | RuntimeException | Error e) {
      fail(e);
      throw e;
    } finally {
      lock.unlock();
    }
  }

  /** Accepts {@code schema} if it equals the schema {@link #add} takes (remembered: the next check is by identity). */
  private void checkSchema(RowSchema schema) {
    if (!schema.equals(addSchema)) {
      throw new IllegalArgumentException("row schema " + schema + " is not the " + (mergingInput
          ? "partial schema (mergePartials) " : "input schema ") + addSchema);
    }
    knownSchema = schema;
  }

  /** Adds (or merges) the batched rows of {@link #add}, looking their groups up first (see {@link RowBatch}). */
  private void addBatch() throws IOException {
    putAll(batch, mergingInput);
  }

  /**
   * Adds ({@code merging}: merges) every row of {@code rows}: rows of partitions on disk go to
   * their files, the others' groups are looked up together first, then they are added.
   */
  private void putAll(RowBatch rows, boolean merging) throws IOException {
    try {
      int n = rows.size();
      int[] hashes = rows.hashes();
      int kept = 0;
      for (int i = 0; i < n; i++) {
        AggPartition target = onDisk(hashes[i]);
        if (target != null) {
          writeDirect(target, rows.row(i), merging);
        } else {
          keptRows[kept] = i;
          keptHashes[kept++] = hashes[i];
        }
      }
      prefetched += table.prefetch(keptHashes, kept, batchBuckets);
      for (int k = 0; k < kept; k++) {
        put(rows.row(keptRows[k]), keptHashes[k], merging);
      }
    } finally {
      rows.clear();
    }
  }

  /** The partition of {@code hash} if it is on disk in this pass, else null. */
  private AggPartition onDisk(int hash) {
    if (directCount == 0) {
      return null;
    }
    AggPartition partition = spilled[table.partitionOf(hash)];
    return partition != null && partition.writer != null ? partition : null;
  }

  /** Adds (or merges) one row: to its partition's file if that is on disk, else to the table, spilling it first if full. */
  private void put(BinaryRow row, int hash, boolean merging) throws IOException {
    AggPartition target = onDisk(hash);
    if (target != null) {
      writeDirect(target, row, merging);
      return;
    }
    if (!table.upsert(row, hash, merging)) {
      spillTable(true);
      AggPartition now = onDisk(hash);
      if (now != null) {
        writeDirect(now, row, merging);
      } else if (!table.upsert(row, hash, merging)) {
        spillTable(false); // the groups kept in memory left too little room: all of them out
        if (!table.upsert(row, hash, merging)) {
          throw new IllegalStateException("a group does not fit an empty table of " + pool.size() + " free pages");
        }
      }
    }
  }

  /**
   * Ends the input and returns the groups, one row each (of {@link #outputSchema()}), valid until
   * the next call. Closing the iterator closes this aggregator. Spilled partitions are aggregated
   * as the iterator reaches them.
   *
   * @throws IOException if spilling the rest of the table fails (everything is released)
   * @throws IllegalStateException if called twice, after a failure or after {@link #close()}
   */
  public RowIterator result() throws IOException {
    lock.lock();
    try {
      checkState(State.INPUT);
      addBatch();
      unregister();
      state = State.OUTPUT;
      if (spilled != null) {
        endPass();
      } else if (keyOrder != null) { // every group is in the table
        table.sortGroups(keyOrder);
        inKeyOrder = true;
      }
      emitIndex = 0;
      return new Result();
    } catch (IOException | RuntimeException | Error e) {
      fail(e);
      throw e;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Whether {@link #result()} returns the groups in ascending order of their group fields: asked
   * for with {@link Builder#emitInKeyOrder()}, and possible when every group stayed in memory (no
   * spill). Meaningful once {@code result()} was called.
   */
  public boolean emitsInKeyOrder() {
    return inKeyOrder;
  }

  /** Ascending on the group fields, which lead the partial rows in the table. */
  private static SortComparator<BinaryRow> keyOrder(AggLayout layout) {
    SortField[] fields = new SortField[layout.partialKey().size()];
    for (int k = 0; k < fields.length; k++) {
      fields[k] = SortField.ascending(layout.partialKey().field(k));
    }
    return SortComparators.rows(layout.partialSchema(), fields);
  }

  /**
   * Releases every page, deletes every spill file and unregisters from the manager; from any
   * thread, at any time, idempotent. An operation running on the owner thread stops at its next row
   * (with {@link CancellationException}); this call waits for that.
   */
  @Override
  public void close() {
    cancelled = true;
    lock.lock();
    try {
      releaseAll();
      state = State.CLOSED;
    } finally {
      lock.unlock();
    }
  }

  // ---------------------------------------------------------------- spilling

  /**
   * Makes room in the table. With {@code thenToDisk} (the table is full), the partitions that
   * hold the most groups, about half of those still in memory, are <em>evicted</em>: their groups
   * are spilled, the table keeps the others' ({@link AggTable#compact()}), and the evicted
   * partitions go on disk for the rest of the pass (see {@link #chooseEvicted}). If the kept
   * groups would leave too little room, or with few pages, every group is spilled instead and
   * the chosen partitions go on disk all the same. Without {@code thenToDisk} (a reclaim), every
   * group is spilled and the table emptied.
   */
  private void spillTable(boolean thenToDisk) throws IOException {
    if (spills == null) {
      throw new IllegalStateException("the hash table is full (" + pages.size() + " pages of "
          + manager.pageSize() + " bytes, " + table.size() + " groups) and no spill manager is set:"
          + " give more memory or a SpillManager (Builder.spillManager)");
    }
    if (spilled == null) {
      if (level + 1 > maxLevels) {
        throw new IllegalStateException("a spilled partition still does not fit after maxLevels=" + maxLevels
            + " levels of repartitioning: groups=" + table.size() + " in pages=" + pages.size() + " of pageSize="
            + manager.pageSize() + "; give more memory or raise Builder.maxLevels");
      }
      spilled = new AggPartition[partitions];
      deepestLevel = Math.max(deepestLevel, level + 1);
    }
    int[] bounds = table.groupByPartition();
    boolean[] chosen = thenToDisk ? chooseEvicted(bounds) : new boolean[partitions];
    int writers = 0;
    long freedBytes = 0;
    for (int p = 0; p < partitions; p++) {
      if (chosen[p]) {
        writers++;
        freedBytes += spillPartition(p, bounds[p], bounds[p + 1]);
      }
    }
    // After compacting, the pool gains about the evicted records' pages; the files of the
    // partitions going on disk take two pages each, and the table needs one to go on.
    boolean keep = writers > 0 && pool.size() + freedBytes / manager.pageSize() - 1 >= 2L * writers + 2;
    for (int p = 0; !keep && p < partitions; p++) {
      if (!chosen[p] && bounds[p + 1] > bounds[p]) {
        spillPartition(p, bounds[p], bounds[p + 1]);
      }
    }
    spillCount++;
    if (keep) {
      table.compact();
    } else {
      table.clear();
    }
    for (int p = 0; p < partitions && pool.size() >= 3; p++) { // a file that cannot open: its rows go to the table
      if (chosen[p]) {
        openDirect(spilled[p]);
      }
    }
  }

  /**
   * Hybrid spilling: the partitions that go on disk for the rest of the pass when the table is
   * full. Those with the most groups, about half of those still in memory: each gets an open file,
   * and their rows are written to it instead of entering the table (input rows as they are in the
   * first pass, partial rows in later ones). The table then holds fewer groups and fills less
   * often; with a table a third the size of the groups, two spills leave a quarter of the
   * partitions in memory, whose groups never leave it, while the other rows are written once
   * and read back once (spilling the whole table each time instead writes about one partial row
   * per input row when groups repeat rarely between spills). Each open file takes two pages; the
   * files take at most a quarter of the pages of the table and the pool.
   */
  private boolean[] chooseEvicted(int[] bounds) {
    boolean[] chosen = new boolean[partitions];
    int switching = Math.min((partitions - directCount + 1) / 2, (pool.size() + table.pages()) / 8);
    for (int i = 0; i < switching; i++) {
      int largest = -1;
      int largestGroups = 0;
      for (int p = 0; p < partitions; p++) {
        int groups = bounds[p + 1] - bounds[p];
        if (groups > largestGroups && !chosen[p]) {
          largest = p;
          largestGroups = groups;
        }
      }
      if (largest < 0) {
        break;
      }
      chosen[largest] = true;
    }
    return chosen;
  }

  /**
   * Ends a pass that spilled: the open files are closed, the groups of partitions that have files
   * are spilled too, and those partitions go to the stack. The groups of partitions that never
   * left memory stay in the table, to be emitted first.
   */
  private void endPass() throws IOException {
    closeDirect();
    boolean spilling = false;
    for (int p = 0; p < partitions; p++) {
      spilling |= spilled[p] != null && table.partitionSize(p) > 0;
    }
    if (spilling) {
      int[] bounds = table.groupByPartition();
      boolean kept = false;
      for (int p = 0; p < partitions; p++) {
        if (bounds[p + 1] > bounds[p]) {
          if (spilled[p] != null) {
            spillPartition(p, bounds[p], bounds[p + 1]);
          } else {
            kept = true;
          }
        }
      }
      spillCount++;
      if (kept) {
        table.compact();
      } else {
        table.clear();
      }
    }
    pushSpilled();
  }

  private void openDirect(AggPartition partition) throws IOException {
    SpillFile file = spills.createFile("hash-agg");
    files.add(file);
    partition.writerPages.add(pool.pop());
    partition.writerPages.add(pool.pop());
    try {
      partition.writer = spills.openWriter(file, partition.writerPages);
    } catch (IOException | RuntimeException | Error e) {
      partition.writerPages.forEach(pool::push);
      partition.writerPages.clear();
      throw e;
    }
    partition.writerRows = 0;
    partition.writerTakesInput = level == 0 && !mergingInput; // merging: partial rows at every level
    directCount++;
  }

  /**
   * Writes {@code row} ({@code merging}: a partial row, else an input row) to {@code partition}'s
   * file: as it is if the file takes that kind, else an input row made a partial row (an input
   * row read back in a later pass).
   */
  private void writeDirect(AggPartition partition, BinaryRow row, boolean merging) throws IOException {
    if (partition.writerTakesInput) {
      inputSerializer.serialize(row, partition.writer); // the first pass adds input rows only
    } else {
      serializer.serialize(merging ? row : convert(row), partition.writer);
    }
    partition.writerRows++;
    rowsOnDisk++;
  }

  /** The partial row a new group of {@code input} would start as, in the conversion buffer. */
  private BinaryRow convert(BinaryRow input) {
    int length = layout.newLength(input);
    AggTable.checkFitsPage(length, manager.pageSize());
    layout.writeNew(input, convertBuffer, 0);
    converted.pointTo(convertBuffer, 0, length);
    return converted;
  }

  /** Closes the files of the partitions on disk (they join the partitions' files); their pages go back to the pool. */
  private void closeDirect() throws IOException {
    for (int p = 0; directCount > 0 && p < partitions; p++) {
      AggPartition partition = spilled[p];
      if (partition != null && partition.writer != null) {
        SpillWriter writer = partition.writer;
        partition.writer = null;
        directCount--;
        try {
          writer.close(); // on failure the file is deleted and the pages are back
        } finally {
          partition.writerPages.forEach(pool::push);
          partition.writerPages.clear();
        }
        partition.add(writer.file(), partition.writerRows, partition.writerTakesInput);
      }
    }
  }

  /** Aborts the files of the partitions on disk (deleting them) and takes their pages back; never throws. */
  private void abortDirect() {
    for (int p = 0; spilled != null && p < partitions; p++) {
      AggPartition partition = spilled[p];
      if (partition != null && partition.writer != null) {
        partition.writer.abort();
        partition.writer = null;
        partition.writerPages.forEach(pool::push);
        partition.writerPages.clear();
      }
    }
    directCount = 0;
  }

  /**
   * Writes partition {@code p}'s groups, bucket values {@code [from, to)} after {@link
   * AggTable#groupByPartition}, and marks their records dead; returns the bytes the records took.
   */
  private long spillPartition(int p, int from, int to) throws IOException {
    SpillFile file = spills.createFile("hash-agg");
    files.add(file);
    SpillWriter writer = spills.openWriter(file, writerPages);
    long bytes = 0;
    try {
      for (int k = from; k < to; k += batchBuckets.length) { // 64 at a time, records touched first
        int n = Math.min(batchBuckets.length, to - k);
        for (int i = 0; i < n; i++) {
          batchBuckets[i] = table.bucketAt(k + i);
        }
        bytes += writeGroups(writer, n);
      }
      writer.close();
    } catch (IOException | RuntimeException | Error e) {
      writer.abort();
      throw e;
    }
    if (spilled[p] == null) {
      spilled[p] = new AggPartition(level + 1);
    }
    spilled[p].add(file, to - from, false);
    return bytes;
  }

  /** Writes the groups of {@code batchBuckets[0, n)}, their records touched together first, and kills them; returns their record bytes. */
  private long writeGroups(SpillWriter writer, int n) throws IOException {
    checkCancelled();
    prefetched += table.touchRecords(batchBuckets, n);
    long bytes = 0;
    for (int i = 0; i < n; i++) {
      table.pointTo(batchBuckets[i], group);
      serializer.serialize(group, writer);
      bytes += AggTable.recordBytes(group.sizeInBytes());
      table.kill(batchBuckets[i]);
    }
    return bytes;
  }

  private void pushSpilled() {
    for (int p = partitions - 1; p >= 0; p--) {
      if (spilled[p] != null) {
        pending.push(spilled[p]);
      }
    }
    spilled = null;
  }

  /** Reads {@code partition} back into the empty table, merging; spills one level deeper if it must. */
  private void aggregate(AggPartition partition) throws IOException {
    level = partition.level;
    int seed = SEED + level;
    readerPages.add(pool.pop());
    readerPages.add(pool.pop());
    try {
      for (AggPartition.Run run : partition.files) {
        if (run.inputRows()) {
          readFile(run, inputSerializer, layout.inputKey(), batch, seed);
        } else {
          readFile(run, serializer, layout.partialKey(), mergeBatch, seed);
        }
      }
    } finally {
      pool.push(readerPages.removeLast());
      pool.push(readerPages.removeLast());
    }
    if (spilled != null) {
      endPass();
    }
  }

  /**
   * Adds (input rows) or merges (partial rows) the rows of {@code run}, batched in {@code rows},
   * hashed by {@code key} under {@code seed}; then deletes the file. A row that lies whole in a
   * page of the reader is read there ({@code deserializeTransient}): the batch or the table copies
   * it before the next read, and the row is this call's own, so it points nowhere once the reader
   * gave its pages back.
   */
  private void readFile(AggPartition.Run run, BinaryRowSerializer format, KeyFields key, RowBatch rows, int seed)
      throws IOException {
    boolean merging = !run.inputRows();
    BinaryRow row = new BinaryRow(format.schema());
    try (SpillReader reader = spills.openReader(run.file(), readerPages)) {
      for (long r = 0; r < run.rows(); r++) {
        checkCancelled();
        format.deserializeTransient(row, reader);
        int hash = key.hash(row, seed);
        if (!rows.offer(row, hash)) {
          putAll(rows, merging);
          if (!rows.offer(row, hash)) {
            put(row, hash, merging);
          }
        } else if (rows.isFull()) {
          putAll(rows, merging);
        }
      }
      putAll(rows, merging);
    }
    run.file().delete();
  }

  // ---------------------------------------------------------------- the result

  private BinaryRow nextRow() throws IOException {
    lock.lock();
    try {
      if (state == State.DONE) {
        return null;
      }
      checkState(State.OUTPUT);
      while (true) {
        BinaryRow row = nextFromTable();
        if (row != null) {
          return row;
        }
        if (pending.isEmpty()) {
          releaseAll();
          state = State.DONE;
          return null;
        }
        table.clear();
        aggregate(pending.pop());
        emitIndex = 0;
      }
    } catch (IOException | RuntimeException | Error e) {
      fail(e);
      throw e;
    } finally {
      lock.unlock();
    }
  }

  private BinaryRow nextFromTable() {
    for (long n = table.capacity(); emitIndex < n; ) {
      long bucket = table.bucketAt(emitIndex++);
      if (bucket != 0) {
        emittedFromFirstPass += level == 0 ? 1 : 0;
        if (layout.outputIsPartial()) {
          table.pointTo(bucket, output);
        } else {
          table.pointTo(bucket, group);
          layout.writeOutput(group, outputWriter);
          outputWriter.writeTo(output);
        }
        return output;
      }
    }
    return null;
  }

  /** The result iterator: a view of this aggregator; closing it closes the aggregator. */
  private final class Result implements RowIterator {
    @Override
    public BinaryRow next() throws IOException {
      return nextRow();
    }

    @Override
    public void close() {
      HashAggregator.this.close();
    }
  }

  // ---------------------------------------------------------------- reclaiming

  private long reclaim(long bytes) {
    lock.lock();
    try {
      if (state != State.INPUT) {
        return 0;
      }
      if (table.size() > 0 && spills != null) {
        spillTable(false);
      }
      if (directCount > 0) {
        closeDirect(); // their pages back to the pool; those partitions take rows in memory again
      }
      long wanted = (bytes + manager.pageSize() - 1) / manager.pageSize();
      int releasable = Math.min(pool.size(), pages.size() - MIN_PAGES);
      int count = (int) Math.min(wanted, Math.max(0, releasable));
      for (int i = 0; i < count; i++) {
        MemorySegment page = pool.pop();
        pages.remove(page);
        manager.release(page);
      }
      return (long) count * manager.pageSize();
    } catch (IOException | RuntimeException e) {
      long held = (long) pages.size() * manager.pageSize();
      fail(e);
      return held;
    } finally {
      lock.unlock();
    }
  }

  // ---------------------------------------------------------------- state and release

  private void checkState(State expected) throws IOException {
    if (state == expected) {
      return;
    }
    if (state == State.FAILED && failure instanceof IOException io) {
      throw new IOException("hash aggregation failed earlier: " + io.getMessage(), io);
    }
    throw new IllegalStateException("hash aggregator is " + state + ", expected " + expected
        + (failure != null ? " (failed earlier: " + failure + ")" : ""), failure);
  }

  private void checkCancelled() {
    if (cancelled) {
      throw new CancellationException("hash aggregator closed while working");
    }
  }

  private void fail(Throwable t) {
    if (state != State.CLOSED) {
      failure = t;
      state = State.FAILED;
    }
    releaseAll();
  }

  /** Unregisters, deletes every file and gives every page back; idempotent. Under the lock. */
  private void releaseAll() {
    unregister();
    abortDirect(); // waits for pages in flight, before the pages go back to the manager
    files.forEach(SpillFile::delete);
    files.clear();
    pending.clear();
    spilled = null;
    if (!pages.isEmpty()) {
      pool.clear();
      writerPages.clear();
      readerPages.clear();
      manager.release(new ArrayList<>(pages));
      pages.clear();
    }
  }

  private void unregister() {
    if (registered) {
      registered = false;
      manager.unregisterConsumer(owner);
    }
  }

  // ---------------------------------------------------------------- for tests

  /** How many times the table was spilled. */
  int spillCount() {
    return (int) underLock(() -> spillCount);
  }

  /** Rows written straight to the file of a partition on disk, over all passes. */
  long rowsOnDisk() {
    return underLock(() -> rowsOnDisk);
  }

  /** Groups emitted from the first pass's table: those of partitions that never left memory. */
  long emittedFromFirstPass() {
    return underLock(() -> emittedFromFirstPass);
  }

  /** The deepest level of spilled partitions so far (0: nothing spilled). */
  int deepestLevel() {
    return (int) underLock(() -> deepestLevel);
  }

  /** Pages held now. */
  int pagesHeld() {
    return (int) underLock(pages::size);
  }

  private long underLock(java.util.function.LongSupplier value) {
    lock.lock();
    try {
      return value.getAsLong();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Builds a {@link HashAggregator}. Not thread-safe. Required: at least one group field; the
   * memory ({@link #pages} or {@link #memoryBytes}, at least {@value HashAggregator#MIN_PAGES}
   * pages).
   */
  public static final class Builder {
    private final MemoryManager manager;
    private final Object owner;
    private final RowSchema inputSchema;
    private int[] groupFields;
    private String[] groupNames;
    private final List<AggregateFunction> functions = new ArrayList<>();
    private int pages = -1;
    private SpillManager spills;
    private int partitions = DEFAULT_PARTITIONS;
    private int maxLevels = DEFAULT_MAX_LEVELS;
    private boolean mergePartials;
    private boolean keyOrder;

    private Builder(MemoryManager manager, Object owner, RowSchema inputSchema) {
      this.manager = Objects.requireNonNull(manager, "manager");
      this.owner = Objects.requireNonNull(owner, "owner");
      this.inputSchema = Objects.requireNonNull(inputSchema, "inputSchema");
    }

    /** Groups by the input fields at these indexes, in this order. */
    public Builder groupBy(int... fields) {
      this.groupFields = fields.clone();
      this.groupNames = null;
      return this;
    }

    /** Groups by the input fields of these names, in this order. */
    public Builder groupBy(String... fields) {
      this.groupNames = fields.clone();
      this.groupFields = null;
      return this;
    }

    /** Adds aggregates, output in this order after the group fields. */
    public Builder aggregate(AggregateFunction... aggregates) {
      functions.addAll(Arrays.asList(aggregates));
      return this;
    }

    /** The memory as a number of the manager's pages, taken at {@link #build()}. */
    public Builder pages(int count) {
      this.pages = count;
      return this;
    }

    /** The memory in bytes, rounded down to whole pages. */
    public Builder memoryBytes(long bytes) {
      this.pages = (int) Math.min(Integer.MAX_VALUE, bytes / manager.pageSize());
      return this;
    }

    /** Where to spill when the pages run out; without one, running out of pages fails. */
    public Builder spillManager(SpillManager spillManager) {
      this.spills = spillManager;
      return this;
    }

    /**
     * The number of spill partitions, a power of two from 2 to 256 (default 16); an aggregator
     * with fewer than about 4 pages per partition uses fewer.
     */
    public Builder partitions(int count) {
      this.partitions = count;
      return this;
    }

    /** The deepest recursion of spilled partitions, 1 to 16 (default 8). */
    public Builder maxLevels(int levels) {
      this.maxLevels = levels;
      return this;
    }

    /**
     * The global phase of a two-phase aggregation: {@link HashAggregator#add} takes rows of the
     * partial schema ({@link HashAggregator#partialSchema}, as {@link HashCombiner}s of the same
     * input schema, group fields and aggregates emit them) and merges them, and the result is what
     * an aggregator of every original input row would return (same output schema). The builder
     * still gets the original input schema, group fields and aggregates, as the combiners do.
     */
    public Builder mergePartials() {
      this.mergePartials = true;
      return this;
    }

    /**
     * Emits the groups in ascending order of the group fields ({@link SortField#ascending}, the
     * order of a sort on them, nulls and doubles included) when they all stay in memory: the
     * table then orders its groups in place when the input ends, at no page's cost (see {@code
     * AggTable.sortGroups}). When the aggregation spilled, the order is none in particular; {@link
     * HashAggregator#emitsInKeyOrder()} tells which. For a sort of the result on its group fields,
     * which then finds its input in order.
     */
    public Builder emitInKeyOrder() {
      this.keyOrder = true;
      return this;
    }

    /**
     * Checks the options, takes the pages from the manager and registers the aggregator as a
     * reclaimable consumer of the owner.
     *
     * @throws IllegalArgumentException naming the bad option and its value (also: the owner is
     *     already registered as a consumer)
     * @throws MemoryAllocationException if the manager cannot give the pages
     */
    public HashAggregator build() throws MemoryAllocationException {
      AggLayout layout = new AggLayout(inputSchema, resolveGroupFields(), functions);
      checkOptions();
      List<MemorySegment> taken = new ArrayList<>(manager.allocatePages(owner, pages));
      HashAggregator aggregator;
      try {
        aggregator = new HashAggregator(this, layout, taken);
        manager.registerConsumer(owner, aggregator::reclaim);
        aggregator.registered = true;
      } catch (RuntimeException | Error e) {
        manager.release(taken);
        throw e;
      }
      return aggregator;
    }

    private int[] resolveGroupFields() {
      if (groupNames != null) {
        return Arrays.stream(groupNames).mapToInt(inputSchema::indexOf).toArray();
      }
      if (groupFields == null || groupFields.length == 0) {
        throw new IllegalArgumentException("no group fields: call groupBy with at least one field of " + inputSchema);
      }
      return groupFields;
    }

    private void checkOptions() {
      if (pages < MIN_PAGES) {
        throw new IllegalArgumentException("pages=" + pages + " (pageSize=" + manager.pageSize()
            + ") is fewer than the minimum of " + MIN_PAGES + "; set pages(n) or memoryBytes(b)");
      }
      if (partitions < 2 || partitions > 256 || Integer.bitCount(partitions) != 1) {
        throw new IllegalArgumentException("partitions=" + partitions + " must be a power of two in [2, 256]");
      }
      if (maxLevels < 1 || maxLevels > 16) {
        throw new IllegalArgumentException("maxLevels=" + maxLevels + " must be in [1, 16]");
      }
    }
  }
}
