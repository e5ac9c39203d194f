package io.memflow.cache;

import io.memflow.io.SpillFile;
import io.memflow.managed.MemoryManager;
import io.memflow.memory.MemorySegment;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * One copy of a cache's records: serialized back to back either in managed pages or in one spill
 * file, with a reference count. The cache holds one reference while this copy is its current one;
 * every open reader holds one. When the count drops to zero the pages go back to the manager or
 * the file is deleted. So a reclaim or a close never pulls memory from under a reader.
 *
 * <p>Guarded by the owning cache's lock (every method is called with it held).
 */
final class CachedData {

  private final MemoryManager manager;
  private final List<MemorySegment> pages;
  private final SpillFile file;
  private final long bytes;
  private final long records;
  private int references = 1;
  private IOException lost;

  private CachedData(MemoryManager manager, List<MemorySegment> pages, SpillFile file, long bytes, long records) {
    this.manager = manager;
    this.pages = pages;
    this.file = file;
    this.bytes = bytes;
    this.records = records;
  }

  /** Data in {@code pages} (taken over: the list is copied and released at the end). */
  static CachedData inMemory(MemoryManager manager, List<MemorySegment> pages, long bytes, long records) {
    return new CachedData(manager, new ArrayList<>(pages), null, bytes, records);
  }

  /** Data in a written spill file (taken over: deleted at the end). */
  static CachedData onDisk(SpillFile file, long bytes, long records) {
    return new CachedData(null, List.of(), file, bytes, records);
  }

  boolean isInMemory() {
    return file == null;
  }

  List<MemorySegment> pages() {
    return pages;
  }

  SpillFile file() {
    return file;
  }

  long bytes() {
    return bytes;
  }

  long records() {
    return records;
  }

  /** Adds a reference (an opening reader). */
  void retain() {
    if (references == 0) {
      throw new IllegalStateException("cached data already released: " + this);
    }
    references++;
  }

  /** Drops a reference; the last one frees the pages or deletes the file. Returns the bytes of pages freed. */
  long release() {
    if (references == 0) {
      return 0;
    }
    if (--references > 0) {
      return 0;
    }
    if (file != null) {
      file.delete();
      return 0;
    }
    long freed = (long) pages.size() * manager.pageSize();
    manager.release(pages);
    return freed;
  }

  /** Records that a reader found the file unreadable (it is deleted by then): later opens fail. */
  void markLost(IOException cause) {
    if (lost == null) {
      lost = cause;
    }
  }

  /** Throws if a reader found the data unreadable. */
  void checkReadable() throws IOException {
    if (lost != null) {
      throw new IOException("the cache's spill file " + file.path() + " could not be read back (" + lost.getMessage()
          + "); its records are lost: build the cache again", lost);
    }
  }

  @Override
  public String toString() {
    return (file == null ? "pages=" + pages.size() : "file=" + file.path()) + " bytes=" + bytes + " records=" + records
        + " references=" + references;
  }
}
