package io.memflow.hash;

import io.memflow.io.SpillManager;
import io.memflow.managed.MemoryAllocationException;
import io.memflow.managed.MemoryManager;
import io.memflow.memory.MemorySegment;
import io.memflow.row.BinaryRow;
import io.memflow.row.BinaryRowSerializer;
import io.memflow.row.KeyFields;
import io.memflow.row.RowIterator;
import io.memflow.row.RowSchema;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A hybrid hash join on managed memory: the build side (right) is hashed into pages, the probe
 * side (left) streams past it; when the pages run out, partitions spill to disk with their probe
 * rows and are joined afterwards, recursively under new hash seeds, and by a block-nested loop when
 * one key alone outgrows the memory (heavy skew).
 *
 * <pre>
 *  addBuild* ──▶ HybridHashTable: 32 partitions (hash & 31) ─▶ row pages | spilled: build file + bloom
 *  endBuild  ──▶ slot directories for the in-memory partitions (more spills if they do not fit)
 *  probe*    ──▶ in memory: matches now │ spilled: bloom says maybe ─▶ probe file, no ─▶ unmatched
 *  endProbe  ──▶ RowIterator: unmatched build rows (RIGHT_OUTER), then each spilled pair:
 *                depth <= 3: a new table under seed = depth (may spill again, depth + 1)
 *                depth  > 3: block-nested loop (build file in memory-sized blocks x probe file)
 * </pre>
 *
 * <p><b>Sides and output.</b> The probe side is the left input, the build side the right: {@link
 * JoinType#LEFT_OUTER} keeps unmatched probe rows, {@link JoinType#RIGHT_OUTER} unmatched build
 * rows, {@link JoinType#SEMI} and {@link JoinType#ANTI} output probe rows with / without a match.
 * Output rows ({@link #outputSchema()}) are the probe fields then the build fields (SEMI and ANTI:
 * the probe fields only); the fields of a side an outer join may leave unmatched are nullable, and
 * a build field named like a probe field is called {@code "build." + name}. Null keys never match;
 * under ANTI a probe row with a null key is output ({@code NOT EXISTS} semantics).
 *
 * <p><b>Use.</b> {@link #addBuild} every build row, {@link #endBuild()}, then {@link #probe} every
 * probe row and read the matches it returns, then {@link #endProbe()} and read the rest; {@link
 * #close()}. The output of spilled partitions comes in the iterator of {@code endProbe}, so output
 * order follows no rule. A build row must fit in one page with a 16-byte header.
 *
 * <p><b>Memory and files.</b> The join allocates all its pages from the {@link MemoryManager} for
 * its owner when built and never asks for more; it registers the owner as a reclaimable consumer,
 * and during the build gives pages back on request by spilling its largest partitions. Spill files
 * come from the {@link SpillManager} (without one, running out of pages is an error). {@link
 * #close()} deletes every file, returns every page and unregisters the consumer; it is idempotent
 * and may be called at any time, also from another thread: if the join's thread is inside a call,
 * that call ends with a {@link CancellationException} within a row and releases everything as it
 * returns; otherwise {@code close} releases at once.
 *
 * <p><b>Threads.</b> One thread uses the join; {@link #close()} and the manager's reclaim calls
 * may come from others. Every row the join returns is valid until the next call on the join or
 * the iterator.
 */
public final class HashJoin implements AutoCloseable {

  /** Spilled pairs deeper than this are joined by a block-nested loop, not re-partitioned. */
  public static final int MAX_RECURSION_DEPTH = 3;

  private enum State { BUILD, PROBE, REST, FAILED, CLOSED }

  private final MemoryManager manager;
  private final Object owner;
  private final HashJoinContext context;
  private final RowSchema outputSchema;
  private final JoinPages pages;
  private final ReentrantLock lock = new ReentrantLock();
  private final HybridHashTable table;
  private final HashJoinMatches matches;
  /**
   * Up to this many build rows all in memory (about 1 MiB of records of 64 bytes), {@link
   * #endBuild} turns the batched mode off: the table stays in the cache, a probe misses no line,
   * and batching would only copy each probe row aside.
   */
  static final long CACHED_BUILD_ROWS = 1 << 14;

  /**
   * The probe rows of the batched mode, or null when each probe is answered at once (also after
   * {@link #endBuild} found the table small). Owner thread only.
   */
  private BatchedProbes batched;
  private final long cachedBuildRows;
  private final Deque<HashJoinSpill> pending = new ArrayDeque<>();
  private HashJoinPass pass;
  private int blockPasses;
  private State state = State.BUILD;
  private volatile boolean closeRequested;
  private boolean released;

  private HashJoin(Builder builder, List<MemorySegment> allocated) {
    this.manager = builder.manager;
    this.owner = builder.owner;
    this.pages = new JoinPages(manager, allocated);
    KeyFields buildKey = KeyFields.of(builder.buildSchema, builder.buildKey);
    KeyFields probeKey = KeyFields.of(builder.probeSchema, builder.probeKey);
    this.outputSchema = outputSchema(builder.buildSchema, builder.probeSchema, builder.type);
    this.context = new HashJoinContext(builder.type, pages, builder.spills, buildKey, probeKey,
        new BinaryRowSerializer(builder.buildSchema), new BinaryRowSerializer(builder.probeSchema),
        builder.output != null ? builder.output : new JoinRowBuilder(builder.type, builder.probeSchema, builder.buildSchema),
        () -> closeRequested);
    this.table = new HybridHashTable(context, 0, false);
    this.matches = new HashJoinMatches(context);
    this.batched = builder.batchProbes ? new BatchedProbes(builder.probeSchema) : null;
    this.cachedBuildRows = builder.cachedBuildRows;
  }

  /**
   * The batched mode's probe rows (see {@link Builder#batchProbes}): up to {@value RowBatch#ROWS}
   * copied aside; once full, their chains are touched together, then the rows are joined one by
   * one as the caller reads, with the join's lock held per row read.
   */
  private final class BatchedProbes {
    private final RowBatch rows;
    private final long[] scratch = new long[RowBatch.ROWS];
    private BinaryRow extra;
    private int extraHash;
    private int next;
    private boolean active;
    @SuppressWarnings("unused") // keeps the prefetching loads alive
    private long prefetched;

    BatchedProbes(RowSchema probeSchema) {
      this.rows = new RowBatch(probeSchema);
    }

    boolean offer(BinaryRow row, int hash) {
      return rows.offer(row, hash);
    }

    boolean isFull() {
      return rows.isFull();
    }

    /** Starts joining the batch, then {@code row} if not null; returns the output. */
    RowIterator start(BinaryRow row, int hash) {
      prefetched += table.prefetch(rows.hashes(), rows.size(), scratch);
      extra = row;
      extraHash = hash;
      next = 0;
      active = true;
      return output;
    }

    /** The next output row of the batch, or null once every row of it was joined. */
    BinaryRow next() throws IOException {
      while (active) {
        BinaryRow out = matches.isDone() ? null : matches.next();
        if (out != null) {
          return out;
        }
        if (next < rows.size()) {
          matches.probe(table, rows.row(next), rows.hashes()[next]);
          next++;
        } else if (extra != null) {
          matches.probe(table, extra, extraHash);
          extra = null;
        } else {
          active = false;
          rows.clear();
        }
      }
      return null;
    }

    /** Joins what is left of the batch, dropping the output (under RIGHT_OUTER matches still count). */
    void drain() throws IOException {
      while (next() != null) {
        // marks the build rows matched
      }
    }
  }

  /** The output of a batch, read under the join's lock (joining a row may spill it). */
  private final RowIterator output = new RowIterator() {
    @Override
    public BinaryRow next() throws IOException {
      enter(State.PROBE, "next");
      try {
        return batched.next();
      } catch (IOException | RuntimeException | Error e) {
        state = State.FAILED;
        throw e;
      } finally {
        exit();
      }
    }

    @Override
    public void close() {
      enter(State.PROBE, "close");
      try {
        batched.drain();
      } catch (IOException e) {
        state = State.FAILED;
        throw new java.io.UncheckedIOException(e);
      } catch (RuntimeException | Error e) {
        state = State.FAILED;
        throw e;
      } finally {
        exit();
      }
    }
  };

  /** What a batched probe returns until its batch is full. */
  private static final RowIterator NOTHING_YET = new RowIterator() {
    @Override
    public BinaryRow next() {
      return null;
    }

    @Override
    public void close() {}
  };

  /** A builder for a join of {@code probeSchema} rows (left) with {@code buildSchema} rows (right). */
  public static Builder builder(MemoryManager manager, Object owner, RowSchema buildSchema, RowSchema probeSchema) {
    return new Builder(manager, owner, buildSchema, probeSchema);
  }

  /**
   * The schema of the output rows of a join of {@code type}: the probe row's fields then the build
   * row's (a build field whose name the probe side has is renamed), only the probe's for semi and
   * anti joins; the side an outer join may leave unmatched becomes nullable.
   */
  public static RowSchema outputSchema(RowSchema buildSchema, RowSchema probeSchema, JoinType type) {
    return JoinRowBuilder.outputSchema(type, probeSchema, buildSchema);
  }

  /** The schema of the output rows. */
  public RowSchema outputSchema() {
    return outputSchema;
  }

  /** The kind of join. */
  public JoinType type() {
    return context.type();
  }

  /**
   * Adds one build row (copied; the caller may reuse it). Under {@link JoinType#RIGHT_OUTER} a row
   * with a null key is kept for the output; otherwise it is dropped, as it matches nothing.
   *
   * @throws IOException if spilling fails (the join is then failed: close it)
   * @throws IllegalStateException after {@link #endBuild()}, or if the join failed or was closed
   * @throws IllegalArgumentException if the row does not fit in a page with its header
   */
  public void addBuild(BinaryRow row) throws IOException {
    enter(State.BUILD, "addBuild");
    try {
      if (context.type() == JoinType.RIGHT_OUTER || !context.buildKey().hasNull(row)) {
        table.insert(row, table.hash(row));
      }
    } catch (IOException | RuntimeException | Error e) {
      state = State.FAILED;
      throw e;
    } finally {
      exit();
    }
  }

  /**
   * Ends the build side: builds the directories, spilling more partitions if they do not fit.
   *
   * @throws IOException if spilling fails (the join is then failed: close it)
   */
  public void endBuild() throws IOException {
    enter(State.BUILD, "endBuild");
    try {
      table.finishBuild();
      if (batched != null && table.spilledPartitions() == 0 && table.rowsInMemory() <= cachedBuildRows) {
        batched = null;
      }
      state = State.PROBE;
    } catch (IOException | RuntimeException | Error e) {
      state = State.FAILED;
      throw e;
    } finally {
      exit();
    }
  }

  /**
   * Probes one row: the returned iterator yields its output rows now (none if its partition is
   * spilled: they come from {@link #endProbe()}). The iterator and its rows are valid until the
   * next call on the join; a later call first drains what was left unread (under RIGHT_OUTER the
   * unread matches still count as matched).
   *
   * @throws IOException if spilling the row fails (the join is then failed: close it)
   */
  public RowIterator probe(BinaryRow row) throws IOException {
    if (batched != null && !batched.active && state == State.PROBE && !closeRequested) {
      // The common case touches only this thread's batch (heap), so it takes no lock; a close()
      // meanwhile is seen by the next call that does. A full batch starts under the lock.
      int hash = context.probeKey().hash(row, table.seed());
      if (batched.offer(row, hash)) {
        return batched.isFull() ? startBatch() : NOTHING_YET;
      }
    }
    enter(State.PROBE, "probe");
    try {
      if (batched == null) {
        matches.drain();
        return matches.probe(table, row);
      }
      batched.drain();
      int hash = context.probeKey().hash(row, table.seed());
      if (batched.offer(row, hash)) {
        return batched.isFull() ? batched.start(null, 0) : NOTHING_YET;
      }
      return batched.start(row, hash); // too large for a batch: after the batch, on its own
    } catch (IOException | RuntimeException | Error e) {
      state = State.FAILED;
      throw e;
    } finally {
      exit();
    }
  }

  /** Starts joining the full batch, under the lock. */
  private RowIterator startBatch() {
    enter(State.PROBE, "probe");
    try {
      return batched.start(null, 0);
    } catch (RuntimeException | Error e) {
      state = State.FAILED;
      throw e;
    } finally {
      exit();
    }
  }

  /**
   * Ends the probe side: the rest of the output, joined as it is read (unmatched build rows, then
   * the spilled partitions). Closing the iterator closes the join.
   */
  public RowIterator endProbe() {
    enter(State.PROBE, "endProbe");
    try {
      if (batched != null) {
        batched.drain();
        batched.start(null, 0); // the rows still batched come first in the rest
      }
      matches.drain();
      state = State.REST;
      pass = HashJoinRecursivePass.ofProbedTable(context, table);
      return new Rest();
    } catch (IOException e) { // spilling a probe row of the last batch's unread output failed
      state = State.FAILED;
      throw new java.io.UncheckedIOException(e);
    } finally {
      exit();
    }
  }

  /** Spilled partitions of the first table (for tests). */
  int spilledPartitions() {
    return table.spilledPartitions();
  }

  /** Spilled pairs joined by the block-nested loop so far (for tests). */
  int blockPasses() {
    return blockPasses;
  }

  /** Pages the join holds from the manager now (for tests). */
  int ownedPages() {
    return pages.owned();
  }

  private BinaryRow nextRest() throws IOException {
    enter(State.REST, "next");
    try {
      BinaryRow fromBatch = batched == null ? null : batched.next();
      if (fromBatch != null) {
        return fromBatch;
      }
      while (pass != null) {
        BinaryRow row = pass.next();
        if (row != null) {
          return row;
        }
        HashJoinPass done = pass;
        pass = null;
        for (HashJoinSpill spill : done.finish()) {
          pending.push(spill);
        }
        pass = nextPass();
      }
      return null;
    } catch (IOException | RuntimeException | Error e) {
      state = State.FAILED;
      throw e;
    } finally {
      exit();
    }
  }

  private HashJoinPass nextPass() {
    while (!pending.isEmpty()) {
      HashJoinSpill spill = pending.pop();
      if (nothingToOutput(spill)) {
        spill.delete();
      } else if (spill.depth() > MAX_RECURSION_DEPTH) {
        blockPasses++;
        return new HashJoinBlockPass(context, spill);
      } else {
        return HashJoinRecursivePass.of(context, spill);
      }
    }
    return null;
  }

  private boolean nothingToOutput(HashJoinSpill spill) {
    JoinType type = context.type();
    boolean noProbe = spill.probeFile() == null || spill.probeRows() == 0;
    return noProbe && type != JoinType.RIGHT_OUTER;
  }

  // ---------------------------------------------------------------- lifecycle

  private void enter(State expected, String call) {
    lock.lock();
    if (state != expected || closeRequested) {
      State actual = closeRequested ? State.CLOSED : state;
      exit();
      throw new IllegalStateException(call + " needs the join in state " + expected + ", it is " + actual);
    }
  }

  private void exit() {
    try {
      if (closeRequested) {
        releaseAll();
      }
    } finally {
      lock.unlock();
    }
    // a close() whose tryLock failed just before the unlock relies on this second look
    if (closeRequested) {
      close();
    }
  }

  /**
   * Deletes every spill file, returns every page to the manager and unregisters the consumer.
   * Idempotent; from any thread (see the class comment for a call in progress).
   */
  @Override
  public void close() {
    closeRequested = true;
    if (lock.tryLock()) {
      try {
        releaseAll();
      } finally {
        lock.unlock();
      }
    }
  }

  private void releaseAll() {
    if (released) {
      return;
    }
    released = true;
    state = State.CLOSED;
    manager.unregisterConsumer(owner);
    if (pass != null) {
      pass.abort();
      pass = null;
    }
    pending.forEach(HashJoinSpill::delete);
    pending.clear();
    table.release();
    pages.releaseAll();
  }

  /** Called by the manager: during the build, spills partitions and gives free pages back. */
  private long reclaim(long bytes) {
    if (!lock.tryLock()) {
      return 0;
    }
    try {
      if (state != State.BUILD || closeRequested) {
        return 0;
      }
      int wanted = (int) Math.min(Integer.MAX_VALUE, (bytes + pages.pageSize() - 1) / pages.pageSize());
      table.spillForReclaim(wanted);
      int keep = Math.max(table.minimumPages(), Builder.MIN_PAGES);
      return (long) pages.releaseFree(wanted, keep) * pages.pageSize();
    } catch (IOException | RuntimeException e) {
      state = State.FAILED;
      return 0;
    } finally {
      lock.unlock();
    }
  }

  /** The rest of the output; closing it closes the join. */
  private final class Rest implements RowIterator {
    @Override
    public BinaryRow next() throws IOException {
      return nextRest();
    }

    @Override
    public void close() {
      HashJoin.this.close();
    }
  }

  /**
   * Builds a {@link HashJoin}: keys on both sides (same types in the same order), the type ({@link
   * JoinType#INNER} by default), the memory ({@link #pages} or {@link #memoryBytes}, required) and
   * a {@link SpillManager} (optional). Not thread-safe.
   */
  public static final class Builder {
    private final MemoryManager manager;
    private final Object owner;
    private final RowSchema buildSchema;
    private final RowSchema probeSchema;
    private int[] buildKey;
    private int[] probeKey;
    private JoinType type = JoinType.INNER;
    private long pages = -1;
    private SpillManager spills;
    private boolean batchProbes;
    private long cachedBuildRows = CACHED_BUILD_ROWS;
    private JoinOutput output;

    private Builder(MemoryManager manager, Object owner, RowSchema buildSchema, RowSchema probeSchema) {
      this.manager = Objects.requireNonNull(manager, "manager");
      this.owner = Objects.requireNonNull(owner, "owner");
      this.buildSchema = Objects.requireNonNull(buildSchema, "buildSchema");
      this.probeSchema = Objects.requireNonNull(probeSchema, "probeSchema");
    }

    /** The build side's key fields (indexes into the build schema), in key order. */
    public Builder buildKey(int... fields) {
      this.buildKey = fields.clone();
      return this;
    }

    /** The probe side's key fields (indexes into the probe schema), in key order. */
    public Builder probeKey(int... fields) {
      this.probeKey = fields.clone();
      return this;
    }

    /** The kind of join; {@link JoinType#INNER} by default. */
    public Builder type(JoinType type) {
      this.type = Objects.requireNonNull(type, "type");
      return this;
    }

    /** The memory as a number of the manager's pages. */
    public Builder pages(int count) {
      this.pages = count;
      return this;
    }

    /** The memory in bytes, rounded down to whole pages. */
    public Builder memoryBytes(long bytes) {
      this.pages = bytes / manager.pageSize();
      return this;
    }

    /**
     * Whether {@link #probe} answers in batches: it copies each probe row aside and returns an
     * empty iterator until {@value RowBatch#ROWS} rows are waiting, then an iterator over the
     * output of all of them (looked up together, so that their cache misses overlap: much faster
     * on tables larger than the CPU caches); {@link #endProbe()} returns the output of the rows
     * still waiting first. Off by default (each probe's output comes from its own call). A build
     * side of at most {@value HashJoin#CACHED_BUILD_ROWS} rows, all in memory, stays in the cache,
     * so {@link #endBuild} then answers each probe at once anyway.
     */
    public Builder batchProbes(boolean batch) {
      this.batchProbes = batch;
      return this;
    }
    /** For tests: the largest in-memory build side that turns batching off (-1: never). */
    Builder cachedBuildRows(long rows) {
      this.cachedBuildRows = rows;
      return this;
    }


    /**
     * What the iterators return for each output pair, instead of the joined row (see {@link
     * JoinOutput}); for a caller that consumes the pairs as they come. Semi and anti joins ignore it.
     */
    public Builder output(JoinOutput output) {
      this.output = Objects.requireNonNull(output, "output");
      return this;
    }

    /** Where partitions spill; without one, a build that outgrows the memory fails. */
    public Builder spillManager(SpillManager spillManager) {
      this.spills = spillManager;
      return this;
    }

    /**
     * Allocates the pages and builds the join.
     *
     * @throws MemoryAllocationException if the manager cannot give the pages
     * @throws IllegalArgumentException if keys are missing, not comparable, or the memory is below
     *     the minimum ({@value #MIN_PAGES} pages), or the owner is already a registered consumer
     *     of the manager (the join registers it; the pages are released again)
     */
    public HashJoin build() throws MemoryAllocationException {
      check();
      List<MemorySegment> allocated = manager.allocatePages(owner, (int) pages);
      HashJoin join;
      try {
        join = new HashJoin(this, allocated);
        manager.registerConsumer(owner, join::reclaim);
      } catch (RuntimeException | Error e) {
        manager.release(allocated);
        throw e;
      }
      return join;
    }

    /** The fewest pages a join accepts. */
    public static final int MIN_PAGES = 16;

    private void check() {
      if (buildKey == null || probeKey == null) {
        throw new IllegalArgumentException("set both keys: buildKey=" + java.util.Arrays.toString(buildKey)
            + " probeKey=" + java.util.Arrays.toString(probeKey));
      }
      KeyFields.of(buildSchema, buildKey).checkComparable(KeyFields.of(probeSchema, probeKey));
      if (pages < MIN_PAGES || pages > Integer.MAX_VALUE) {
        throw new IllegalArgumentException("pages=" + pages + " must be at least MIN_PAGES=" + MIN_PAGES
            + " (pageSize=" + manager.pageSize() + "); set pages(n) or memoryBytes(b)");
      }
    }
  }
}
