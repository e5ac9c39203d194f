package io.memflow.hash;

import static io.memflow.hash.AggFixture.ALL;
import static io.memflow.hash.AggFixture.addAll;
import static io.memflow.hash.AggFixture.expected;
import static io.memflow.hash.AggFixture.readAll;
import static io.memflow.hash.AggFixture.rows;
import static io.memflow.hash.AggregateFunction.count;
import static io.memflow.hash.AggregateFunction.sum;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.memflow.io.CorruptSpillFileException;
import io.memflow.io.SpillManager;
import io.memflow.managed.AllocationPolicy;
import io.memflow.managed.MemoryAllocationException;
import io.memflow.row.BinaryRow;
import io.memflow.row.RowIterator;
import io.memflow.testing.FaultyFileChannel;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ownership: after success, failure (a throwing input, a full disk, a failed open, a damaged
 * block) and cancellation (close from another thread, while adding or reading), the owner holds
 * no page, no spill file is left, the managers close clean and no I/O thread lives. And a reclaim
 * request while aggregating spills and gives pages back.
 */
class HashAggregatorResourceTest {

  private static final List<AggregateFunction> FUNCTIONS = List.of(count(), sum("v_long"), AggregateFunction.max("v_str"));
  private static final int[] KEYS = {0, 1};

  @TempDir Path directory;
  private final FaultyFileChannel.Faults faults = new FaultyFileChannel.Faults();
  private AggFixture fixture;
  private final List<Object[]> rows = rows(new Random(21), 8_000, 4_000, 0.1);

  private AggFixture fixture(AllocationPolicy policy, long budget) {
    fixture = new AggFixture(directory, budget, policy,
        SpillManager.builder().tempDirectories(List.of(directory)).fileOpener(faults.opener()).build());
    return fixture;
  }

  private HashAggregator aggregator(int pages) throws MemoryAllocationException {
    if (fixture == null) {
      fixture(AllocationPolicy.FAIL, 1 << 20);
    }
    return fixture.builder(pages, KEYS, FUNCTIONS).build();
  }

  @AfterEach
  void everythingIsReleased() {
    fixture.assertEverythingReleased();
  }

  @Test
  void successReleasesEverythingWhenTheResultIsReadToItsEnd() throws Exception {
    HashAggregator aggregator = aggregator(16);
    addAll(aggregator, rows);
    List<List<Object>> result = readAll(aggregator.result());
    assertThat(aggregator.spillCount()).isPositive();
    assertThat(result).hasSameSizeAs(expected(rows, KEYS, FUNCTIONS));
    assertThat(aggregator.pagesHeld()).isZero(); // released at the end, before close
    aggregator.close();
    aggregator.close(); // idempotent
  }

  @Test
  void aThrowingInputLeavesNothingBehindOnceClosed() throws Exception {
    assertThatThrownBy(() -> {
      try (HashAggregator aggregator = aggregator(16)) {
        addAll(aggregator, rows);
        assertThat(aggregator.spillCount()).isPositive();
        throw new IllegalStateException("the input failed");
      }
    }).hasMessage("the input failed");
  }

  @Test
  void aFullDiskFailsAddWithTheCauseAndReleasesEverythingAtOnce() throws Exception {
    faults.writeLimit = 30_000;
    try (HashAggregator aggregator = aggregator(16)) {
      assertThatThrownBy(() -> addAll(aggregator, rows)).isInstanceOf(IOException.class)
          .hasStackTraceContaining("No space left on device");
      assertThat(aggregator.pagesHeld()).isZero();
      assertThat(fixture.spills.liveFiles()).isZero();
      assertThatThrownBy(() -> addAll(aggregator, rows.subList(0, 1))).isInstanceOf(IOException.class)
          .hasMessageContaining("failed earlier");
    }
  }

  @Test
  void aFailedOpenOfASpillFileFailsAddAndReleasesEverything() throws Exception {
    fixture(AllocationPolicy.FAIL, 1 << 20);
    SpillManager failing = SpillManager.builder().tempDirectories(List.of(directory))
        .fileOpener((path, options) -> {
          throw new IOException("cannot open " + path);
        }).build();
    try (HashAggregator aggregator = fixture.builder(16, KEYS, FUNCTIONS).spillManager(failing).build()) {
      assertThatThrownBy(() -> addAll(aggregator, rows)).isInstanceOf(IOException.class)
          .hasStackTraceContaining("cannot open");
    } finally {
      assertThat(failing.liveFiles()).isZero();
      failing.close();
    }
  }

