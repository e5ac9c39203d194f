package io.memflow.hash;

import io.memflow.managed.MemoryAllocationException;
import io.memflow.managed.MemoryManager;
import io.memflow.memory.MemorySegment;
import io.memflow.memory.MemorySegments;
import io.memflow.row.BinaryRow;
import io.memflow.row.KeyFields;
import io.memflow.row.RowSchema;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Objects;

/**
 * The local phase of a two-phase aggregation: a bounded pre-aggregation of input rows into
 * partial rows ({@link HashAggregator#partialSchema}) before a hash exchange, whose other side is
 * a {@link HashAggregator} built with {@link HashAggregator.Builder#mergePartials()}.
 *
 * <pre>{@code
 * try (HashCombiner combiner = HashCombiner.builder(memoryManager, task, inputSchema)
 *         .groupBy(0).aggregate(AggregateFunction.count(), AggregateFunction.sum(2)).pages(8).build()) {
 *   for (BinaryRow row : input) combiner.add(row, exchange::send); // a partial row, valid during the call
 *   combiner.finish(exchange::send);
 * }
 * }</pre>
 *
 * <p><b>Design.</b> The combiner takes a fixed number of pages at {@link Builder#build()} and
 * keeps an {@link AggTable} in them (the aggregator's table: open addressing, each group one row
 * of the partial schema, updated in place). It never spills: when the pages run out, it emits
 * every group it holds to the sink, clears the table and goes on (a <em>flush</em>). A key that
 * comes back after a flush starts a new group, so the same key may leave a combiner several
 * times; the global aggregator merges those rows. Skewed keys are then folded where they arise,
 * and the subtask that aggregates them after the exchange receives one row per flush rather than
 * one per input row.
 *
 * <p><b>Pass-through.</b> Pre-aggregation costs a table insert per row and pays only if it folds
 * rows. At each flush, the combiner compares the input rows the table took since it was last
 * empty with the groups it held: if fewer than {@value #MIN_ROWS_PER_GROUP} rows per group, it
 * stops using the table for good and converts each input row directly to a partial row for the
 * sink ({@link AggLayout#writeNew}, no lookup). The decision needs a full table, so a combiner
 * whose groups fit its memory never passes through (it folds every repeat), and skew (one key
 * with most rows) keeps the ratio high. The output is correct either way, only less reduced.
 * Why 2: measured in one thread with the merging aggregator behind ({@code
 * PassThroughMeasurement}, LONG key, sum and count, 1 MiB combiner), the table and pass-through
 * cost the same per input row at 2.1 rows per group (208 against 206 ns), the table wins above
 * (4.1: 159 against 220 ns) and loses below (1.6: 226 against 193; 1.0: 426 against 336); it is
 * also Flink's default (a distinct-value rate of 0.5). The decision is final: a combiner that
 * passes through never samples again.
 *
 * <p><b>Threads and ownership.</b> Not thread-safe: one owner thread makes every call, {@link
 * #close()} included (or another thread after the owner stopped, with a happens-before edge).
 * The combiner owns its pages (given back with {@link MemoryManager#release}, never {@code
 * releaseAll}); it is not a reclaimable consumer (its memory is small and fixed). A row passed to
 * the sink belongs to the combiner and is valid only during the call; the sink must not call the
 * combiner. Any exception thrown by {@code add} or {@code finish} (the sink's included) leaves the
 * combiner failed: its pages go back at once (the groups it held are lost) and later calls throw
 * {@link IllegalStateException}.
 */
public final class HashCombiner implements AutoCloseable {

  /** The fewest pages a combiner works with: one for the buckets, one for group rows. */
  public static final int MIN_PAGES = 2;

  /**
   * The fewest input rows per group a full table must have folded for the combiner to keep
   * pre-aggregating; below it, the combiner passes rows through.
   */
  public static final int MIN_ROWS_PER_GROUP = 2;

  private static final int SEED = 0x0C0B_1AE5;
  private static final int EMIT_BATCH = 64;

  private enum State { OPEN, FAILED, CLOSED }

  private final MemoryManager manager;
  private final AggLayout layout;
  private final KeyFields inputKey;
  private final RowSchema inputSchema;
  private final List<MemorySegment> pages;
  private final AggTable table;
  private final BinaryRow group;
  /** An input row made a partial row while passing through: a heap page, one row at a time. */
  private final MemorySegment convertBuffer;
  private final BinaryRow converted;
  private final long[] emitBuckets = new long[EMIT_BATCH];
  /** {@link #MIN_ROWS_PER_GROUP}, or another value for measurements (0: never pass through). */
  private final int minRowsPerGroup;
  /** The last schema object {@link #add} accepted (equal to the input schema). */
  private RowSchema knownSchema;
  private State state = State.OPEN;
  private Throwable failure;
  private boolean passingThrough;
  private long rowsSinceClear;
  private long rowsIn;
  private long rowsOut;
  private int flushes;
  /** Input rows per group the table had folded at its first flush (0 before it). */
  private double firstFlushRowsPerGroup;
  /** The sum of what emitting prefetched: read by nothing, it keeps the loads alive. */
  @SuppressWarnings("unused")
  private long prefetched;

