package io.memflow.sort;

import io.memflow.memory.MemorySegment;
import io.memflow.memory.MemorySegments;
import io.memflow.memory.view.DataInputView;
import io.memflow.memory.view.DataOutputView;
import io.memflow.memory.view.SeekableOutputView;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** A {@link RunStorage} on heap pages, counting live runs, with a failure switch for tests. */
final class InMemoryRunStorage implements RunStorage {

  final AtomicInteger created = new AtomicInteger();
  final AtomicInteger live = new AtomicInteger();
  volatile boolean failCreate;

  @Override
  public RunWriter create(RunKind kind, List<MemorySegment> pages) throws IOException {
    checkPages(pages);
    if (failCreate) {
      throw new IOException("injected: cannot create run");
    }
    created.incrementAndGet();
    live.incrementAndGet();
    SeekableOutputView out = new SeekableOutputView(4096, () -> MemorySegments.allocateHeap(4096));
    return new RunWriter() {
      @Override
      public DataOutputView view() {
        checkPages(pages);
        return out;
      }

      @Override
      public Run finish(long records) {
        checkPages(pages);
        return new HeapRun(out, out.getWritePosition(), records);
      }

      @Override
      public void abort() {
        live.decrementAndGet();
      }
    };
  }

  @Override
  public RunReader open(Run run, List<MemorySegment> pages) {
    checkPages(pages);
    HeapRun heap = (HeapRun) run;
    if (heap.deleted) {
      throw new IllegalStateException("run deleted");
    }
    DataInputView view = heap.out.toInputView(heap.bytes);
    return new RunReader() {
      @Override
      public DataInputView view() {
        return view;
      }

      @Override
      public void close() {
        checkPages(pages);
      }
    };
  }

  private static void checkPages(List<MemorySegment> pages) {
    if (pages.size() < 2 || pages.stream().anyMatch(MemorySegment::isFreed)) {
      throw new AssertionError("pages lent to a run are too few or freed: " + pages);
    }
  }

  private final class HeapRun implements Run {
    final SeekableOutputView out;
    final long bytes;
    final long records;
    boolean deleted;

    HeapRun(SeekableOutputView out, long bytes, long records) {
      this.out = out;
      this.bytes = bytes;
      this.records = records;
    }

    @Override
    public long records() {
      return records;
    }

    @Override
    public long bytes() {
      return bytes;
    }

    @Override
    public synchronized void delete() {
      if (!deleted) {
        deleted = true;
        live.decrementAndGet();
      }
    }
  }
}