  @Test
  void aDamagedBlockFailsTheResultWithCorruptSpillFileAndReleasesEverything() throws Exception {
    faults.flipReadAt = 5_000;
    try (HashAggregator aggregator = aggregator(16)) {
      addAll(aggregator, rows);
      RowIterator result = aggregator.result();
      assertThatThrownBy(() -> {
        while (result.next() != null) {
          // read on until the damaged block
        }
      }).isInstanceOf(CorruptSpillFileException.class);
      assertThat(aggregator.pagesHeld()).isZero();
    }
  }

  @Test
  void closingTheResultMidwayReleasesEverything() throws Exception {
    HashAggregator aggregator = aggregator(16);
    addAll(aggregator, rows);
    try (RowIterator result = aggregator.result()) {
      for (int i = 0; i < 10; i++) {
        assertThat(result.next()).isNotNull();
      }
    }
    assertThatThrownBy(aggregator::result).isInstanceOf(IllegalStateException.class).hasMessageContaining("CLOSED");
  }

  @Test
  void closingFromAnotherThreadWhileAddingStopsTheOwnerAndReleasesEverything() throws Exception {
    HashAggregator aggregator = aggregator(16);
    AtomicReference<Throwable> ownerEnd = new AtomicReference<>();
    CountDownLatch spilled = new CountDownLatch(1);
    Thread owner = Thread.ofPlatform().name("agg-owner").start(() -> {
      try {
        for (int round = 0; ; round++) {
          addAll(aggregator, rows);
          spilled.countDown();
        }
      } catch (Throwable t) {
        ownerEnd.set(t);
      }
    });
    spilled.await();
    aggregator.close();
    owner.join(10_000);
    assertThat(owner.isAlive()).isFalse();
    assertThat(ownerEnd.get()).isInstanceOfAny(CancellationException.class, IllegalStateException.class);
    assertThat(aggregator.pagesHeld()).isZero();
  }

  @Test
  void closingFromAnotherThreadWhileReadingTheResultStopsTheReader() throws Exception {
    HashAggregator aggregator = aggregator(16);
    addAll(aggregator, rows);
    addAll(aggregator, rows(new Random(22), 8_000, 1 << 30, 0.0));
    RowIterator result = aggregator.result();
    AtomicReference<Throwable> readerEnd = new AtomicReference<>();
    CountDownLatch reading = new CountDownLatch(1);
    Thread reader = Thread.ofPlatform().name("agg-reader").start(() -> {
      try {
        for (BinaryRow row; (row = result.next()) != null; ) {
          reading.countDown();
          assertThat(row.sizeInBytes()).isPositive();
        }
        readerEnd.set(new AssertionError("the result ended before the close"));
      } catch (Throwable t) {
        readerEnd.set(t);
      }
    });
    reading.await();
    result.close();
    reader.join(10_000);
    assertThat(reader.isAlive()).isFalse();
    assertThat(readerEnd.get()).isInstanceOfAny(CancellationException.class, IllegalStateException.class);
  }

  @Test
  void aReclaimRequestWhileAggregatingSpillsAndGivesPagesBack() throws Exception {
    int pageSize = AggFixture.PAGE_SIZE;
    fixture(AllocationPolicy.LRU_RECLAIM, 40L * pageSize);
    try (HashAggregator aggregator = aggregator(32)) {
      addAll(aggregator, rows.subList(0, 300));
      assertThat(aggregator.spillCount()).isZero();
      List<io.memflow.memory.MemorySegment> other = fixture.manager.allocatePages("other-task", 20);
      assertThat(aggregator.spillCount()).isOne();
      assertThat(aggregator.pagesHeld()).isLessThanOrEqualTo(20);
      assertThat(fixture.manager.metrics().owner(fixture.owner).pages()).isEqualTo(aggregator.pagesHeld());
      addAll(aggregator, rows.subList(300, rows.size()));
      AggregatorTestSupport.assertSameMultiset(readAll(aggregator.result()), expected(rows, KEYS, FUNCTIONS));
      fixture.manager.release(other);
    }
  }

  @Test
  void afterTheInputEndsTheAggregatorIsNoLongerAskedToReclaim() throws Exception {
    int pageSize = AggFixture.PAGE_SIZE;
    fixture(AllocationPolicy.LRU_RECLAIM, 40L * pageSize);
    try (HashAggregator aggregator = aggregator(32)) {
      addAll(aggregator, rows.subList(0, 300));
      try (RowIterator result = aggregator.result()) {
        assertThatThrownBy(() -> fixture.manager.allocatePages("other-task", 20))
            .isInstanceOf(MemoryAllocationException.class);
        assertThat(result.next()).isNotNull();
      }
    }
  }
}