  private HashCombiner(MemoryManager manager, AggLayout layout, List<MemorySegment> pages, int minRowsPerGroup) {
    this.manager = manager;
    this.minRowsPerGroup = minRowsPerGroup;
    this.layout = layout;
    this.inputKey = layout.inputKey();
    this.inputSchema = inputKey.schema();
    this.knownSchema = inputSchema;
    this.pages = pages;
    Deque<MemorySegment> pool = new ArrayDeque<>(pages);
    this.table = new AggTable(layout, pool, manager.pageSize(), 1);
    table.open();
    this.group = new BinaryRow(layout.partialSchema());
    this.convertBuffer = MemorySegments.allocateHeap(manager.pageSize());
    this.converted = new BinaryRow(layout.partialSchema());
  }

  /** A builder of a combiner of rows of {@code inputSchema}, with pages of {@code manager} for {@code owner}. */
  public static Builder builder(MemoryManager manager, Object owner, RowSchema inputSchema) {
    return new Builder(manager, owner, inputSchema);
  }

  /** The schema of the rows given to the sink: {@link HashAggregator#partialSchema} of the same options. */
  public RowSchema partialSchema() {
    return layout.partialSchema();
  }

  /**
   * Folds {@code inputRow} into its group. When the table is full, first gives every group to
   * {@code out} and empties the table (and may switch to passing rows through, see the class
   * note); while passing through, gives {@code out} the row's partial row at once.
   *
   * @throws IllegalArgumentException if the row is not of the input schema, or its partial row
   *     does not fit one page
   * @throws IllegalStateException after {@link #close()} or a failure
   * @throws IOException if the sink throws it (the combiner is then failed)
   * @throws InterruptedException if the sink throws it (the combiner is then failed)
   */
  public void add(BinaryRow inputRow, Sink out) throws IOException, InterruptedException {
    if (state != State.OPEN || inputRow.schema() != knownSchema) {
      checkUsable(inputRow.schema());
    }
    try {
      rowsIn++;
      if (passingThrough) {
        emit(convert(inputRow), out);
        return;
      }
      int hash = inputKey.hash(inputRow, SEED);
      if (table.add(inputRow, hash)) {
        rowsSinceClear++;
      } else {
        addAfterFlush(inputRow, hash, out);
      }
    } catch (IOException | InterruptedException | RuntimeException | Error e) {
      fail(e);
      throw e;
    }
  }

  /** The table is full: flushes it, then adds the row to the empty table or passes it through. */
  private void addAfterFlush(BinaryRow inputRow, int hash, Sink out) throws IOException, InterruptedException {
    long folded = rowsSinceClear;
    long groups = table.size();
    if (flushes++ == 0) {
      firstFlushRowsPerGroup = folded / (double) groups;
    }
    emitAll(out);
    if (folded < minRowsPerGroup * groups) {
      passingThrough = true;
      emit(convert(inputRow), out);
    } else if (table.add(inputRow, hash)) {
      rowsSinceClear++;
    } else {
      throw new IllegalStateException("a group does not fit an empty table of " + pages.size()
          + " pages of pageSize=" + manager.pageSize());
    }
  }

  /**
   * Gives every group the combiner holds to {@code out}; the combiner is then empty and can be
   * closed (or take more rows). A combiner passing rows through holds none.
   *
   * @throws IllegalStateException after {@link #close()} or a failure
   * @throws IOException if the sink throws it (the combiner is then failed)
   * @throws InterruptedException if the sink throws it (the combiner is then failed)
   */
  public void finish(Sink out) throws IOException, InterruptedException {
    checkOpen();
    try {
      emitAll(out);
    } catch (IOException | InterruptedException | RuntimeException | Error e) {
      fail(e);
      throw e;
    }
  }

  /** Gives every group of the table to {@code out}, 64 at a time with their records touched first, and empties it. */
  private void emitAll(Sink out) throws IOException, InterruptedException {
    for (long i = 0, capacity = table.capacity(); i < capacity; ) {
      int n = 0;
      for (; n < EMIT_BATCH && i < capacity; i++) {
        long bucket = table.bucketAt(i);
        if (bucket != 0) {
          emitBuckets[n++] = bucket;
        }
      }
      prefetched += table.touchRecords(emitBuckets, n);
      for (int k = 0; k < n; k++) {
        table.pointTo(emitBuckets[k], group);
        emit(group, out);
      }
    }
    table.clear();
    rowsSinceClear = 0;
  }

  private void emit(BinaryRow partialRow, Sink out) throws IOException, InterruptedException {
    rowsOut++;
    out.accept(partialRow);
  }

