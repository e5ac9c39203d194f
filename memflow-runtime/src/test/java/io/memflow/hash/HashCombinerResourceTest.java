package io.memflow.hash;

import static io.memflow.hash.AggFixture.SCHEMA;
import static io.memflow.hash.AggFixture.rows;
import static io.memflow.hash.AggregateFunction.count;
import static io.memflow.hash.AggregateFunction.max;
import static io.memflow.hash.AggregateFunction.sum;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.memflow.io.SpillManager;
import io.memflow.managed.AllocationPolicy;
import io.memflow.row.BinaryRow;
import io.memflow.row.RowIterator;
import io.memflow.row.RowWriter;
import io.memflow.testing.FaultyFileChannel;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ownership in two phases: after success, a throwing sink, a full disk under the merging
 * aggregator, and closing midway (combiners while adding, the aggregator while reading), every
 * page is back with the manager, no spill file is left and the managers close clean.
 */
class HashCombinerResourceTest {

  private static final List<AggregateFunction> FUNCTIONS = List.of(count(), sum("v_long"), max("v_str"),
      AggregateFunction.avg("v_int"));
  private static final int[] KEYS = {0, 1};

  @TempDir Path directory;
  private final FaultyFileChannel.Faults faults = new FaultyFileChannel.Faults();
  private final List<Object[]> rows = rows(new Random(21), 8_000, 4_000, 0.1);
  private AggFixture fixture = null;

  private AggFixture fixture() {
    fixture = new AggFixture(directory, 4L << 20, AllocationPolicy.FAIL,
        SpillManager.builder().tempDirectories(List.of(directory)).fileOpener(faults.opener()).build());
    return fixture;
  }

  private HashCombiner combiner(int pages) throws Exception {
    return HashCombiner.builder(fixture.manager, "combiner", SCHEMA).groupBy(KEYS)
        .aggregate(FUNCTIONS.toArray(AggregateFunction[]::new)).pages(pages).build();
  }

  private HashAggregator merging(int pages) throws Exception {
    return fixture.builder(pages, KEYS, FUNCTIONS).mergePartials().build();
  }

  @AfterEach
  void everythingIsReleased() {
    fixture.assertEverythingReleased();
  }

  private static void addAll(HashCombiner combiner, List<Object[]> rows, HashCombiner.Sink sink) throws Exception {
    RowWriter writer = new RowWriter(SCHEMA);
    BinaryRow row = new BinaryRow(SCHEMA);
    for (Object[] values : rows) {
      writer.reset().setAll(values).writeTo(row);
      combiner.add(row, sink);
    }
  }

  @Test
  void successReleasesEverythingAndCloseIsIdempotent() throws Exception {
    fixture();
    HashAggregator aggregator = merging(16);
    HashCombiner combiner = combiner(2);
    addAll(combiner, rows, aggregator::add);
    combiner.finish(aggregator::add);
    assertThat(combiner.flushes()).isPositive();
    combiner.close();
    combiner.close();
    assertThat(combiner.pagesHeld()).isZero();
    assertThat(AggFixture.readAll(aggregator.result())).hasSameSizeAs(AggFixture.expected(rows, KEYS, FUNCTIONS));
    assertThat(aggregator.spillCount()).isPositive();
    assertThat(aggregator.pagesHeld()).isZero();
    assertThatThrownBy(() -> combiner.add(new RowWriter(SCHEMA).setAll(rows.getFirst()).toRow(), r -> { }))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("CLOSED");
  }

  @Test
  void aThrowingSinkFailsTheCombinerAndGivesItsPagesBackAtOnce() throws Exception {
    fixture();
    HashCombiner combiner = combiner(2);
    long[] accepted = {0};
    HashCombiner.Sink failing = row -> {
      if (++accepted[0] == 10) {
        throw new IOException("the exchange broke");
      }
    };
    assertThatThrownBy(() -> addAll(combiner, rows, failing)).isInstanceOf(IOException.class)
        .hasMessage("the exchange broke");
    assertThat(combiner.pagesHeld()).isZero();
    assertThatThrownBy(() -> combiner.finish(failing)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("FAILED").hasMessageContaining("the exchange broke");
    combiner.close();
  }

  @Test
  void aFullDiskUnderTheMergingAggregatorFailsItAndTheCombinerWithIt() throws Exception {
    fixture();
    faults.writeLimit = 30_000;
    try (HashAggregator aggregator = merging(16); HashCombiner combiner = combiner(2)) {
      assertThatThrownBy(() -> addAll(combiner, rows, aggregator::add)).isInstanceOf(IOException.class)
          .hasStackTraceContaining("No space left on device");
      assertThat(aggregator.pagesHeld()).isZero();
      assertThat(combiner.pagesHeld()).isZero();
      assertThat(fixture.spills.liveFiles()).isZero();
    }
  }

  @Test
  void closingMidwayReleasesEverything() throws Exception {
    fixture();
    HashAggregator aggregator = merging(16);
    try (HashCombiner first = combiner(2); HashCombiner second = combiner(8)) {
      addAll(first, rows.subList(0, 4_000), aggregator::add);
      addAll(second, rows.subList(4_000, 8_000), aggregator::add);
      first.finish(aggregator::add); // the second is closed holding groups
    }
    try (RowIterator result = aggregator.result()) {
      for (int i = 0; i < 10; i++) {
        assertThat(result.next()).isNotNull();
      }
    }
    assertThat(aggregator.pagesHeld()).isZero();
  }
}
