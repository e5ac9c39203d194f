package io.memflow.sort;

import static io.memflow.sort.SortAssertions.assertSortedLike;
import static io.memflow.sort.SortAssertions.drain;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.memflow.io.CorruptSpillFileException;
import io.memflow.io.SpillManager;
import io.memflow.managed.MemoryManager;
import io.memflow.memory.MemorySegments;
import io.memflow.serialization.RecordIterator;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Spill files failing under the sorter (a full disk, failed writes and opens, a damaged block) and
 * the sorter closed from another thread while it spills or merges: the caller gets an exception
 * that says what failed, never a wrong record, and every page, file and thread is released.
 */
class ExternalSorterFaultTest {

  static final int PAGE = 4096;
  static final int PAGES = 16;

  final Object owner = "faulty-sorter";
  final RecComparator comparator = new RecComparator(RecComparator.Kind.KEY_THEN_SECONDARY, false);
  final FaultyFiles faults = new FaultyFiles();
  @TempDir Path directory;
  MemoryManager manager;
  SpillManager spills;
  long offHeapBefore;

  @BeforeEach
  void open() {
    offHeapBefore = MemorySegments.offHeapBytesInUse();
    manager = MemoryManager.builder().budget(64L * PAGE).pageSize(PAGE).build();
    spills = SpillManager.builder().tempDirectories(List.of(directory)).fileOpener(faults.opener()).build();
  }

  @AfterEach
  void everythingIsReleased() throws Exception {
    try {
      assertThat(manager.metrics().owner(owner).pages()).as("pages of the sorter").isZero();
      assertThat(spills.liveFiles()).as("live spill files").isZero();
      assertThat(ExternalSorterSpillFileTest.filesIn(directory)).as("files left").isEmpty();
      ExternalSorterContractTest.assertNoSorterThreads();
      assertThat(manager.verifyEmpty()).isTrue();
    } finally {
      spills.close();
      manager.close();
    }
    assertThat(MemorySegments.offHeapBytesInUse()).isEqualTo(offHeapBefore);
  }

  ExternalSorter.Builder<Rec> builder() {
    return ExternalSorter.builder(manager, owner, comparator).pages(PAGES).spillManager(spills);
  }

  static List<Rec> input(long seed, double times) {
    return ExternalSorterContractTest.recordsOf(new Random(seed), times, 500, 30);
  }

  /** Writes everything and ends the input; the result, or the first exception. */
  static Throwable writeAndSort(ExternalSorter<Rec> sorter, List<Rec> input) {
    return catchThrowable(() -> {
      for (Rec r : input) {
        sorter.write(r);
      }
      sorter.sorted().close();
    });
  }

  @Test
  void aFullDiskWhileSpillingReachesTheCallerWithTheCause() throws Exception {
    faults.writeLimit = 3 * PAGE;
    try (ExternalSorter<Rec> sorter = builder().build()) {
      Throwable thrown = writeAndSort(sorter, input(1, 4));
      assertThat(thrown).isInstanceOf(IOException.class)
          .hasMessageContaining("background thread failed")
          .hasMessageContaining("No space left on device")
          .hasRootCauseMessage("No space left on device");
      assertThatThrownBy(() -> sorter.write(new Rec(1, 1, ""))).isInstanceOf(IOException.class);
    }
  }

  @Test
  void aFailedWriteDuringAMergePassReachesTheCallerWithTheCause() throws Exception {
    faults.limitFilesNamed = SpillRunStorage.MERGED_PURPOSE;
    faults.writeLimit = 0;
    faults.writeFailure = "injected write failure";
    try (ExternalSorter<Rec> sorter = builder().maxFanIn(2).build()) {
      Throwable thrown = writeAndSort(sorter, input(2, 6));
      assertThat(thrown).isInstanceOf(IOException.class)
          .hasMessageContaining("background thread failed")
          .hasRootCauseMessage("injected write failure");
      assertThat(sorter.runsSpilled()).isGreaterThan(2);
    }
  }

  @Test
  void aFailedOpenForWritingReachesTheCaller() throws Exception {
    faults.writerOpensAllowed = 0;
    try (ExternalSorter<Rec> sorter = builder().build()) {
      Throwable thrown = writeAndSort(sorter, input(3, 4));
      assertThat(thrown).isInstanceOf(IOException.class)
          .hasMessageContaining("background thread failed")
          .hasStackTraceContaining("injected: cannot open");
    }
  }

  @Test
  void aFailedOpenForTheFinalMergeReachesTheCaller() throws Exception {
    faults.failReadOpens = true;
    try (ExternalSorter<Rec> sorter = builder().build()) {
      Throwable thrown = writeAndSort(sorter, input(4, 4));
      assertThat(thrown).isInstanceOf(IOException.class).hasStackTraceContaining("injected: cannot open");
      assertThat(sorter.runsSpilled()).isPositive();
    }
  }

