package io.memflow.io;

import io.memflow.memory.MemorySegment;
import io.memflow.memory.MemorySegments;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Owns the temp directories spill files go to, one background I/O thread per directory, and
 * every {@link SpillFile} it created; opens write-behind {@link SpillWriter}s and read-ahead {@link
 * SpillReader}s over pages the caller lends.
 *
 * <p><b>Files.</b> {@link #createFile} spreads files over the directories round-robin; a file is
 * tracked until it is deleted (by its owner, by a failed writer or reader, or by {@link #close()}),
 * and {@link #liveFiles()} counts the tracked ones.
 *
 * <p><b>Pages.</b> A writer or reader needs at least 2 pages, all of one size (a power of two of at
 * least 4 KiB, the page size). The caller keeps owning them: it gets them back, untouched by any
 * background task, when the writer or reader is closed, aborted or has thrown a background error,
 * and frees them itself.
 *
 * <p><b>Threads and ownership.</b> Thread-safe. Whoever builds the manager closes it; {@link
 * #close()} may come from any thread, also while writers and readers are busy: they are cancelled
 * (their next call throws an {@link IOException} saying the manager closed), the I/O threads end,
 * and every tracked file is deleted.
 */
public final class SpillManager implements AutoCloseable {

  private static final Set<OpenOption> WRITE_OPTIONS =
      Set.of(StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
  private static final Set<OpenOption> READ_OPTIONS = Set.of(StandardOpenOption.READ);
  private static final String FIX_DIRECTORIES =
      "configure other temp directories (SpillManager.Builder.tempDirectories)";

  private final List<Path> directories;
  private final SpillCompression compression;
  private final FileOpener opener;
  private final IoThread[] threads;
  private final AtomicInteger nextDirectory = new AtomicInteger();
  private final AtomicInteger unexpectedErrors = new AtomicInteger();
  private final AtomicLong filesWritten = new AtomicLong();
  private final AtomicLong bytesWritten = new AtomicLong();
  private final Set<SpillFile> files = ConcurrentHashMap.newKeySet();
  private final Set<Transfer> active = ConcurrentHashMap.newKeySet();
  private final Object closeLock = new Object();
  private volatile boolean closed;

  private SpillManager(Builder builder) {
    this.directories = builder.directories;
    this.compression = builder.compression;
    this.opener = builder.opener;
    this.threads = new IoThread[directories.size()];
    for (int i = 0; i < threads.length; i++) {
      threads[i] = new IoThread(unexpectedErrors);
    }
  }

  /** A builder with the defaults: {@code java.io.tmpdir}, no compression, {@link FileChannel#open}. */
  public static Builder builder() {
    return new Builder();
  }

  /** The temp directories, in round-robin order. */
  public List<Path> tempDirectories() {
    return directories;
  }

  /** How writers store blocks. */
  public SpillCompression compression() {
    return compression;
  }

  /**
   * Creates an empty file with a unique name containing {@code purpose} in the next temp directory.
   *
   * @throws IOException if the file cannot be created (the message names the directory and the fix)
   * @throws IllegalStateException if the manager is closed
   */
  public SpillFile createFile(String purpose) throws IOException {
    Objects.requireNonNull(purpose, "purpose");
    checkOpen();
    int index = Math.floorMod(nextDirectory.getAndIncrement(), directories.size());
    Path directory = directories.get(index);
    Path path;
    try {
      path = NewFiles.create(directory, "memflow-" + sanitize(purpose) + "-", ".spill", true);
    } catch (IOException e) {
      throw new IOException("cannot create a spill file for '" + purpose + "' in " + directory
          + " (" + e + "); free space in " + directory + " or " + FIX_DIRECTORIES, e);
    }
    SpillFile file = new SpillFile(this, path, index);
    files.add(file);
    if (closed) {
      file.deleteQuietly();
      throw closedError();
    }
    return file;
  }

  /**
   * Opens the single writer of {@code file} over {@code pages} (lent until it is closed or aborted).
   *
   * @throws IOException if the file cannot be opened (it is deleted; the pages are the caller's)
   * @throws IllegalArgumentException if the pages are fewer than 2, of different or invalid sizes,
   *     freed or repeated
   * @throws IllegalStateException if the file already has a writer or is deleted, or the manager is
   *     closed
   */
  public SpillWriter openWriter(SpillFile file, List<MemorySegment> pages) throws IOException {
    checkOpen();
    List<MemorySegment> lent = checkPages(pages);
    checkOwned(file);
    file.claimForWriting();
    Transfer transfer = open(file, WRITE_OPTIONS, "writing");
    return new SpillWriter(transfer, lent, compression == SpillCompression.LZ4);
  }

  /**
   * Opens a reader of the written {@code file} over {@code pages} (lent until it is closed), which
   * starts reading ahead at once. Any number of readers may read a file, one after the other or at
   * the same time.
   *
   * @throws IOException if the file cannot be opened (it is deleted; the pages are the caller's)
   * @throws IllegalArgumentException as for {@link #openWriter}
   * @throws IllegalStateException if the file is not written yet or deleted, or the manager is
   *     closed
   */
  public SpillReader openReader(SpillFile file, List<MemorySegment> pages) throws IOException {
    checkOpen();
    List<MemorySegment> lent = checkPages(pages);
    checkOwned(file);
    file.checkReadable();
    Transfer transfer = open(file, READ_OPTIONS, "reading");
    SpillReader reader = new SpillReader(transfer, lent, file.blockCount());
    reader.readAhead();
    return reader;
  }

  /** Files created and not yet deleted (for leak checks). */
  public int liveFiles() {
    return files.size();
  }

  /**
   * Cancels every open writer and reader (their in-flight I/O is cut short and their next call
   * throws), ends the I/O threads and waits for them, and deletes every tracked file. Idempotent;
   * callable from any thread.
   */
  @Override
  public void close() {
    synchronized (closeLock) {
      if (closed) {
        return;
      }
      closed = true;
      for (Transfer transfer : active) {
        transfer.cancel(new IOException("spill manager closed while " + transfer.activity()
            + " spill file " + transfer.file.path() + "; the file is deleted"));
      }
      for (IoThread thread : threads) {
        thread.stop();
      }
      for (SpillFile file : List.copyOf(files)) {
        file.deleteQuietly();
      }
    }
  }

  // ---------------------------------------------------------------- internals

  /** Errors thrown by background tasks other than I/O errors (bugs, e.g. a freed page); for tests. */
  int unexpectedBackgroundErrors() {
    return unexpectedErrors.get();
  }

  /** The background threads, one per directory; for tests. */
  List<Thread> ioThreads() {
    return java.util.Arrays.stream(threads).map(IoThread::thread).toList();
  }

  /** Writers and readers open right now; for tests. */
  int openTransfers() {
    return active.size();
  }

  void unregister(Transfer transfer) {
    active.remove(transfer);
  }

  /**
   * The number of spill files written completely since the manager was built (deleted ones
   * included): a metric for reports.
   */
  public long filesWritten() {
    return filesWritten.get();
  }

  /** The bytes of all files written completely since the manager was built (headers included). */
  public long bytesWritten() {
    return bytesWritten.get();
  }

  /** Called by a file whose writer closed successfully. */
  void written(long bytes) {
    filesWritten.incrementAndGet();
    bytesWritten.addAndGet(bytes);
  }

  void untrack(SpillFile file) {
    files.remove(file);
  }

  private Transfer open(SpillFile file, Set<OpenOption> options, String activity)
      throws IOException {
    FileChannel channel;
    try {
      channel = Objects.requireNonNull(opener.open(file.path(), options), "FileOpener returned null");
    } catch (IOException | RuntimeException e) {
      file.deleteQuietly();
      Path directory = file.path().toAbsolutePath().getParent();
      throw new IOException("cannot open spill file " + file.path() + " for " + activity + " ("
          + e + "); check free space and permissions in " + directory + " or " + FIX_DIRECTORIES
          + ". The file is deleted.", e);
    }
    Transfer transfer = new Transfer(this, file, channel, threads[file.directoryIndex()], activity);
    active.add(transfer);
    if (closed) {
      active.remove(transfer);
      transfer.cancel(null);
      throw closedError();
    }
    return transfer;
  }

  private void checkOpen() {
    if (closed) {
      throw closedError();
    }
  }

  private static IllegalStateException closedError() {
    return new IllegalStateException(
        "spill manager is closed: spill with a manager that is open (close it after the last use)");
  }

  private void checkOwned(SpillFile file) {
    if (!file.belongsTo(this)) {
      throw new IllegalArgumentException("spill file " + file.path()
          + " was created by another SpillManager: open it with the manager that created it");
    }
  }

  private static String sanitize(String purpose) {
    String name = purpose.replaceAll("[^A-Za-z0-9_.-]", "_");
    return name.length() > 40 ? name.substring(0, 40) : name;
  }

  /** Checks the lent pages: at least 2, one valid page size, none freed, none twice. */
  static List<MemorySegment> checkPages(List<MemorySegment> pages) {
    List<MemorySegment> lent = List.copyOf(pages);
    if (lent.size() < 2) {
      throw new IllegalArgumentException("pages=" + lent.size()
          + ": a spill writer or reader needs at least 2 pages (one in use while another is in I/O)");
    }
    int pageSize = MemorySegments.checkPageSize(lent.getFirst().size());
    Set<MemorySegment> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    for (int i = 0; i < lent.size(); i++) {
      MemorySegment page = lent.get(i);
      boolean repeated = !seen.add(page);
      if (page.size() != pageSize || page.isFreed() || repeated) {
        throw new IllegalArgumentException("page " + i + " of " + lent.size() + ": size="
            + page.size() + " freed=" + page.isFreed() + " repeated=" + repeated
            + "; every page must be a distinct live segment of the first page's size " + pageSize);
      }
    }
    return lent;
  }

  /**
   * Configures a {@link SpillManager}. Not thread-safe; {@link #build()} checks every directory.
   */
  public static final class Builder {

    private List<Path> directories = List.of(Path.of(System.getProperty("java.io.tmpdir")));
    private SpillCompression compression = SpillCompression.NONE;
    private FileOpener opener = FileOpener.DEFAULT;

    private Builder() {}

    /** The directories spill files go to, round-robin (default: {@code java.io.tmpdir}). */
    public Builder tempDirectories(List<Path> directories) {
      this.directories = List.copyOf(directories);
      return this;
    }

    /** How blocks are stored (default {@link SpillCompression#NONE}). */
    public Builder compression(SpillCompression compression) {
      this.compression = Objects.requireNonNull(compression, "compression");
      return this;
    }

    /** How channels are opened (default {@link FileChannel#open}); the seam for fault injection. */
    public Builder fileOpener(FileOpener opener) {
      this.opener = Objects.requireNonNull(opener, "opener");
      return this;
    }

    /**
     * The manager, with its I/O threads started.
     *
     * @throws IllegalArgumentException if there is no directory, or one does not exist, is not a
     *     directory or is not writable (the message names it and the fix)
     */
    public SpillManager build() {
      if (directories.isEmpty()) {
        throw new IllegalArgumentException(
            "tempDirectories is empty: pass at least one existing writable directory, for example "
                + System.getProperty("java.io.tmpdir"));
      }
      directories.forEach(Builder::checkDirectory);
      return new SpillManager(this);
    }

    private static void checkDirectory(Path directory) {
      String problem = !Files.exists(directory) ? "does not exist: create it"
          : !Files.isDirectory(directory) ? "is not a directory: pass a directory"
          : !Files.isWritable(directory) ? "is not writable: grant this process write permission"
          : null;
      if (problem != null) {
        throw new IllegalArgumentException("spill directory " + directory.toAbsolutePath() + " "
            + problem + " or pass another directory to SpillManager.Builder.tempDirectories.");
      }
    }
  }
}
