package io.memflow.hash;

import static io.memflow.hash.AggFixture.addAll;
import static io.memflow.hash.AggFixture.expected;
import static io.memflow.hash.AggFixture.readAll;
import static io.memflow.hash.AggFixture.rows;
import static io.memflow.hash.AggregateFunction.count;
import static io.memflow.hash.AggregateFunction.max;
import static io.memflow.hash.AggregateFunction.sum;
import static org.assertj.core.api.Assertions.assertThat;

import io.memflow.io.SpillManager;
import io.memflow.managed.AllocationPolicy;
import io.memflow.managed.MemoryAllocationException;
import io.memflow.memory.MemorySegment;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reclaim requests from another thread at random moments while the owner thread adds rows (under
 * {@code LRU_RECLAIM}): the aggregator spills and gives pages back without losing or doubling a
 * row, the other thread gets its pages, and everything ends released.
 */
class HashAggregatorReclaimStressTest {

  private static final List<AggregateFunction> FUNCTIONS = List.of(count(), sum("v_long"), max("v_str"));
  private static final int[] KEYS = {0, 2};

  @TempDir Path directory;

  @RepeatedTest(3)
  void reclaimsRacingWithAddsLoseNoRowAndLeakNothing() throws Exception {
    int budgetPages = 96;
    AggFixture fixture = new AggFixture(directory, (long) budgetPages * AggFixture.PAGE_SIZE,
        AllocationPolicy.LRU_RECLAIM, SpillManager.builder().tempDirectories(List.of(directory)).build());
    List<Object[]> rows = rows(new Random(31), 30_000, 10_000, 0.2);
    AtomicBoolean done = new AtomicBoolean();
    AtomicInteger served = new AtomicInteger();
    AtomicReference<Throwable> otherFailure = new AtomicReference<>();
    try (HashAggregator aggregator = fixture.builder(88, KEYS, FUNCTIONS).build()) {
      Thread other = Thread.ofPlatform().name("other-consumer").start(() -> {
        Random random = new Random(32);
        try {
          while (!done.get()) {
            int wanted = 1 + random.nextInt(40);
            try {
              List<MemorySegment> pages = fixture.manager.allocatePages("other-task", wanted);
              served.incrementAndGet();
              Thread.sleep(random.nextInt(3));
              fixture.manager.release(pages);
            } catch (MemoryAllocationException expected) {
              Thread.onSpinWait(); // the aggregator is down to its minimum: nothing more to reclaim
            }
          }
        } catch (Throwable t) {
          otherFailure.set(t);
        }
      });
      try {
        addAll(aggregator, rows);
      } finally {
        done.set(true);
        other.join(10_000);
      }
      assertThat(otherFailure.get()).isNull();
      assertThat(served.get()).isPositive();
      assertThat(aggregator.pagesHeld()).isLessThan(88);
      AggregatorTestSupport.assertSameMultiset(readAll(aggregator.result()), expected(rows, KEYS, FUNCTIONS));
    }
    fixture.assertEverythingReleased();
  }
}