  @Test
  void aDamagedBlockInTheFinalMergeIsAnExceptionAfterOnlyRightRecords() throws Exception {
    List<Rec> input = input(5, 1.5);
    faults.corruptNextRead = true;
    List<Rec> read = new ArrayList<>();
    Throwable thrown;
    try (ExternalSorter<Rec> sorter = builder().build()) {
      for (Rec r : input) {
        sorter.write(r);
      }
      RecordIterator<Rec> sorted = sorter.sorted();
      assertThat(sorter.mergePasses()).as("merge passes").isZero();
      assertThat(sorter.runsSpilled()).as("runs").isGreaterThan(1);
      thrown = catchThrowable(() -> {
        for (Rec r = sorted.next(); r != null; r = sorted.next()) {
          read.add(r);
        }
      });
    }
    assertThat(faults.corrupted.get()).isEqualTo(1);
    assertThat(thrown).isInstanceOf(CorruptSpillFileException.class);
    assertIsSortedPrefix(read, input);
  }

  @Test
  void aDamagedBlockInAMergePassReachesTheCaller() throws Exception {
    faults.corruptNextRead = true;
    try (ExternalSorter<Rec> sorter = builder().maxFanIn(2).build()) {
      Throwable thrown = writeAndSort(sorter, input(6, 6));
      assertThat(thrown).isInstanceOf(IOException.class).hasMessageContaining("background thread failed")
          .hasCauseInstanceOf(CorruptSpillFileException.class);
    }
    assertThat(faults.corrupted.get()).isEqualTo(1);
  }

  /** {@code read} is the start of {@code input} sorted: what came out before a failure is right. */
  void assertIsSortedPrefix(List<Rec> read, List<Rec> input) {
    List<Rec> expected = new ArrayList<>(input);
    expected.sort(comparator::compare);
    assertThat(read.size()).isLessThan(expected.size());
    for (int i = 0; i < read.size(); i++) {
      assertThat(comparator.compare(read.get(i), expected.get(i))).as("record %d", i).isZero();
    }
  }

  @Test
  void closingFromAnotherThreadDuringABackgroundSpillReleasesEverything() throws Exception {
    faults.writeDelayMillis = 5;
    ExternalSorter<Rec> sorter = builder().build();
    AtomicReference<Throwable> writerSaw = new AtomicReference<>();
    Thread writer = Thread.ofPlatform().start(() -> writerSaw.set(writeAndSort(sorter, input(7, 20))));
    while (faults.written.get() == 0 && writer.isAlive()) {
      Thread.sleep(1);
    }
    assertThat(spills.liveFiles()).as("a spill in progress").isPositive();
    sorter.close();
    writer.join(10_000);
    assertThat(writer.isAlive()).isFalse();
    assertThat(writerSaw.get()).isInstanceOfAny(IllegalStateException.class, IOException.class);
  }

  @Test
  void closingFromAnotherThreadDuringAMergePassReleasesEverything() throws Exception {
    ExternalSorter<Rec> sorter = builder().maxFanIn(2).build();
    List<Rec> input = input(8, 8);
    for (Rec r : input) {
      sorter.write(r);
    }
    faults.writeDelayMillis = 5;
    AtomicReference<Throwable> consumerSaw = new AtomicReference<>();
    Thread consumer = Thread.ofPlatform().start(() -> consumerSaw.set(catchThrowable(() -> sorter.sorted())));
    while (sorter.mergePasses() == 0 && consumer.isAlive()) {
      Thread.sleep(1);
    }
    sorter.close();
    consumer.join(10_000);
    assertThat(consumer.isAlive()).isFalse();
    assertThat(consumerSaw.get()).isInstanceOf(IllegalStateException.class).hasMessage("sorter is closed");
  }

  @Test
  void closingFromAnotherThreadWhileTheConsumerReadsReleasesEverything() throws Exception {
    for (double times : new double[] {0.5, 1.5}) {
      ExternalSorter<Rec> sorter = builder().build();
      for (Rec r : input(10, times)) {
        sorter.write(r);
      }
      RecordIterator<Rec> sorted = sorter.sorted();
      AtomicReference<Throwable> consumerSaw = new AtomicReference<>();
      java.util.concurrent.CountDownLatch reading = new java.util.concurrent.CountDownLatch(1);
      Thread consumer = Thread.ofPlatform().start(() -> consumerSaw.set(catchThrowable(() -> {
        for (Rec r = sorted.next(); r != null; r = sorted.next()) {
          reading.countDown();
          java.util.concurrent.locks.LockSupport.parkNanos(100_000); // a slow consumer: close comes mid-way
        }
        throw new AssertionError("the result ended before close (times=" + times + ")");
      })));
      reading.await();
      sorter.close();
      consumer.join(10_000);
      assertThat(consumer.isAlive()).isFalse();
      assertThat(consumerSaw.get()).as("times=%s", times)
          .isInstanceOf(IllegalStateException.class).hasMessage("sorter is closed");
    }
  }

  @Test
  void withoutFaultsTheSameInputsSortRight() throws Exception {
    for (double times : new double[] {4, 6}) {
      List<Rec> input = input(9, times);
      try (ExternalSorter<Rec> sorter = builder().maxFanIn(2).build()) {
        for (Rec r : input) {
          sorter.write(r);
        }
        assertSortedLike(drain(sorter.sorted()), input, comparator);
      }
    }
  }
}
