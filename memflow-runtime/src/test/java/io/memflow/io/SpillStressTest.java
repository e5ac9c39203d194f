package io.memflow.io;

import static io.memflow.io.SpillTesting.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.memflow.memory.MemorySegment;
import io.memflow.memory.MemorySegments;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two threads write, read, abort and close spill files at random on one manager with two
 * directories (two I/O threads), freeing their pages the moment they get them back; then the same
 * with the manager closed under them. Checks: every read returns what was written, nothing
 * background ever touches a freed page, no file, page or thread is left.
 */
class SpillStressTest {

  private static final int WORKERS = 2;

  @TempDir Path first;
  @TempDir Path second;
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private final AtomicInteger filesRead = new AtomicInteger();
  private final AtomicInteger aborts = new AtomicInteger();
  private final AtomicInteger stoppedByClose = new AtomicInteger();
  private volatile boolean closing;
  private long offHeapBefore;

  @BeforeEach
  void remember() {
    offHeapBefore = MemorySegments.offHeapBytesInUse();
  }

  private SpillManager manager(int seed) {
    SpillCompression compression = SpillCompression.values()[seed % 2];
    return SpillManager.builder().tempDirectories(List.of(first, second)).compression(compression)
        .build();
  }

  @Test
  void randomWritesReadsAbortsAndClosesLoseNothingAndLeaveNothing() throws Exception {
    SpillManager manager = manager(1);
    runWorkers(manager, 1500, 0);
    if (failure.get() != null) {
      throw new AssertionError("a worker failed", failure.get());
    }
    assertThat(filesRead.get()).isGreaterThan(20);
    assertThat(aborts.get()).isPositive();
    assertThat(manager.liveFiles()).isZero();
    manager.close();
    assertNothingLeft(manager);
  }

  @RepeatedTest(4)
  void closingTheManagerUnderBusyWritersAndReadersLeavesNothing(
      org.junit.jupiter.api.RepetitionInfo repetition) throws Exception {
    SpillManager manager = manager(repetition.getCurrentRepetition());
    runWorkers(manager, 5000, 50 + 100 * repetition.getCurrentRepetition());
    if (failure.get() != null) {
      throw new AssertionError("a worker failed", failure.get());
    }
    assertThat(stoppedByClose.get()).as("workers were busy when the manager closed").isEqualTo(WORKERS);
    assertNothingLeft(manager);
  }

  private void assertNothingLeft(SpillManager manager) throws IOException {
    assertNoIoThreadsOf(manager);
    assertThat(manager.liveFiles()).isZero();
    assertThat(manager.openTransfers()).isZero();
    assertThat(filesIn(first)).isEmpty();
    assertThat(filesIn(second)).isEmpty();
    assertThat(manager.unexpectedBackgroundErrors()).as("background touched a returned page").isZero();
    assertThat(MemorySegments.offHeapBytesInUse()).isEqualTo(offHeapBefore);
  }

  /** Runs the workers until {@code millis} pass, closing the manager after {@code closeAfter} if positive. */
  private void runWorkers(SpillManager manager, long millis, long closeAfter) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < WORKERS; i++) {
      Random random = new Random(i * 1000L + closeAfter);
      Thread t = new Thread(() -> work(manager, random, deadline), "spill-stress-" + i);
      threads.add(t);
      t.start();
    }
    if (closeAfter > 0) {
      Thread.sleep(closeAfter);
      closing = true;
      manager.close();
    }
    for (Thread t : threads) {
      t.join(millis + 20_000);
      assertThat(t.isAlive()).as("%s finished (nothing stuck)", t.getName()).isFalse();
    }
  }

  private void work(SpillManager manager, Random random, long deadline) {
    while (System.nanoTime() < deadline && failure.get() == null) {
      try {
        roundTrip(manager, random);
      } catch (IOException | IllegalStateException e) {
        if (!closing) {
          failure.compareAndSet(null, e);
        }
        stoppedByClose.incrementAndGet();
        return;
      } catch (Throwable t) {
        failure.compareAndSet(null, t);
        return;
      }
    }
  }

  private void roundTrip(SpillManager manager, Random random) throws IOException {
    List<byte[]> records = randomRecords(random, random.nextInt(80), 3000);
    SpillFile file = manager.createFile("stress");
    try {
      if (!writeOrAbort(manager, file, records, random)) {
        return;
      }
      List<MemorySegment> pages = pages(2 + random.nextInt(4), 4096);
      try {
        read(manager, file, pages, records, random);
      } finally {
        free(pages);
      }
    } finally {
      file.delete();
    }
  }

  private void read(SpillManager manager, SpillFile file, List<MemorySegment> pages,
      List<byte[]> records, Random random) throws IOException {
    try (SpillReader reader = manager.openReader(file, pages)) {
      if (random.nextInt(5) == 0) {
        reader.skipBytes(random.nextInt(1000)); // closed early, with read-ahead in flight
        return;
      }
      assertSameRecords(readAll(reader), records);
      filesRead.incrementAndGet();
    }
  }

  /** Writes the records, or aborts at a random point; false if aborted. Frees the pages either way. */
  private boolean writeOrAbort(SpillManager manager, SpillFile file, List<byte[]> records,
      Random random) throws IOException {
    List<MemorySegment> pages = pages(2 + random.nextInt(4), 4096);
    SpillWriter writer;
    try {
      writer = manager.openWriter(file, pages);
    } catch (IOException | RuntimeException e) {
      free(pages);
      throw e;
    }
    try {
      if (random.nextInt(5) == 0) {
        write(writer, records.subList(0, random.nextInt(records.size() + 1)));
        writer.abort();
        aborts.incrementAndGet();
        assertThat(file.path()).doesNotExist();
        return false;
      }
      write(writer, records);
      writer.close();
      return true;
    } finally {
      writer.abort(); // no-op after close; after a failure it makes sure the pages are back
      free(pages);
    }
  }
}
