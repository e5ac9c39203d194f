package io.memflow.hash;

import static io.memflow.hash.AggFixture.ALL;
import static io.memflow.hash.AggFixture.SCHEMA;
import static io.memflow.hash.AggFixture.expected;
import static io.memflow.hash.AggFixture.rows;
import static io.memflow.hash.AggregateFunction.avg;
import static io.memflow.hash.AggregateFunction.count;
import static io.memflow.hash.AggregateFunction.max;
import static io.memflow.hash.AggregateFunction.sum;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.memflow.managed.MemoryAllocationException;
import io.memflow.row.BinaryRow;
import io.memflow.row.FieldType;
import io.memflow.row.RowSchema;
import io.memflow.row.RowWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The combiner's folding, flushing and pass-through rule, and two phases against the reference. */
class HashCombinerTest {

  private static final int[] KEYS = {0, 1};
  private static final List<AggregateFunction> FUNCTIONS = List.of(count(), sum("v_long"), max("v_str"),
      avg("v_double"), AggregateFunction.count("v_int"));

  @TempDir Path directory;
  private AggFixture fixture;

  private AggFixture fixture() {
    fixture = new AggFixture(directory, 8L << 20);
    return fixture;
  }

  @AfterEach
  void everythingIsReleased() {
    if (fixture != null) {
      fixture.assertEverythingReleased();
    }
  }

  private List<List<Object>> twoPhases(List<Object[]> rows, List<TwoPhase.Spec> specs, HashAggregator aggregator,
      TwoPhase.Stats[] stats) throws Exception {
    int[] assignment = new Random(rows.size()).ints(rows.size(), 0, specs.size()).toArray();
    return TwoPhase.run(fixture, rows, assignment, specs, KEYS, FUNCTIONS, aggregator, stats);
  }

  /**
   * Runs {@code rows} through one combiner of {@code spec} into a merging aggregator of 64 pages,
   * checks the result against the reference and returns the combiner's statistics.
   */
  private TwoPhase.Stats oneCombinerChecked(List<Object[]> rows, TwoPhase.Spec spec) throws Exception {
    fixture();
    TwoPhase.Stats[] stats = new TwoPhase.Stats[1];
    try (HashAggregator aggregator = fixture.builder(64, KEYS, FUNCTIONS).mergePartials().build()) {
      List<List<Object>> result = twoPhases(rows, List.of(spec), aggregator, stats);
      AggregatorTestSupport.assertSameMultiset(result, expected(rows, KEYS, FUNCTIONS));
    }
    return stats[0];
  }

  @Test
  void groupsThatFitAreFoldedIntoOnePartialRowEach() throws Exception {
    List<Object[]> rows = rows(new Random(1), 10_000, 50, 0.0);
    int groups = expected(rows, KEYS, FUNCTIONS).size();
    assertThat(oneCombinerChecked(rows, TwoPhase.Spec.ample()))
        .isEqualTo(new TwoPhase.Stats(10_000, groups, groups, 0, 0));
  }

  @Test
  void aFullTableIsFlushedAndASkewedKeyKeepsItPreAggregating() throws Exception {
    List<Object[]> rows = rows(new Random(2), 20_000, 1 << 30, 0.9);
    TwoPhase.Stats stats = oneCombinerChecked(rows, new TwoPhase.Spec(HashCombiner.MIN_PAGES, 0, -1));
    assertThat(stats.flushes()).as("flushes").isGreaterThan(5);
    assertThat(stats.passingThrough()).as("combiners passing through").isZero();
    // one skewed key: about 10 % of the rows are distinct, the rest fold into one row per flush
    assertThat(stats.partialRowsOut()).isLessThan(rows.size() / 5);
  }

  @Test
  void distinctKeysSwitchToPassThroughAtTheFirstFlush() throws Exception {
    List<Object[]> rows = rows(new Random(3), 5_000, 1 << 30, 0.0);
    assertThat(oneCombinerChecked(rows, new TwoPhase.Spec(HashCombiner.MIN_PAGES, 0, -1)))
        .isEqualTo(new TwoPhase.Stats(5_000, 5_000, 5_000, 1, 1));
  }

  @Test
  void twoPhasesThroughASpillingMergingAggregatorPutPartialRowsOnDiskAndRecurse() throws Exception {
    List<Object[]> rows = rows(new Random(14), 30_000, 1 << 30, 0.0);
    fixture();
    TwoPhase.Stats[] stats = new TwoPhase.Stats[1];
    List<TwoPhase.Spec> specs = List.of(new TwoPhase.Spec(3, 0, -1), new TwoPhase.Spec(8, 0, 0));
    try (HashAggregator aggregator = fixture.builder(40, KEYS, FUNCTIONS).mergePartials().partitions(2).build()) {
      List<List<Object>> result = twoPhases(rows, specs, aggregator, stats);
      AggregatorTestSupport.assertSameMultiset(result, expected(rows, KEYS, FUNCTIONS));
      assertThat(aggregator.spillCount()).as("spills").isPositive();
      assertThat(aggregator.deepestLevel()).as("levels").isGreaterThanOrEqualTo(2);
      // partial rows written to first-pass partitions on disk, some again one level down
      assertThat(aggregator.rowsOnDisk()).as("rows on disk, some twice").isGreaterThan(rows.size());
    }
  }

