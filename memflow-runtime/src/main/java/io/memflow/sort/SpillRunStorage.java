package io.memflow.sort;

import io.memflow.io.SpillFile;
import io.memflow.io.SpillManager;
import io.memflow.io.SpillReader;
import io.memflow.io.SpillWriter;
import io.memflow.memory.MemorySegment;
import io.memflow.memory.view.DataInputView;
import io.memflow.memory.view.DataOutputView;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The {@link RunStorage} of an {@link ExternalSorter}: one {@link SpillFile} of a {@link
 * SpillManager} per run, written through a {@link SpillWriter} and read through {@link
 * SpillReader}s (so every block is checksummed, and compressed if the manager says so).
 *
 * <p><b>Ownership.</b> The storage tracks every file it created until the run is deleted; {@link
 * #close()} deletes what is left. The manager is either the caller's ({@link #shared}: never
 * closed here) or created on the first spill from a factory ({@link #owning}: closed by {@link
 * #close()}, which also joins its I/O threads). An input that never spills never creates one.
 *
 * <p><b>Threads.</b> Thread-safe: the sorter's background thread writes runs while the caller's
 * thread may read others and another thread may close the sorter.
 */
final class SpillRunStorage implements RunStorage {

  /** The purpose (part of the file name) of a file holding a spilled sort buffer. */
  static final String SPILLED_PURPOSE = "sort-run";
  /** The purpose (part of the file name) of a file holding the output of a merge pass. */
  static final String MERGED_PURPOSE = "sort-merge";

  private final Supplier<SpillManager> factory;
  private final boolean owning;
  private final Set<SpillFile> files = ConcurrentHashMap.newKeySet();
  private SpillManager manager;
  private boolean closed;

  private SpillRunStorage(SpillManager manager, Supplier<SpillManager> factory, boolean owning) {
    this.manager = manager;
    this.factory = factory;
    this.owning = owning;
  }

  /** Runs in files of the caller's {@code manager}, which the storage never closes. */
  static SpillRunStorage shared(SpillManager manager) {
    return new SpillRunStorage(Objects.requireNonNull(manager, "spillManager"), null, false);
  }

  /** Runs in files of a manager made by {@code factory} on the first spill, closed with the storage. */
  static SpillRunStorage owning(Supplier<SpillManager> factory) {
    return new SpillRunStorage(null, Objects.requireNonNull(factory, "factory"), true);
  }

  @Override
  public RunWriter create(RunKind kind, List<MemorySegment> pages) throws IOException {
    SpillManager spills = manager();
    SpillFile file = spills.createFile(kind == RunKind.MERGED ? MERGED_PURPOSE : SPILLED_PURPOSE);
    files.add(file);
    try {
      return new FileRunWriter(file, spills.openWriter(file, pages));
    } catch (IOException | RuntimeException e) {
      forget(file);
      throw e;
    }
  }

  @Override
  public RunReader open(Run run, List<MemorySegment> pages) throws IOException {
    FileRun fileRun = (FileRun) run;
    SpillReader reader = manager().openReader(fileRun.file, pages);
    return new RunReader() {
      @Override
      public DataInputView view() {
        return reader;
      }

      @Override
      public void close() {
        reader.close();
      }
    };
  }

  /** The manager, created on first use if the storage owns it. */
  private synchronized SpillManager manager() {
    if (closed) {
      throw new IllegalStateException("the sorter's spill storage is closed");
    }
    if (manager == null) {
      manager = Objects.requireNonNull(factory.get(), "the spill manager factory returned null");
    }
    return manager;
  }

  /** Files created and not yet deleted (for tests). */
  int liveFiles() {
    return files.size();
  }

  /** Whether a manager of the storage's own was created (for tests). */
  synchronized boolean createdManager() {
    return owning && manager != null;
  }

  /**
   * Deletes every file the storage created and still tracks, then closes the manager if the
   * storage created it. Idempotent; never throws (a file that cannot be deleted stays on disk, and
   * the owned manager's close retries it).
   */
  @Override
  public void close() {
    SpillManager own;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      own = owning ? manager : null;
    }
    for (SpillFile file : List.copyOf(files)) {
      forget(file);
    }
    if (own != null) {
      own.close();
    }
  }

  private void forget(SpillFile file) {
    files.remove(file);
    try {
      file.delete();
    } catch (UncheckedIOException e) {
      // untracked by the manager; nothing more can be done here
    }
  }

  /** Writes one run file; finishing closes the writer (flush, pages back). */
  private final class FileRunWriter implements RunWriter {

    private final SpillFile file;
    private final SpillWriter writer;

    FileRunWriter(SpillFile file, SpillWriter writer) {
      this.file = file;
      this.writer = writer;
    }

    @Override
    public DataOutputView view() {
      return writer;
    }

    @Override
    public Run finish(long records) throws IOException {
      try {
        writer.close();
      } catch (IOException | RuntimeException e) {
        forget(file);
        throw e;
      }
      return new FileRun(file, records);
    }

    @Override
    public void abort() {
      writer.abort();
      forget(file);
    }
  }

  /** A finished run file. */
  private final class FileRun implements Run {

    private final SpillFile file;
    private final long records;

    FileRun(SpillFile file, long records) {
      this.file = file;
      this.records = records;
    }

    @Override
    public long records() {
      return records;
    }

    @Override
    public long bytes() {
      return file.sizeBytes();
    }

    @Override
    public void delete() {
      forget(file);
    }

    @Override
    public String toString() {
      return "run[records=" + records + ", " + file + "]";
    }
  }
}
