package io.memflow.hash;

import static org.assertj.core.api.Assertions.assertThat;

import io.memflow.io.SpillManager;
import io.memflow.managed.AllocationPolicy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.statistics.Statistics;

/**
 * One-phase aggregation with little memory: random rows (duplicates, skew, nulls, every key type
 * of {@link AggFixture}) into an aggregator of 6 pages up to about the data's size and 2 to 16
 * partitions, so that it
 * evicts partitions and keeps others (input rows written to the partitions on disk in the first
 * pass), spills whole tables when pages are few, reads back and recurses: the result equals the
 * reference, and everything is released.
 */
class HashAggregatorProperties {

  /** Group fields: LONG+STRING+INT, STRING, INT, LONG, STRING value+INT. */
  private static final int[][] KEYS = {{0, 1, 2}, {1}, {2}, {0}, {6, 2}};

  @Property(tries = 120)
  void littleMemoryGivesTheReferenceResult(
      @ForAll @IntRange(min = 0, max = 4) int keyChoice,
      @ForAll @DoubleRange(min = 0.0, max = 0.9) double skew,
      @ForAll boolean manyKeys,
      @ForAll long seed) throws Exception {
    Random random = new Random(seed);
    int count = random.nextInt(4_000);
    int keys = 1 + random.nextInt(manyKeys ? 6_000 : 200);
    List<Object[]> rows = AggFixture.rows(random, count, keys, skew);
    int[] groupFields = KEYS[keyChoice];
    // memory from the minimum up to about the data's size: whole-table spills, evictions that
    // keep part of the groups, partitions on disk, and (rarely) everything fitting
    int dataPages = (int) (AggFixture.dataBytes(rows) / AggFixture.PAGE_SIZE);
    int pages = random.nextInt(4) == 0 ? HashAggregator.MIN_PAGES + random.nextInt(8)
        : (int) Math.clamp(dataPages * (0.3 + 2.5 * random.nextDouble()), HashAggregator.MIN_PAGES, 400);
    int partitions = 2 << random.nextInt(4);
    Path directory = Files.createTempDirectory("agg-props");
    AggFixture fixture = new AggFixture(directory, 8L << 20, AllocationPolicy.FAIL,
        SpillManager.builder().tempDirectories(List.of(directory)).build());
    try {
      try (HashAggregator aggregator = fixture.builder(pages, groupFields, AggFixture.ALL)
          .partitions(partitions).maxLevels(16).build()) {
        List<List<Object>> expected = AggFixture.expected(rows, groupFields, AggFixture.ALL);
        AggregatorTestSupport.assertSameMultiset(AggFixture.aggregate(aggregator, rows), expected);
        assertThat(aggregator.emittedFromFirstPass()).isLessThanOrEqualTo(expected.size());
        Statistics.label("spilling").collect(aggregator.spillCount() == 0 ? "fit"
            : aggregator.emittedFromFirstPass() > 0 ? "kept some groups in memory" : "all spilled");
        Statistics.label("partitions on disk").collect(aggregator.rowsOnDisk() > 0);
      }
      fixture.assertEverythingReleased();
    } finally {
      for (Path file : AggFixture.filesIn(directory)) {
        Files.deleteIfExists(file);
      }
      Files.deleteIfExists(directory);
    }
  }
}
