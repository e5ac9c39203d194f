package io.memflow.hash;

import static org.assertj.core.api.Assertions.assertThat;

import io.memflow.managed.AllocationPolicy;
import io.memflow.io.SpillManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.statistics.Statistics;

/**
 * Two-phase aggregation end to end: random rows (duplicates, skew, nulls in keys and values,
 * INT/LONG/DOUBLE/STRING keys, every aggregate) split among 1 to 4 combiners in any interleaving,
 * each with tiny to ample memory, forced flushes and forced pass-through, into one merging
 * aggregator with ample memory or so little that it spills, puts partitions on disk and recurses:
 * the result equals the reference aggregation of the same rows ({@link AggReference}), the
 * combiners account for every row, and everything is released.
 */
class HashCombinerProperties {

  /** Group fields: LONG+STRING+INT, STRING, INT, LONG, DOUBLE, STRING value+INT. */
  private static final int[][] KEYS = {{0, 1, 2}, {1}, {2}, {0}, {5}, {6, 2}};
  private static final int[] COMBINER_PAGES = {HashCombiner.MIN_PAGES, 3, 4, 8, 64};
  private static final int[] FLUSH_EVERY = {0, 0, 0, 1, 7, 100};

  @Property(tries = 120)
  void twoPhasesGiveTheReferenceResult(
      @ForAll @IntRange(min = 0, max = 3) int size,
      @ForAll boolean manyKeys,
      @ForAll @DoubleRange(min = 0.0, max = 0.9) double skew,
      @ForAll @IntRange(min = 0, max = 5) int keyChoice,
      @ForAll boolean coarseDoubles,
      @ForAll boolean allFunctions,
      @ForAll @IntRange(min = 1, max = 4) int combinerCount,
      @ForAll boolean tinyAggregator,
      @ForAll long seed) throws Exception {
    Random random = new Random(seed);
    // sizes drawn here, uniformly (jqwik favours small numbers): 0 to 3 rows, or up to 4,000
    int count = size == 0 ? random.nextInt(4) : random.nextInt(4_000);
    int keys = 1 + random.nextInt(manyKeys ? 5_000 : 60);
    List<Object[]> rows = AggFixture.rows(random, count, keys, skew);
    if (coarseDoubles) { // few distinct doubles, multiples of 0.25: DOUBLE keys with duplicates
      rows.forEach(r -> r[5] = r[5] == null ? null : Math.rint((Double) r[5] / 50_000) * 0.25 + 0.0);
    }
    int[] groupFields = KEYS[keyChoice];
    List<AggregateFunction> functions = allFunctions ? AggFixture.ALL : someOf(random, AggFixture.ALL);
    List<TwoPhase.Spec> specs = specs(random, combinerCount, count);
    int[] assignment = random.ints(count, 0, combinerCount).toArray();
    Path directory = Files.createTempDirectory("two-phase");
    AggFixture fixture = new AggFixture(directory, 8L << 20, AllocationPolicy.FAIL,
        SpillManager.builder().tempDirectories(List.of(directory)).build());
    try {
      TwoPhase.Stats[] stats = new TwoPhase.Stats[1];
      try (HashAggregator aggregator = aggregator(fixture, random, tinyAggregator, groupFields, functions)) {
        List<List<Object>> result = TwoPhase.run(fixture, rows, assignment, specs, groupFields, functions,
            aggregator, stats);
        AggregatorTestSupport.assertSameMultiset(result, AggFixture.expected(rows, groupFields, functions));
        Statistics.label("aggregator").collect(!tinyAggregator ? "ample"
            : aggregator.rowsOnDisk() > 0 ? "partitions on disk" : aggregator.spillCount() > 0 ? "spilled" : "tiny, fit");
        Statistics.label("deepest level").collect(aggregator.deepestLevel());
      }
      Statistics.label("combiners").collect(stats[0].flushes() > 0 ? "flushed" : "never full",
          stats[0].passingThrough() > 0 ? "passing through" : "folding");
      assertThat(stats[0].rowsIn()).as("rows into the combiners").isEqualTo(count);
      assertThat(stats[0].partialRowsOut()).as("partial rows out").isEqualTo(stats[0].sinkCalls());
      fixture.assertEverythingReleased();
    } finally {
      deleteDirectory(directory);
    }
  }

  private static HashAggregator aggregator(AggFixture fixture, Random random, boolean tiny, int[] groupFields,
      List<AggregateFunction> functions) throws Exception {
    // tiny: from the minimum (spills whole tables) to 24 pages (room to put partitions on disk)
    int pages = random.nextBoolean() ? HashAggregator.MIN_PAGES + random.nextInt(3) : 12 + random.nextInt(13);
    HashAggregator.Builder builder = fixture.builder(tiny ? pages : 256, groupFields, functions).mergePartials();
    return tiny ? builder.partitions(2 << random.nextInt(2)).maxLevels(16).build() : builder.build();
  }

  private static List<TwoPhase.Spec> specs(Random random, int combiners, int rows) {
    List<TwoPhase.Spec> specs = new ArrayList<>();
    for (int c = 0; c < combiners; c++) {
      int pages = COMBINER_PAGES[random.nextInt(COMBINER_PAGES.length)];
      int flushEvery = FLUSH_EVERY[random.nextInt(FLUSH_EVERY.length)];
      int passThroughAt = random.nextInt(3) == 0 ? random.nextInt(rows / combiners + 1) : -1;
      specs.add(new TwoPhase.Spec(pages, flushEvery, passThroughAt));
    }
    return specs;
  }

  private static List<AggregateFunction> someOf(Random random, List<AggregateFunction> all) {
    List<AggregateFunction> some = new ArrayList<>();
    for (AggregateFunction function : all) {
      if (random.nextInt(4) == 0) {
        some.add(function);
      }
    }
    return some.isEmpty() ? List.of(all.get(random.nextInt(all.size()))) : some;
  }

  private static void deleteDirectory(Path directory) {
    try {
      for (Path file : AggFixture.filesIn(directory)) {
        Files.deleteIfExists(file);
      }
      Files.deleteIfExists(directory);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
