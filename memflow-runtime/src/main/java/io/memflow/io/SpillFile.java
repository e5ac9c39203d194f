package io.memflow.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A spill file created by {@link SpillManager#createFile}: its path, and once its {@link
 * SpillWriter} has closed, its number of blocks and bytes. Written once, then read any number of
 * times.
 *
 * <p><b>Threads and ownership.</b> Thread-safe. The code that created it owns it and calls {@link
 * #delete()} when done; a failed writer or reader deletes it too, and {@link SpillManager#close()}
 * deletes every file still tracked. {@link #delete()} is idempotent and untracks the file.
 */
public final class SpillFile {

  private final SpillManager manager;
  private final Path path;
  private final int directoryIndex;
  private final AtomicBoolean writerOpened = new AtomicBoolean();
  private final AtomicBoolean deleted = new AtomicBoolean();
  private volatile int blockCount = -1;
  private volatile long sizeBytes;

  SpillFile(SpillManager manager, Path path, int directoryIndex) {
    this.manager = manager;
    this.path = path;
    this.directoryIndex = directoryIndex;
  }

  /** Where the file is. */
  public Path path() {
    return path;
  }

  /** The number of blocks, once written; 0 before. */
  public int blockCount() {
    return Math.max(blockCount, 0);
  }

  /** The file's size in bytes (headers included), once written; 0 before. */
  public long sizeBytes() {
    return sizeBytes;
  }

  /** Whether its writer has closed successfully, so it can be read. */
  public boolean isWritten() {
    return blockCount >= 0;
  }

  /** Whether {@link #delete()} has been called (by the owner, a failed writer or the manager). */
  public boolean isDeleted() {
    return deleted.get();
  }

  /**
   * Deletes the file from disk and stops tracking it; idempotent. An open reader or writer on it
   * fails on its next block.
   *
   * @throws UncheckedIOException if the file exists but cannot be deleted (it stays untracked)
   */
  public void delete() {
    if (!deleted.compareAndSet(false, true)) {
      return;
    }
    manager.untrack(this);
    try {
      Files.deleteIfExists(path);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete spill file " + path + ": " + e, e);
    }
  }

  /** {@link #delete()} for failure and cleanup paths, which must not throw over the first error. */
  void deleteQuietly() {
    try {
      delete();
    } catch (UncheckedIOException e) {
      // the file is untracked; a leftover on disk is all that remains of it
    }
  }

  @Override
  public String toString() {
    return "SpillFile[" + path + (isWritten() ? ", blocks=" + blockCount + ", bytes=" + sizeBytes : "")
        + (isDeleted() ? ", deleted" : "") + "]";
  }

  boolean belongsTo(SpillManager candidate) {
    return manager == candidate;
  }

  int directoryIndex() {
    return directoryIndex;
  }

  /** Claims the single writer; throws if the file was written, is being written or is deleted. */
  void claimForWriting() {
    checkNotDeleted();
    if (!writerOpened.compareAndSet(false, true)) {
      throw new IllegalStateException("spill file " + path
          + " already has a writer (a spill file is written once; create a new one)");
    }
  }

  void checkReadable() {
    checkNotDeleted();
    if (!isWritten()) {
      throw new IllegalStateException("spill file " + path
          + " is not written yet: close its SpillWriter before opening a reader");
    }
  }

  private void checkNotDeleted() {
    if (isDeleted()) {
      throw new IllegalStateException("spill file " + path + " is deleted");
    }
  }

  void markWritten(int blocks, long bytes) {
    this.sizeBytes = bytes;
    this.blockCount = blocks;
    manager.written(bytes);
  }
}
