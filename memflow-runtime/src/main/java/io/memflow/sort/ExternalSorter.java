package io.memflow.sort;

import io.memflow.io.SpillManager;
import io.memflow.managed.MemoryAllocationException;
import io.memflow.managed.MemoryManager;
import io.memflow.memory.MemorySegment;
import io.memflow.serialization.RecordIterator;
import io.memflow.serialization.SortComparator;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Sorts any amount of records in a fixed budget of managed memory: records go into in-memory sort
 * buffers on the caller's thread while full buffers are sorted, and if the input does not fit,
 * spilled as sorted runs, on background threads; the runs are merged with a tree of losers
 * over their heads, in several passes if there are more than the fan-in. An input that fits in
 * memory never touches the disk. See {@code docs/sorting.md} and {@link SortPipeline} for the design.
 *
 * <p>Use: {@link #write} every record, then {@link #sorted()} once for the records in order, then
 * {@link #close()}. With a {@link Combiner}, records with equal keys are combined into one when a
 * buffer is spilled and when runs are merged.
 *
 * <p><b>Memory.</b> All pages are allocated from the {@link MemoryManager} for the owner when the
 * sorter is built. The sorter registers the owner as a consumer: under {@code LRU_RECLAIM} and
 * {@code FAIR_SHARE}, a request of another consumer may make it release free pages at once and
 * spill early to give back more (while the input is still arriving).
 *
 * <p><b>Threads.</b> One producer thread calls {@link #write} and {@link #sorted()} and reads the
 * result; the sorter runs two background threads of its own (one that sorts, one that spills
 * and merges). {@link #close()} may be called from
 * any thread at any time; a call of the producer that is waiting then fails.
 *
 * <p><b>Errors.</b> A failure of the background thread (an I/O error, a comparator or serializer
 * exception) is thrown to the caller from its next call as an {@link IOException} with the
 * failure as its cause. The sorter must then be closed.
 *
 * <p><b>Spilling.</b> Runs are files of a {@link SpillManager}: the caller's, given with {@link
 * Builder#spillManager}, or else one the sorter creates in {@code java.io.tmpdir} on its first
 * spill (an input that fits creates none).
 *
 * <p><b>Ownership.</b> The sorter owns its pages, its spill files, its thread and the spill
 * manager it created (never one it was given); {@link #close()} stops the thread, deletes every
 * file it created, closes its own spill manager, releases every page and unregisters the
 * consumer, after success, failure or cancellation. Idempotent.
 *
 * @param <T> the type of the records
 */
public final class ExternalSorter<T> implements AutoCloseable {

  private final MemoryManager manager;
  private final Object owner;
  private final PagePool pool;
  private final SortComparator<T> comparator;
  private final Combiner<T> combiner;
  private final SortPipeline<T> pipeline;
  private final RunStorage storage;
  private final List<NormalizedKeySorter<T>> buffers;
  private final long thresholdBytes;
  /**
   * Held by every producer and consumer call ({@code write}, {@code sorted}, the result's {@code
   * next}) for its duration: {@link #close()} from another thread takes it after stopping the
   * pipeline (which wakes a waiting call with an exception), so no call still touches a page when
   * the pages are released.
   */
  private final Object calls = new Object();
  private NormalizedKeySorter<T> filling;
  private long checkedCapacity;
  private RecordIterator<T> result;
  private boolean resultTaken;
  private volatile boolean closed;
  private boolean released;

  private ExternalSorter(Builder<T> b, List<MemorySegment> pages) {
    this.manager = b.manager;
    this.owner = b.owner;
    this.pool = new PagePool(manager, pages, b.sortBuffers);
    this.comparator = b.comparator.duplicate();
    this.combiner = b.combiner;
    this.buffers = new ArrayList<>(b.sortBuffers);
    for (int i = 0; i < b.sortBuffers; i++) {
      buffers.add(new NormalizedKeySorter<>(b.comparator, pool.bufferSource(), null));
    }
    long sortBytes = (long) (pages.size() - PagePool.IO_PAGES) * manager.pageSize();
    this.thresholdBytes = (long) Math.ceil(sortBytes * b.spillThreshold);
    this.storage = b.storage != null ? b.storage
        : b.spillManager != null ? SpillRunStorage.shared(b.spillManager)
        : SpillRunStorage.owning(b.spillManagerFactory);
    this.pipeline = new SortPipeline<>(buffers, pool, storage, b.comparator, b.combiner, b.maxFanIn,
        "memflow-sort-" + owner);
  }

  /** A builder for a sorter of {@code comparator}'s records in {@code manager}'s memory, for {@code owner}. */
  public static <T> Builder<T> builder(MemoryManager manager, Object owner, SortComparator<T> comparator) {
    return new Builder<>(manager, owner, comparator);
  }

  // ---------------------------------------------------------------- input

  /**
   * Adds a record. Waits while every sort buffer is full and being spilled.
   *
   * @throws IllegalArgumentException if the record does not fit even an empty sort buffer
   * @throws IOException if the background thread failed (the cause says why), the serializer
   *     failed, or the thread was interrupted while waiting ({@link java.io.InterruptedIOException})
   * @throws IllegalStateException if the sorter is closed or the input has ended
   */
  public void write(T record) throws IOException {
    Objects.requireNonNull(record, "record");
    synchronized (calls) {
      checkInput();
      writeLocked(record);
    }
  }

  private void writeLocked(T record) throws IOException {
    boolean retriedIdle = false;
    while (true) {
      if (filling == null) {
        filling = pipeline.takeFree();
        checkedCapacity = 0;
      }
      if (filling.write(record)) {
        checkThreshold();
        return;
      }
      if (!filling.isEmpty()) {
        pipeline.handOff(filling);
        filling = null;
      } else if (pipeline.awaitReturn()) {
        retriedIdle = false;
      } else if (!retriedIdle) {
        retriedIdle = true; // a spill may have given pages back between the write and the check
      } else {
        throw new IllegalArgumentException("record does not fit an empty sort buffer of at most "
            + (pool.total() - PagePool.IO_PAGES) / buffers.size() + " pages of " + manager.pageSize()
            + " bytes (" + pool + "): " + record);
      }
    }
  }

  private void checkInput() throws IOException {
    pipeline.checkUsable();
    if (resultTaken) {
      throw new IllegalStateException("the input has ended: sorted() was called");
    }
  }

  private void checkThreshold() {
    long capacity = filling.capacity();
    if (capacity != checkedCapacity) {
      checkedCapacity = capacity;
      if (!pipeline.isSpilling() && capacity + pipeline.queuedBytes() >= thresholdBytes) {
        pipeline.startSpilling();
      }
    }
  }

  // ---------------------------------------------------------------- output

  /**
   * Ends the input and returns every record in ascending order of the comparator (combined, with
   * a combiner). Waits for the background thread to finish its spills and merge passes. The
   * iterator reads the sorter's memory and files: it is valid until {@link #close()}, and closing
   * it early gives its reading pages back. A record from {@code next(reuse)} may lie in one of the
   * sorter's pages (a row read in place from a spilled run): it is valid until the next call or
   * the close of the sorter or of the iterator, whichever comes first; {@code next()} returns
   * records that stay valid.
   *
   * @throws IOException if the background thread failed (the cause says why) or a run cannot be
   *     opened
   * @throws IllegalStateException if called twice or after {@link #close()}
   */
  public RecordIterator<T> sorted() throws IOException {
    synchronized (calls) {
      checkInput();
      return sortedLocked();
    }
  }

  private RecordIterator<T> sortedLocked() throws IOException {
    resultTaken = true;
    NormalizedKeySorter<T> last = filling;
    filling = null;
    pipeline.endInputAndAwait(last);
    List<RunStorage.Run> runs = pipeline.runs();
    RecordIterator<T> merged;
    if (runs.isEmpty()) {
      List<RecordIterator<T>> inMemory = new ArrayList<>();
      pipeline.sortedBuffers().forEach(buffer -> inMemory.add(buffer.iterator()));
      merged = inMemory.size() == 1 ? inMemory.getFirst() : new MergeIterator<>(inMemory, comparator);
    } else {
      merged = pipeline.openMerge(runs, pool.free());
    }
    RecordIterator<T> combined = combiner == null ? merged : new CombiningIterator<>(merged, comparator, combiner);
    result = new Result(combined);
    return result;
  }

  /** The number of runs spilled to disk so far (intermediate merge results not counted). */
  public int runsSpilled() {
    return pipeline.runsSpilled();
  }

  /** The number of intermediate merges so far (each merges up to the fan-in runs into one). */
  public int mergePasses() {
    return pipeline.mergePasses();
  }

  /** The run storage (tests). */
  RunStorage storage() {
    return storage;
  }

  /** The number of pages the sorter holds now (fewer after reclaims). */
  public int pages() {
    return pool.total();
  }

  // ---------------------------------------------------------------- memory and lifecycle

  /** Reclaimable: free pages at once, then pages that early spills give back (bounded wait). */
  private long reclaim(long bytes) {
    if (closed || resultTaken) {
      return 0;
    }
    int wanted = (int) Math.min(Integer.MAX_VALUE, Math.ceilDiv(bytes, (long) manager.pageSize()));
    int given = pool.releaseFree(wanted);
    if (given < wanted) {
      given += pipeline.spillForReclaim(wanted - given);
    }
    return (long) given * manager.pageSize();
  }

  /**
   * Stops the background thread, closes the result, deletes every spill file, releases every page
   * and unregisters the consumer. Callable from any thread, at any time; idempotent. From another
   * thread, it wakes a producer or consumer call that is waiting (the call throws {@link
   * IllegalStateException}) and waits until a call in progress has returned, so no call touches a
   * released page.
   */
  @Override
  public void close() {
    closed = true;
    pipeline.close();
    synchronized (calls) {
      if (released) {
        return;
      }
      released = true;
      RecordIterator<T> open = result;
      try {
        if (open != null) {
          open.close();
        }
      } finally {
        pipeline.deleteRuns();
        storage.close();
        pool.close();
        manager.unregisterConsumer(owner);
      }
    }
  }

  @Override
  public String toString() {
    return "ExternalSorter[owner=" + owner + ", " + pool + ", runsSpilled=" + runsSpilled()
        + ", mergePasses=" + mergePasses() + (closed ? ", closed" : "") + "]";
  }

  /** The result: fails fast once the sorter is closed. */
  private final class Result implements RecordIterator<T> {

    private final RecordIterator<T> merged;
    private boolean done;

    Result(RecordIterator<T> merged) {
      this.merged = merged;
    }

    @Override
    public T next() throws IOException {
      synchronized (calls) {
        checkReadable();
        return merged.next();
      }
    }

    @Override
    public T next(T reuse) throws IOException {
      synchronized (calls) {
        checkReadable();
        return merged.next(reuse);
      }
    }

    private void checkReadable() {
      if (closed) {
        throw new IllegalStateException("sorter is closed");
      }
      if (done) {
        throw new IllegalStateException("the sorted result is closed");
      }
    }

    @Override
    public void close() {
      synchronized (calls) {
        if (!done) {
          done = true;
          merged.close();
        }
      }
    }
  }

  /**
   * Builds an {@link ExternalSorter}. Not thread-safe; {@link #build()} checks the options
   * together, allocates the pages and starts the background thread.
   *
   * @param <T> the type of the records
   */
  public static final class Builder<T> {

    /** The default most runs merged at once: 128. */
    public static final int DEFAULT_MAX_FAN_IN = 128;
    /** The default share of the sort memory filled before spilling starts: 0.8. */
    public static final double DEFAULT_SPILL_THRESHOLD = 0.8;
    /** The default number of sort buffers circulating: 2. */
    public static final int DEFAULT_SORT_BUFFERS = 2;

    private final MemoryManager manager;
    private final Object owner;
    private final SortComparator<T> comparator;
    private int pages = -1;
    private long bytes = -1;
    private RunStorage storage;
    private SpillManager spillManager;
    private Supplier<SpillManager> spillManagerFactory = () -> SpillManager.builder().build();
    private int maxFanIn = DEFAULT_MAX_FAN_IN;
    private double spillThreshold = DEFAULT_SPILL_THRESHOLD;
    private Combiner<T> combiner;
    private int sortBuffers = DEFAULT_SORT_BUFFERS;
    private int weight = 1;

    private Builder(MemoryManager manager, Object owner, SortComparator<T> comparator) {
      this.manager = Objects.requireNonNull(manager, "manager");
      this.owner = Objects.requireNonNull(owner, "owner");
      this.comparator = Objects.requireNonNull(comparator, "comparator");
    }

    /** The memory as a number of pages (this or {@link #memoryBytes} is required). */
    public Builder<T> pages(int pages) {
      this.pages = pages;
      this.bytes = -1;
      return this;
    }

    /** The memory in bytes, rounded down to whole pages (this or {@link #pages} is required). */
    public Builder<T> memoryBytes(long bytes) {
      this.bytes = bytes;
      this.pages = -1;
      return this;
    }

    /**
     * Where runs are spilled: one file of {@code spillManager} per run. The caller owns the manager
     * and closes it after the sorter; the sorter deletes the files it created (when a run is
     * consumed, and all that are left on {@link ExternalSorter#close()}) and never closes the
     * manager. Without one, the sorter creates its own manager in {@code java.io.tmpdir} on its
     * first spill and closes it in {@link ExternalSorter#close()}.
     */
    public Builder<T> spillManager(SpillManager spillManager) {
      this.spillManager = Objects.requireNonNull(spillManager, "spillManager");
      return this;
    }

    /** How the sorter makes its own spill manager when none is given (tests). */
    Builder<T> spillManagerFactory(Supplier<SpillManager> factory) {
      this.spillManagerFactory = Objects.requireNonNull(factory, "factory");
      return this;
    }

    /** Where runs are spilled instead of spill files (tests; wins over {@link #spillManager}). */
    Builder<T> runStorage(RunStorage storage) {
      this.storage = storage;
      return this;
    }

    /** The most runs merged at once, at least 2; 128 by default (less if memory is short). */
    public Builder<T> maxFanIn(int maxFanIn) {
      this.maxFanIn = maxFanIn;
      return this;
    }

    /** The share of the sort memory, in {@code (0, 1]}, filled before spilling starts; 0.8 by default. */
    public Builder<T> spillThreshold(double spillThreshold) {
      this.spillThreshold = spillThreshold;
      return this;
    }

    /** Combines records with equal keys when spilling and merging; none by default. */
    public Builder<T> combiner(Combiner<T> combiner) {
      this.combiner = Objects.requireNonNull(combiner, "combiner");
      return this;
    }

    /** The number of sort buffers circulating, at least 2; 2 by default. */
    public Builder<T> sortBuffers(int sortBuffers) {
      this.sortBuffers = sortBuffers;
      return this;
    }

    /** The consumer weight registered with the manager (for {@code FAIR_SHARE}); 1 by default. */
    public Builder<T> consumerWeight(int weight) {
      this.weight = weight;
      return this;
    }

    /**
     * Registers the owner as a consumer, allocates the pages and starts the sorter.
     *
     * @throws IllegalArgumentException if an option is out of range (the message names it and
     *     the bound), or the owner is already a registered consumer
     * @throws MemoryAllocationException if the pages cannot be allocated (nothing is held and the
     *     owner is unregistered again)
     */
    public ExternalSorter<T> build() throws MemoryAllocationException {
      int count = checkOptions();
      AtomicReference<ExternalSorter<T>> self = new AtomicReference<>();
      manager.registerConsumer(owner, weight, bytes -> {
        ExternalSorter<T> sorter = self.get();
        return sorter == null ? 0 : sorter.reclaim(bytes);
      });
      List<MemorySegment> allocated;
      try {
        allocated = manager.allocatePages(owner, count);
      } catch (MemoryAllocationException | RuntimeException e) {
        manager.unregisterConsumer(owner);
        throw e;
      }
      ExternalSorter<T> sorter = new ExternalSorter<>(this, allocated);
      self.set(sorter);
      sorter.pipeline.start();
      return sorter;
    }

    private int checkOptions() {
      int count = pages >= 0 ? pages : bytes >= 0 ? (int) Math.min(Integer.MAX_VALUE, bytes / manager.pageSize()) : -1;
      if (count < 0) {
        throw new IllegalArgumentException("the sorter's memory is not set: call pages(n) or memoryBytes(bytes)");
      }
      if (sortBuffers < 2) {
        throw new IllegalArgumentException("sortBuffers=" + sortBuffers + " must be at least 2");
      }
      int least = Math.max(PagePool.MIN_PAGES, 3 * sortBuffers + PagePool.IO_PAGES);
      if (count < least) {
        throw new IllegalArgumentException("pages=" + count + " (pageSize=" + manager.pageSize() + ") must be at least "
            + least + " for sortBuffers=" + sortBuffers + " (three pages per buffer and " + PagePool.IO_PAGES
            + " for the spill writer)");
      }
      if (maxFanIn < 2) {
        throw new IllegalArgumentException("maxFanIn=" + maxFanIn + " must be at least 2");
      }
      if (!(spillThreshold > 0 && spillThreshold <= 1)) {
        throw new IllegalArgumentException("spillThreshold=" + spillThreshold + " must be in (0, 1]");
      }
      return count;
    }
  }
}