  @Test
  void emptyInputAndOneRowGoThroughBothPhases() throws Exception {
    fixture();
    Object[] row = {5L, "a", 1, 10L, 3, 2.5, "x", new byte[] {1}};
    List<TwoPhase.Spec> specs = List.of(TwoPhase.Spec.ample(), new TwoPhase.Spec(2, 1, 0));
    TwoPhase.Stats[] stats = new TwoPhase.Stats[1];
    try (HashAggregator aggregator = fixture.builder(8, KEYS, FUNCTIONS).mergePartials().build()) {
      assertThat(twoPhases(List.of(), specs, aggregator, stats)).isEmpty();
    }
    try (HashAggregator aggregator = fixture.builder(8, KEYS, FUNCTIONS).mergePartials().build()) {
      assertThat(twoPhases(List.<Object[]>of(row), specs, aggregator, stats))
          .containsExactly(List.of(5L, "a", 1L, 10L, "x", 2.5, 1L));
    }
  }

  @Test
  void theCombinersPartialSchemaIsTheAggregatorsWithTheGroupFieldsFirst() throws Exception {
    fixture();
    AggregateFunction[] functions = FUNCTIONS.toArray(AggregateFunction[]::new);
    RowSchema expected = HashAggregator.partialSchema(SCHEMA, new int[] {1, 0}, functions);
    try (HashCombiner combiner = HashCombiner.builder(fixture.manager, "c", SCHEMA).groupBy(1, 0)
        .aggregate(functions).pages(2).build()) {
      assertThat(combiner.partialSchema()).isEqualTo(expected);
    }
    assertThat(expected.field(0)).isEqualTo(SCHEMA.field(1));
    assertThat(expected.field(1)).isEqualTo(SCHEMA.field(0));
    assertThat(expected.fieldCount()).isEqualTo(2 + FUNCTIONS.size() + 1); // avg: sum and count
    assertThat(expected.field(6).name()).isEqualTo("avg_v_double#count");
    assertThat(expected.type(6)).isEqualTo(FieldType.LONG);
  }

  @Test
  void aRowOfTheWrongSchemaIsRejectedNamingBothSchemas() throws Exception {
    fixture();
    BinaryRow input = new RowWriter(SCHEMA).setAll(new Object[] {1L, "a", 1, 2L, 3, 4.0, "s", null}).toRow();
    RowSchema partial = HashAggregator.partialSchema(SCHEMA, KEYS, FUNCTIONS.toArray(AggregateFunction[]::new));
    try (HashAggregator aggregator = fixture.builder(8, KEYS, FUNCTIONS).mergePartials().build()) {
      assertThatThrownBy(() -> aggregator.add(input)).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(SCHEMA.toString()).hasMessageContaining(partial.toString())
          .hasMessageContaining("mergePartials");
    }
    try (HashCombiner combiner = HashCombiner.builder(fixture.manager, "c", SCHEMA).groupBy(KEYS)
        .aggregate(FUNCTIONS.toArray(AggregateFunction[]::new)).pages(2).build()) {
      BinaryRow wrong = new RowWriter(partial).setAll(new Object[] {1L, "a", 1L, null, null, 0.0, 0L, 0L}).toRow();
      assertThatThrownBy(() -> combiner.add(wrong, row -> { })).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(SCHEMA.toString()).hasMessageContaining(partial.toString());
      combiner.add(input, row -> { }); // the combiner is still usable
      assertThat(combiner.rowsIn()).isOne();
    }
  }

  @Test
  void badOptionsAreRejectedNamingTheValueAndAFailedAllocationTakesNothing() {
    fixture();
    assertThatThrownBy(() -> HashCombiner.builder(fixture.manager, "c", SCHEMA).groupBy(0).aggregate(count())
        .pages(1).build()).hasMessageContaining("pages=1").hasMessageContaining("minimum of 2");
    assertThatThrownBy(() -> HashCombiner.builder(fixture.manager, "c", SCHEMA).aggregate(count()).pages(4).build())
        .hasMessageContaining("groupBy");
    assertThatThrownBy(() -> HashCombiner.builder(fixture.manager, "c", SCHEMA).groupBy(0).aggregate(sum("v_str"))
        .pages(4).build()).hasMessageContaining("sum(v_str)");
    assertThatThrownBy(() -> HashCombiner.builder(fixture.manager, "c", SCHEMA).groupBy(0).aggregate(count())
        .memoryBytes(16L << 20).build()).isInstanceOf(MemoryAllocationException.class);
    assertThat(fixture.manager.metrics().owners()).isEmpty();
  }

  @Test
  void everyAggregateOverManyKeysInManyCombinersMatchesTheReference() throws Exception {
    List<Object[]> rows = rows(new Random(9), 12_000, 3_000, 0.5);
    fixture();
    int[] keys = {0, 1, 2};
    List<TwoPhase.Spec> specs = List.of(new TwoPhase.Spec(2, 0, -1), new TwoPhase.Spec(4, 13, -1),
        new TwoPhase.Spec(16, 0, 500), TwoPhase.Spec.ample());
    int[] assignment = new Random(4).ints(rows.size(), 0, specs.size()).toArray();
    TwoPhase.Stats[] stats = new TwoPhase.Stats[1];
    try (HashAggregator aggregator = fixture.builder(12, keys, ALL).mergePartials().build()) {
      List<List<Object>> result = TwoPhase.run(fixture, rows, assignment, specs, keys, ALL, aggregator, stats);
      AggregatorTestSupport.assertSameMultiset(result, expected(rows, keys, ALL));
      assertThat(aggregator.spillCount()).isPositive();
    }
  }
}
