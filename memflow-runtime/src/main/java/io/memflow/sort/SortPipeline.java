package io.memflow.sort;

import io.memflow.memory.MemorySegment;
import io.memflow.serialization.RecordIterator;
import io.memflow.serialization.SortComparator;
import io.memflow.serialization.TypeSerializer;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The buffer circulation of an {@link ExternalSorter} and its background threads: one that only
 * sorts, and one that spills and merges (and sorts when it has nothing to spill), so that
 * sorting one buffer overlaps writing another.
 *
 * <p><b>Idea.</b> A fixed set of sort buffers circulates between the caller's thread, which fills
 * one at a time, and the background threads, which sort each full buffer and, once spilling has
 * started, write it to a run file and empty it:
 *
 * <pre>
 *            take                 hand off               sort
 *   free ─────────▶ filling ─────────────────▶ full ──────────────▶ sorted ──┐
 *    ▲            (caller thread)                     (background)           │ spill
 *    └───────────────────────────── reset ◀──── run file ◀───────────────────┘ (background,
 *                                                                               once spilling)
 * </pre>
 *
 * Sorted buffers stay in memory until spilling starts: when the memory held by the filling buffer
 * and the queued ones reaches the spill threshold, when the writer finds no free buffer, or when
 * the memory manager asks for memory back. So an input that fits is never written to disk, and
 * an input that does not fit starts spilling early enough that the writer rarely waits. Once the
 * input has ended, the background thread merges runs in passes until at most the fan-in remain;
 * the caller's thread merges those (or the sorted buffers, if nothing spilled).
 *
 * <p><b>Locking.</b> One monitor guards the queues and flags; buffers are sorted, spilled and
 * merged outside it, by the one thread that took them from a queue (the queue hand-off orders
 * their contents). The pool's monitor may be taken inside this one, never the other way round.
 *
 * <p><b>Errors and cancellation.</b> The first background failure is kept and thrown to the
 * caller from its next call; the background thread then ends. {@link #close()} wakes everyone,
 * interrupts the background thread and waits for it, so nothing touches the pages afterwards.
 */
final class SortPipeline<T> {

  /** How long a reclaim request waits for spills to give pages back. */
  static final long RECLAIM_WAIT_MILLIS = 2_000;
  /** Pages a run reader needs at least. */
  static final int READER_PAGES = 2;
  /** Pages a run reader gets at most. */
  static final int MAX_READER_PAGES = 8;

  private final Object lock = new Object();
  private final ArrayDeque<NormalizedKeySorter<T>> free = new ArrayDeque<>();
  private final ArrayDeque<NormalizedKeySorter<T>> full = new ArrayDeque<>();
  private final ArrayDeque<NormalizedKeySorter<T>> sorted = new ArrayDeque<>();
  private final List<RunStorage.Run> runs = new ArrayList<>();
  private final PagePool pool;
  private final RunStorage storage;
  private final SortComparator<T> comparator;
  private final TypeSerializer<T> serializer;
  private final Combiner<T> combiner;
  private final int maxFanIn;
  private final Thread thread;
  /**
   * A second background thread that only sorts full buffers: buffer B is sorted while A is
   * written, so the input stalls for the longer of the two steps rather than their sum (Flink's
   * sorter has separate sort and spill threads too).
   */
  private final Thread sorter;

  private volatile long queuedBytes;
  private volatile boolean spilling;
  private volatile boolean closed;
  private volatile Throwable failure;
  private int inFlight;
  private long returns;
  private boolean inputEnded;
  private boolean done;
  private int runsSpilled;
  private int mergePasses;

  SortPipeline(List<NormalizedKeySorter<T>> buffers, PagePool pool, RunStorage storage,
      SortComparator<T> comparator, Combiner<T> combiner, int maxFanIn, String name) {
    this.free.addAll(buffers);
    this.pool = pool;
    this.storage = storage;
    this.comparator = comparator.duplicate();
    this.serializer = comparator.serializer();
    this.combiner = combiner;
    this.maxFanIn = maxFanIn;
    this.thread = Thread.ofPlatform().name(name).daemon().unstarted(this::run);
    this.sorter = Thread.ofPlatform().name(name + "-sort").daemon().unstarted(this::sortOnly);
  }

  void start() {
    thread.start();
    sorter.start();
  }

  // ---------------------------------------------------------------- the caller's side

  /** Throws the background failure, or if the sorter is closed. Two volatile reads. */
  void checkUsable() throws IOException {
    Throwable cause = failure;
    if (cause != null) {
      throw new IOException("the sorter's background thread failed: " + cause, cause);
    }
    if (closed) {
      throw new IllegalStateException("sorter is closed");
    }
  }

  long queuedBytes() {
    return queuedBytes;
  }

  boolean isSpilling() {
    return spilling;
  }

  /** Starts spilling sorted buffers (once the threshold is reached). */
  void startSpilling() {
    synchronized (lock) {
      spilling = true;
      lock.notifyAll();
    }
  }

  /** An empty buffer to fill; waits (and starts spilling) while there is none. */
  NormalizedKeySorter<T> takeFree() throws IOException {
    synchronized (lock) {
      while (free.isEmpty()) {
        checkUsable();
        spilling = true;
        lock.notifyAll();
        await();
      }
      return free.poll();
    }
  }

  /** Queues a filled buffer for sorting. */
  void handOff(NormalizedKeySorter<T> buffer) {
    synchronized (lock) {
      full.add(buffer);
      queuedBytes += buffer.capacity();
      lock.notifyAll();
    }
  }

  /**
   * Waits until a queued buffer comes back empty, after starting to spill; false at once if no
   * buffer is queued or in the background's hands (nothing will come back).
   */
  boolean awaitReturn() throws IOException {
    synchronized (lock) {
      checkUsable();
      if (full.isEmpty() && sorted.isEmpty() && inFlight == 0) {
        return false;
      }
      spilling = true;
      lock.notifyAll();
      long seen = returns;
      while (returns == seen) {
        checkUsable();
        await();
      }
      return true;
    }
  }

  /** Ends the input ({@code last} is the filling buffer or null) and waits for the background. */
  void endInputAndAwait(NormalizedKeySorter<T> last) throws IOException {
    synchronized (lock) {
      if (last != null && !last.isEmpty()) {
        full.add(last);
      } else if (last != null) {
        free.add(last);
      }
      inputEnded = true;
      lock.notifyAll();
      while (!done) {
        checkUsable();
        await();
      }
    }
  }

  private void await() throws InterruptedIOException {
    try {
      lock.wait();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting for the sorter's background thread");
    }
  }

  /** After the input ended: the runs left to merge (empty if nothing spilled). */
  List<RunStorage.Run> runs() {
    synchronized (lock) {
      return List.copyOf(runs);
    }
  }

  /** After the input ended without spilling: the sorted buffers. */
  List<NormalizedKeySorter<T>> sortedBuffers() {
    synchronized (lock) {
      return List.copyOf(sorted);
    }
  }

  int runsSpilled() {
    synchronized (lock) {
      return runsSpilled;
    }
  }

  int mergePasses() {
    synchronized (lock) {
      return mergePasses;
    }
  }

  /**
   * For a reclaim request: starts spilling and waits (bounded) until spills have given back
   * {@code pages} pages; returns how many they did. Gives nothing once the input has ended.
   */
  int spillForReclaim(int pages) {
    synchronized (lock) {
      if (closed || inputEnded || failure != null) {
        return 0;
      }
      pool.addDebt(pages);
      spilling = true;
      lock.notifyAll();
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(RECLAIM_WAIT_MILLIS);
      while (pool.debt() > 0 && !closed && failure == null && (inFlight > 0 || !full.isEmpty() || !sorted.isEmpty())) {
        long left = deadline - System.nanoTime();
        if (left <= 0 || !timedWait(left)) {
          break;
        }
      }
      return pages - pool.clearDebt();
    }
  }

  private boolean timedWait(long nanos) {
    try {
      TimeUnit.NANOSECONDS.timedWait(lock, nanos);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Stops the background thread and waits for it; idempotent. */
  void close() {
    synchronized (lock) {
      closed = true;
      lock.notifyAll();
    }
    for (Thread t : List.of(thread, sorter)) {
      if (t.isAlive() && Thread.currentThread() != t) {
        t.interrupt();
        joinUninterruptibly(t);
      }
    }
  }

  private static void joinUninterruptibly(Thread thread) {
    boolean interrupted = false;
    while (thread.isAlive()) {
      try {
        thread.join();
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /** Deletes every run not yet consumed; never throws. */
  void deleteRuns() {
    List<RunStorage.Run> left;
    synchronized (lock) {
      left = List.copyOf(runs);
      runs.clear();
    }
    left.forEach(RunStorage.Run::delete);
  }

  // ---------------------------------------------------------------- the background thread

  private enum Kind { SORT, SPILL, FINISH }

  private record Task<T>(Kind kind, NormalizedKeySorter<T> buffer) {}

  private void run() {
    try {
      for (Task<T> task = nextTask(); task != null; task = nextTask()) {
        switch (task.kind()) {
          case SORT -> sortBuffer(task.buffer());
          case SPILL -> spillBuffer(task.buffer());
          case FINISH -> {
            finishInput();
            return;
          }
        }
      }
    } catch (Throwable e) {
      if (!closed) {
        fail(e);
      }
    }
  }

  /**
   * The next task, waiting for one; null once closed. FINISH waits for the sort thread's buffer
   * in flight, which may still need spilling.
   */
  private Task<T> nextTask() throws InterruptedException {
    synchronized (lock) {
      while (!closed) {
        if (!full.isEmpty()) {
          inFlight++;
          return new Task<>(Kind.SORT, full.poll());
        }
        if (spilling && !sorted.isEmpty()) {
          inFlight++;
          return new Task<>(Kind.SPILL, sorted.poll());
        }
        if (inputEnded && inFlight == 0) {
          return new Task<>(Kind.FINISH, null);
        }
        lock.wait();
      }
      return null;
    }
  }

  /**
   * The sort thread: sorts full buffers while the main background thread spills others, so
   * sorting one buffer and writing another overlap. Ends with the input or on close.
   */
  private void sortOnly() {
    try {
      for (NormalizedKeySorter<T> buffer = nextFull(); buffer != null; buffer = nextFull()) {
        sortBuffer(buffer);
      }
    } catch (Throwable e) {
      if (!closed) {
        fail(e);
      }
    }
  }

  private NormalizedKeySorter<T> nextFull() throws InterruptedException {
    synchronized (lock) {
      while (!closed && failure == null) {
        if (!full.isEmpty()) {
          inFlight++;
          return full.poll();
        }
        if (inputEnded) {
          return null;
        }
        lock.wait();
      }
      return null;
    }
  }

  private void fail(Throwable e) {
    synchronized (lock) {
      if (failure == null) {
        failure = e;
      }
      lock.notifyAll();
    }
  }

  private void sortBuffer(NormalizedKeySorter<T> buffer) throws IOException {
    buffer.sort();
    synchronized (lock) {
      inFlight--;
      sorted.add(buffer);
      lock.notifyAll();
    }
  }

  private void spillBuffer(NormalizedKeySorter<T> buffer) throws IOException {
    RunStorage.Run run = writeRun(buffer);
    long capacity = buffer.capacity();
    buffer.reset();
    synchronized (lock) {
      inFlight--;
      runs.add(run);
      runsSpilled++;
      queuedBytes -= capacity;
      free.add(buffer);
      returns++;
      lock.notifyAll();
    }
  }

  private RunStorage.Run writeRun(NormalizedKeySorter<T> buffer) throws IOException {
    List<MemorySegment> io = takePages(PagePool.IO_PAGES);
    try {
      RunStorage.RunWriter writer = storage.create(RunStorage.RunKind.SPILLED, io);
      try {
        long records = combiner == null ? copyAll(buffer, writer) : writeAll(buffer.iterator(), writer);
        return writer.finish(records);
      } catch (Throwable e) {
        writer.abort();
        throw e;
      }
    } finally {
      pool.giveAll(io);
    }
  }

  private List<MemorySegment> takePages(int n) {
    List<MemorySegment> pages = pool.take(n);
    if (pages == null) {
      throw new IllegalStateException("no " + n + " free pages for a spill writer or reader: " + pool);
    }
    return pages;
  }

  private long copyAll(NormalizedKeySorter<T> buffer, RunStorage.RunWriter writer) throws IOException {
    buffer.writeTo(writer.view());
    return buffer.size();
  }

  /** Writes the records of {@code source}, combined if there is a combiner; returns their number. */
  private long writeAll(RecordIterator<T> source, RunStorage.RunWriter writer) throws IOException {
    long records = 0;
    try (RecordIterator<T> it = combiner == null ? source : new CombiningIterator<>(source, comparator, combiner)) {
      for (T record = it.next(null); record != null; record = it.next(record)) {
        serializer.serialize(record, writer.view());
        if ((++records & 1023) == 0 && closed) {
          throw new InterruptedIOException("sorter closed while writing a run");
        }
      }
    }
    return records;
  }

  // ---------------------------------------------------------------- merge passes

  private void finishInput() throws IOException {
    while (mergeOnePass()) {
      // until at most the fan-in runs remain
    }
    synchronized (lock) {
      done = true;
      lock.notifyAll();
    }
  }

  /** The fan-in that {@code freePages} pages allow, with or without a writer. */
  int fanIn(int freePages, boolean withWriter) {
    int forReaders = freePages - (withWriter ? PagePool.IO_PAGES : 0);
    return Math.max(2, Math.min(maxFanIn, forReaders / READER_PAGES));
  }

  /** Merges the first runs into one if there are more than the fan-in; false if not. */
  private boolean mergeOnePass() throws IOException {
    List<RunStorage.Run> group;
    synchronized (lock) {
      int fanIn = fanIn(pool.free(), true);
      if (runs.size() <= fanIn || closed) {
        return false;
      }
      int k = Math.min(fanIn, runs.size() - fanIn + 1);
      group = new ArrayList<>(runs.subList(0, k));
    }
    RunStorage.Run merged = mergeRuns(group);
    synchronized (lock) {
      runs.removeAll(group);
      runs.add(merged);
      mergePasses++;
    }
    group.forEach(RunStorage.Run::delete);
    return true;
  }

  private RunStorage.Run mergeRuns(List<RunStorage.Run> group) throws IOException {
    List<MemorySegment> io = takePages(PagePool.IO_PAGES);
    try (RecordIterator<T> merged = openMerge(group, pool.free())) {
      RunStorage.RunWriter writer = storage.create(RunStorage.RunKind.MERGED, io);
      try {
        return writer.finish(writeAll(merged, writer));
      } catch (Throwable e) {
        writer.abort();
        throw e;
      }
    } finally {
      pool.giveAll(io);
    }
  }

  /** A merge over readers of {@code group}, sharing {@code freePages} pages of the pool. */
  RecordIterator<T> openMerge(List<RunStorage.Run> group, int freePages) throws IOException {
    int pagesEach = Math.clamp(freePages / group.size(), READER_PAGES, MAX_READER_PAGES);
    List<RunIterator<T>> readers = new ArrayList<>(group.size());
    try {
      for (RunStorage.Run run : group) {
        readers.add(RunIterator.open(storage, run, serializer, pool, takePages(pagesEach)));
      }
    } catch (IOException | RuntimeException e) {
      readers.forEach(RunIterator::close);
      throw e;
    }
    return new MergeIterator<>(readers, comparator);
  }
}