  /** The partial row {@code inputRow} alone makes, in the conversion buffer. */
  private BinaryRow convert(BinaryRow inputRow) {
    int length = layout.newLength(inputRow);
    AggTable.checkFitsPage(length, manager.pageSize());
    layout.writeNew(inputRow, convertBuffer, 0);
    converted.pointTo(convertBuffer, 0, length);
    return converted;
  }

  private void checkUsable(RowSchema schema) {
    checkOpen();
    if (!schema.equals(inputSchema)) {
      throw new IllegalArgumentException("row schema " + schema + " is not the input schema " + inputSchema);
    }
    knownSchema = schema;
  }

  private void checkOpen() {
    if (state != State.OPEN) {
      throw new IllegalStateException("hash combiner is " + state
          + (failure != null ? " (failed earlier: " + failure + ")" : ""), failure);
    }
  }

  private void fail(Throwable t) {
    failure = t;
    state = State.FAILED;
    releasePages();
  }

  /** Gives every page back to the manager; idempotent. The groups the combiner held are lost. */
  @Override
  public void close() {
    releasePages();
    state = State.CLOSED;
  }

  private void releasePages() {
    if (!pages.isEmpty()) {
      manager.release(pages); // clears the list
    }
  }

  // ---------------------------------------------------------------- counters

  /** Input rows taken by {@link #add}. */
  public long rowsIn() {
    return rowsIn;
  }

  /** Partial rows given to sinks. */
  public long partialRowsOut() {
    return rowsOut;
  }

  /** How many times the table was full and emptied into the sink (not counting {@link #finish}). */
  public int flushes() {
    return flushes;
  }

  /** Whether the combiner passes rows through (pre-aggregation did not pay; see the class note). */
  public boolean isPassingThrough() {
    return passingThrough;
  }

  /** For tests: passes every later row through, as if a flush had found too few rows per group. */
  void passThrough() {
    passingThrough = true;
  }

  /** For measurements: input rows per group the table had folded at its first flush (0 before it). */
  double firstFlushRowsPerGroup() {
    return firstFlushRowsPerGroup;
  }

  /** Pages held now. */
  int pagesHeld() {
    return pages.size();
  }

  /**
   * Where a combiner puts partial rows. A row is valid only during the call, and belongs to the
   * combiner: copy it to keep it.
   */
  @FunctionalInterface
  public interface Sink {
    /** Takes one partial row (of {@link HashCombiner#partialSchema()}), valid only during the call. */
    void accept(BinaryRow partialRow) throws IOException, InterruptedException;
  }

  /**
   * Builds a {@link HashCombiner}. Not thread-safe. Required: at least one group field; the memory
   * ({@link #pages} or {@link #memoryBytes}, at least {@value HashCombiner#MIN_PAGES} pages).
   */
  public static final class Builder {
    private final MemoryManager manager;
    private final Object owner;
    private final RowSchema inputSchema;
    private int[] groupFields;
    private final List<AggregateFunction> functions = new ArrayList<>();
    private int pages = -1;
    private int minRowsPerGroup = MIN_ROWS_PER_GROUP;

    private Builder(MemoryManager manager, Object owner, RowSchema inputSchema) {
      this.manager = Objects.requireNonNull(manager, "manager");
      this.owner = Objects.requireNonNull(owner, "owner");
      this.inputSchema = Objects.requireNonNull(inputSchema, "inputSchema");
    }

    /** Groups by the input fields at these indexes, in this order (as the global aggregator does). */
    public Builder groupBy(int... fields) {
      this.groupFields = fields.clone();
      return this;
    }

    /** Adds aggregates, in this order (as the global aggregator does). */
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

    /** For measurements: the pass-through threshold instead of {@value HashCombiner#MIN_ROWS_PER_GROUP} (0: never). */
    Builder minRowsPerGroup(int rows) {
      this.minRowsPerGroup = rows;
      return this;
    }

    /**
     * Checks the options and takes the pages from the manager, all or nothing.
     *
     * @throws IllegalArgumentException naming the bad option and its value
     * @throws MemoryAllocationException if the manager cannot give the pages (none is taken)
     */
    public HashCombiner build() throws MemoryAllocationException {
      if (groupFields == null || groupFields.length == 0) {
        throw new IllegalArgumentException("no group fields: call groupBy with at least one field of " + inputSchema);
      }
      AggLayout layout = new AggLayout(inputSchema, groupFields, functions);
      if (pages < MIN_PAGES) {
        throw new IllegalArgumentException("pages=" + pages + " (pageSize=" + manager.pageSize()
            + ") is fewer than the minimum of " + MIN_PAGES + "; set pages(n) or memoryBytes(b)");
      }
      List<MemorySegment> taken = new ArrayList<>(manager.allocatePages(owner, pages));
      try {
        return new HashCombiner(manager, layout, taken, minRowsPerGroup);
      } catch (RuntimeException | Error e) {
        manager.release(taken);
        throw e;
      }
    }
  }
}
