package io.memflow.cache;

import io.memflow.io.SpillFile;
import io.memflow.io.SpillManager;
import io.memflow.io.SpillReader;
import io.memflow.io.SpillWriter;
import io.memflow.managed.MemoryAllocationException;
import io.memflow.managed.MemoryManager;
import io.memflow.memory.MemorySegment;
import io.memflow.memory.view.SeekableInputView;
import io.memflow.memory.view.SeekableOutputView;
import io.memflow.serialization.RecordIterator;
import io.memflow.serialization.TypeSerializer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A dataset kept in managed memory to be read any number of times (an intermediate result that
 * several consumers, or several iterations, read again), which moves to disk when memory is
 * short or reclaimed.
 *
 * <p><b>Life.</b> {@link #add} every record (one writer thread), {@link #finish()}, then {@link
 * #open()} readers, one after the other or at the same time, each on its own thread; {@link
 * #close()} at the end. Records are serialized back to back into pages taken one at a time from
 * the {@link MemoryManager}; when a page cannot be had (the budget, the policy or {@code
 * maxMemoryPages} says no), what is cached so far is written to a spill file and the rest of the
 * records follow it there.
 *
 * <p><b>Reclaim.</b> The cache registers its owner with the manager as a reclaimable consumer:
 * under {@code LRU_RECLAIM} the manager asks the least recently used caches first (every {@link
 * #open()} counts as a use). Asked, the cache writes its records to a spill file and gives its
 * pages back; readers open from then on read the file. A reader already reading the pages keeps
 * them until it is closed (its pages are given back then), so a reclaim never pulls memory from
 * under a reader. A cache that is busy (its lock held by a write or another reclaim) or whose
 * spill fails gives nothing back at that moment, which the manager's contract allows; this is
 * also what keeps two consumers reclaiming from each other from deadlocking.
 *
 * <p><b>Memory.</b> Besides its data pages, the cache holds two I/O pages from the manager for its
 * whole life: the spill writer's buffers (a reclaim must not ask the manager for memory) and the
 * first disk reader's buffers; each further disk reader open at the same time takes two pages of
 * its own from the manager.
 *
 * <p><b>Ownership.</b> The cache owns its pages and spill file; the caller owns the {@link
 * SpillManager} and the readers it opens. {@link #close()} releases everything not in use by an
 * open reader, and unregisters the consumer; each open reader releases what it holds when it is
 * closed, so once the cache and its readers are closed, the owner holds nothing and no file is
 * left. Idempotent.
 *
 * <p><b>Threads.</b> {@link #add} and {@link #finish()} on one writer thread; {@link #open()},
 * {@link #close()} and the metrics from any thread; each reader on one thread at a time.
 *
 * @param <T> the type of the records
 */
public final class SpillableCache<T> implements AutoCloseable {

  static final int IO_PAGES = 2;

  private final MemoryManager manager;
  private final Object owner;
  private final TypeSerializer<T> serializer;
  private final SpillManager spillManager;
  private final int maxMemoryPages;
  private final int pageSize;
  private final ReentrantLock lock = new ReentrantLock();
  private final List<MemorySegment> ioPages;
  private boolean ioPagesLent;

  private SeekableOutputView memoryOut;
  private long committedBytes;
  private SpillWriter diskOut;
  private long records;
  private CachedData data;
  private boolean closed;
  private long spilledBytes;

  private SpillableCache(Builder<T> b, List<MemorySegment> ioPages) {
    this.manager = b.manager;
    this.owner = b.owner;
    this.serializer = b.serializer;
    this.spillManager = Objects.requireNonNull(b.spillManager, "spillManager: the cache needs one to spill");
    this.maxMemoryPages = b.maxMemoryPages;
    this.pageSize = manager.pageSize();
    this.ioPages = ioPages;
    this.memoryOut = new SeekableOutputView(pageSize, this::nextDataPage);
  }

  /** A builder of a cache of {@code serializer}'s records in {@code manager}'s memory for {@code owner}. */
  public static <T> Builder<T> builder(MemoryManager manager, Object owner, TypeSerializer<T> serializer) {
    return new Builder<>(manager, owner, serializer);
  }

  // ---------------------------------------------------------------- writing

  /**
   * Appends a record: to the pages while the manager gives them, to the spill file after that.
   *
   * @throws IOException if spilling or writing to the spill file fails (the record is not added;
   *     after a failure on disk the cache can only be closed), or the serializer throws one (the
   *     record is not added, the cache stays usable)
   * @throws IllegalStateException if the cache is finished or closed
   */
  public void add(T record) throws IOException {
    Objects.requireNonNull(record, "record");
    lock.lock();
    try {
      checkWriting();
      if (diskOut == null) {
        addToMemory(record);
      } else {
        addToDisk(record);
      }
      records++;
    } finally {
      lock.unlock();
    }
  }

  private void addToMemory(T record) throws IOException {
    try {
      serializer.serialize(record, memoryOut);
      committedBytes = memoryOut.getWritePosition();
    } catch (NoPageException e) {
      memoryOut.setWritePosition(committedBytes);
      spillWhileWriting();
      addToDisk(record);
    } catch (IOException | RuntimeException | Error e) {
      memoryOut.setWritePosition(committedBytes);
      throw e;
    }
  }

  private void addToDisk(T record) throws IOException {
    try {
      serializer.serialize(record, diskOut);
    } catch (IOException | RuntimeException | Error e) {
      diskOut.abort(); // a half-written record cannot be taken back from the file
      diskOut = null;
      closed = true;
      releaseQuietly();
      throw e;
    }
  }

  /** The growing view's page source: one page from the manager, or NoPageException. */
  private MemorySegment nextDataPage() {
    if (memoryOut != null && memoryOut.pages().size() >= maxMemoryPages) {
      throw NoPageException.INSTANCE;
    }
    try {
      return manager.allocatePages(owner, 1).getFirst();
    } catch (MemoryAllocationException e) {
      throw NoPageException.INSTANCE;
    }
  }

  /** Moves the committed bytes to a new spill file and gives the data pages back. Lock held. */
  private void spillWhileWriting() throws IOException {
    SpillWriter writer = copyToNewFile(memoryOut.pages(), committedBytes);
    spilledBytes += committedBytes;
    manager.release(new ArrayList<>(memoryOut.pages()));
    memoryOut = null;
    diskOut = writer;
  }

  /**
   * Writes the first {@code bytes} bytes of {@code pages} to a new spill file through the I/O
   * pages; returns the open writer. On failure the file is gone and the I/O pages are back.
   */
  private SpillWriter copyToNewFile(List<MemorySegment> pages, long bytes) throws IOException {
    SpillFile file = spillManager.createFile("cache of " + owner);
    SpillWriter writer = spillManager.openWriter(file, ioPages);
    try {
      SeekableInputView in = new SeekableInputView(pages, pageSize, bytes);
      for (long left = bytes; left > 0; ) {
        int chunk = (int) Math.min(left, pageSize);
        writer.write(in, chunk);
        left -= chunk;
      }
      return writer;
    } catch (IOException | RuntimeException | Error e) {
      writer.abort();
      file.delete();
      throw e;
    }
  }

  /**
   * Ends the input: the records become readable.
   *
   * @throws IOException if the spill file cannot be completed (the cache can then only be closed)
   * @throws IllegalStateException if the cache is already finished or closed
   */
  public void finish() throws IOException {
    lock.lock();
    try {
      checkWriting();
      if (diskOut == null) {
        data = CachedData.inMemory(manager, keepCommittedPages(), committedBytes, records);
        memoryOut = null;
      } else {
        finishOnDisk();
      }
    } finally {
      lock.unlock();
    }
  }

  /** The data pages holding committed bytes; a page allocated for a record that was taken back is released. */
  private List<MemorySegment> keepCommittedPages() {
    List<MemorySegment> pages = new ArrayList<>(memoryOut.pages());
    int needed = (int) ((committedBytes + pageSize - 1) / pageSize);
    List<MemorySegment> extra = new ArrayList<>(pages.subList(needed, pages.size()));
    manager.release(extra);
    return pages.subList(0, needed);
  }

  private void finishOnDisk() throws IOException {
    SpillWriter writer = diskOut;
    diskOut = null;
    try {
      writer.close();
    } catch (IOException e) {
      closed = true;
      releaseQuietly();
      throw e;
    }
    data = CachedData.onDisk(writer.file(), writer.file().sizeBytes(), records);
  }

  // ---------------------------------------------------------------- reading

  /**
   * Opens a reader of every record, in the order added; counts as a use of the cache for {@code
   * LRU_RECLAIM}. The reader must be closed.
   *
   * @throws IOException if the records are on disk and the file cannot be opened, or an earlier
   *     reader found it damaged
   * @throws MemoryAllocationException if the records are on disk, another disk reader holds the
   *     cache's I/O pages and the manager cannot lend two more
   * @throws IllegalStateException if the cache is not finished, or closed
   */
  public RecordIterator<T> open() throws IOException, MemoryAllocationException {
    CachedData opened;
    boolean borrowIoPages;
    lock.lock();
    try {
      checkReadable();
      manager.touch(owner);
      opened = data;
      opened.checkReadable();
      opened.retain();
      if (opened.isInMemory()) {
        return new MemoryReader(opened);
      }
      borrowIoPages = !ioPagesLent;
      ioPagesLent |= borrowIoPages;
    } finally {
      lock.unlock();
    }
    return openOnDisk(opened, borrowIoPages);
  }

  /** Opens a disk reader, outside the lock (it may ask the manager for pages). */
  private RecordIterator<T> openOnDisk(CachedData opened, boolean borrowIoPages)
      throws IOException, MemoryAllocationException {
    List<MemorySegment> pages = null;
    try {
      pages = borrowIoPages ? ioPages : manager.allocatePages(owner, IO_PAGES);
      SpillReader reader = spillManager.openReader(opened.file(), pages);
      return new DiskReader(opened, reader, pages, borrowIoPages);
    } catch (IOException | MemoryAllocationException | RuntimeException | Error e) {
      readerClosed(opened, pages, borrowIoPages);
      throw e;
    }
  }

  /** A reader has finished with {@code opened} and, if it read the disk, with {@code pages}. */
  private void readerClosed(CachedData opened, List<MemorySegment> pages, boolean borrowedIoPages) {
    lock.lock();
    try {
      if (borrowedIoPages) {
        ioPagesLent = false;
        if (closed) {
          manager.release(new ArrayList<>(ioPages));
        }
      } else if (pages != null) {
        manager.release(new ArrayList<>(pages));
      }
      opened.release();
    } finally {
      lock.unlock();
    }
  }

  private void markLost(CachedData opened, IOException cause) {
    lock.lock();
    try {
      opened.markLost(cause);
    } finally {
      lock.unlock();
    }
  }

  // ---------------------------------------------------------------- reclaim

  /**
   * Spills the records and gives the pages back, if it can at once; the manager calls it.
   * Returns the bytes given back now (pages a reader still reads are given back when it closes).
   */
  long reclaim(long bytes) {
    if (!lock.tryLock()) {
      return 0;
    }
    try {
      if (closed) {
        return 0;
      }
      if (data == null && diskOut == null && !memoryOut.pages().isEmpty()) {
        long pages = memoryOut.pages().size();
        spillWhileWriting();
        return pages * pageSize;
      }
      if (data != null && data.isInMemory() && data.records() > 0 && !ioPagesLent) {
        return moveToDisk();
      }
      return 0;
    } catch (IOException e) {
      return 0; // the records stay in memory; the manager asks the next consumer
    } finally {
      lock.unlock();
    }
  }

  private long moveToDisk() throws IOException {
    SpillWriter writer = copyToNewFile(data.pages(), data.bytes());
    writer.close();
    spilledBytes += data.bytes();
    CachedData inMemory = data;
    data = CachedData.onDisk(writer.file(), writer.file().sizeBytes(), inMemory.records());
    return inMemory.release();
  }

  // ---------------------------------------------------------------- state

  private void checkWriting() {
    if (closed) {
      throw new IllegalStateException("cache of " + owner + " is closed");
    }
    if (data != null) {
      throw new IllegalStateException("cache of " + owner + " is finished: no more records can be added");
    }
  }

  private void checkReadable() {
    if (closed) {
      throw new IllegalStateException("cache of " + owner + " is closed");
    }
    if (data == null) {
      throw new IllegalStateException("cache of " + owner + " is still being written: call finish() before open()");
    }
  }

  /** The number of records added. */
  public long records() {
    lock.lock();
    try {
      return records;
    } finally {
      lock.unlock();
    }
  }

  /** Whether the records are in managed memory now (false once they have moved to disk). */
  public boolean isInMemory() {
    lock.lock();
    try {
      return diskOut == null && (data == null || data.isInMemory());
    } finally {
      lock.unlock();
    }
  }

  /** The bytes written to spill files so far (0 if the records never left memory). */
  public long spilledBytes() {
    lock.lock();
    try {
      return spilledBytes;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Releases the cache's pages and file, except what open readers still use (they release it when
   * closed), and unregisters the consumer. Idempotent; callable from any thread.
   */
  @Override
  public void close() {
    lock.lock();
    try {
      if (!closed) {
        closed = true;
        releaseQuietly();
      }
    } finally {
      lock.unlock();
    }
  }

  /** Releases what the cache itself holds. Lock held, {@code closed} set. */
  private void releaseQuietly() {
    manager.unregisterConsumer(owner);
    if (diskOut != null) {
      diskOut.abort();
      diskOut = null;
    }
    if (memoryOut != null) {
      manager.release(new ArrayList<>(memoryOut.pages()));
      memoryOut = null;
    }
    if (data != null) {
      data.release();
    }
    if (!ioPagesLent) {
      manager.release(new ArrayList<>(ioPages));
    }
  }

  @Override
  public String toString() {
    return "SpillableCache(owner=" + owner + ", records=" + records + ", data=" + data + ", closed=" + closed + ")";
  }

  // ---------------------------------------------------------------- readers

  /** A reader of one copy of the data: counts the records down, refuses calls once closed. */
  private abstract class Reader implements RecordIterator<T> {

    final CachedData opened;
    private long left;
    private boolean readerClosed;

    Reader(CachedData opened) {
      this.opened = opened;
      this.left = opened.records();
    }

    @Override
    public final T next() throws IOException {
      if (readerClosed) {
        throw new IllegalStateException("reader of the cache of " + owner + " is closed");
      }
      if (left == 0) {
        return null;
      }
      T record = read();
      left--;
      return record;
    }

    /** Reads the next record from the copy. */
    abstract T read() throws IOException;

    /** Gives back what the reader holds. */
    abstract void release();

    @Override
    public final void close() {
      if (!readerClosed) {
        readerClosed = true;
        release();
      }
    }
  }

  /** Reads the records from the pages; keeps them alive until closed. */
  private final class MemoryReader extends Reader {

    private final SeekableInputView in;

    MemoryReader(CachedData opened) {
      super(opened);
      this.in = new SeekableInputView(opened.pages(), pageSize, opened.bytes());
    }

    @Override
    T read() throws IOException {
      return serializer.deserialize(in);
    }

    @Override
    void release() {
      readerClosed(opened, null, false);
    }
  }

  /** Reads the records from the spill file through its own (or the cache's) I/O pages. */
  private final class DiskReader extends Reader {

    private final SpillReader reader;
    private final List<MemorySegment> pages;
    private final boolean borrowedIoPages;

    DiskReader(CachedData opened, SpillReader reader, List<MemorySegment> pages, boolean borrowedIoPages) {
      super(opened);
      this.reader = reader;
      this.pages = pages;
      this.borrowedIoPages = borrowedIoPages;
    }

    @Override
    T read() throws IOException {
      try {
        return serializer.deserialize(reader);
      } catch (IOException e) {
        markLost(opened, e);
        throw e;
      }
    }

    @Override
    void release() {
      reader.close();
      readerClosed(opened, pages, borrowedIoPages);
    }
  }

  /** Thrown by the page source when no data page can be had: the write goes to disk instead. */
  private static final class NoPageException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    static final NoPageException INSTANCE = new NoPageException();

    private NoPageException() {
      super("no data page", null, false, false);
    }
  }

  // ---------------------------------------------------------------- builder

  /** Builds a {@link SpillableCache}. Not thread-safe. */
  public static final class Builder<T> {

    private final MemoryManager manager;
    private final Object owner;
    private final TypeSerializer<T> serializer;
    private SpillManager spillManager;
    private int maxMemoryPages = Integer.MAX_VALUE;
    private int weight = 1;

    private Builder(MemoryManager manager, Object owner, TypeSerializer<T> serializer) {
      this.manager = Objects.requireNonNull(manager, "manager");
      this.owner = Objects.requireNonNull(owner, "owner");
      this.serializer = Objects.requireNonNull(serializer, "serializer");
    }

    /** Where spill files go (required); the caller owns it and closes it after the cache. */
    public Builder<T> spillManager(SpillManager spillManager) {
      this.spillManager = Objects.requireNonNull(spillManager, "spillManager");
      return this;
    }

    /** The most data pages kept in memory (default: as many as the manager gives). */
    public Builder<T> maxMemoryPages(int pages) {
      if (pages < 0) {
        throw new IllegalArgumentException("maxMemoryPages=" + pages + " must not be negative");
      }
      this.maxMemoryPages = pages;
      return this;
    }

    /** The consumer's weight for {@code FAIR_SHARE} (default 1). */
    public Builder<T> weight(int weight) {
      if (weight < 1) {
        throw new IllegalArgumentException("weight=" + weight + " must be at least 1");
      }
      this.weight = weight;
      return this;
    }

    /**
     * Takes the two I/O pages from the manager and registers the owner as a reclaimable consumer.
     *
     * @throws MemoryAllocationException if the manager cannot lend the two I/O pages
     * @throws NullPointerException if no spill manager was given
     * @throws IllegalArgumentException if the owner is already a registered consumer
     */
    public SpillableCache<T> build() throws MemoryAllocationException {
      Objects.requireNonNull(spillManager, "spillManager: the cache needs one to spill (Builder.spillManager)");
      List<MemorySegment> io = manager.allocatePages(owner, IO_PAGES);
      SpillableCache<T> cache = new SpillableCache<>(this, io);
      try {
        manager.registerConsumer(owner, weight, cache::reclaim);
      } catch (RuntimeException e) {
        manager.release(io);
        throw e;
      }
      return cache;
    }
  }
}
