package io.memflow.hash;

import static io.memflow.hash.AggFixture.ALL;
import static io.memflow.hash.AggFixture.PAGE_SIZE;
import static io.memflow.hash.AggFixture.SCHEMA;
import static io.memflow.hash.AggFixture.aggregate;
import static io.memflow.hash.AggFixture.dataBytes;
import static io.memflow.hash.AggFixture.expected;
import static io.memflow.hash.AggFixture.rows;
import static io.memflow.hash.AggregateFunction.avg;
import static io.memflow.hash.AggregateFunction.count;
import static io.memflow.hash.AggregateFunction.max;
import static io.memflow.hash.AggregateFunction.min;
import static io.memflow.hash.AggregateFunction.sum;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.memflow.row.FieldType;
import io.memflow.row.RowSchema;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Results against the object reference ({@link AggReference}) for every aggregate, key type and memory ratio. */
class HashAggregatorTest {

  @TempDir Path directory;
  private AggFixture fixture;

  private AggFixture fixture(long budget) {
    fixture = new AggFixture(directory, budget);
    return fixture;
  }

  @AfterEach
  void everythingIsReleased() {
    if (fixture != null) {
      fixture.assertEverythingReleased();
    }
  }

  /** Ratio: data bytes / memory bytes (0.05: memory 20x the data, nothing spills; 20: data 20x the memory). */
  @ParameterizedTest(name = "data {0}x the memory, skew {1}, keys {2}")
  @CsvSource({
      "0.05, 0.0, 0 1 2", "0.25, 0.3, 0 1 2", "1, 0.0, 0 1 2", "4, 0.0, 0 1 2", "20, 0.0, 0 1 2",
      "1, 0.8, 0 1 2", "4, 0.8, 0 1 2", "20, 0.8, 0 1 2",
      "4, 0.0, 1", "20, 0.3, 2 0", "20, 0.0, 3"})
  void matchesTheReferenceWhateverTheDataToMemoryRatioAndSkew(double ratio, double skew, String keys)
      throws Exception {
    Random random = new Random(Double.hashCode(ratio) * 31 + keys.hashCode() + Double.hashCode(skew));
    // at least 16 pages of 4 KiB: data 20x the memory is then ~13,000 rows of ~85 bytes
    int count = (int) Math.max(6_000, ratio * 17 * PAGE_SIZE / 80);
    List<Object[]> rows = rows(random, count, count / 2, skew);
    int[] groupFields = Arrays.stream(keys.split(" ")).mapToInt(Integer::parseInt).toArray();
    int pages = (int) Math.round(dataBytes(rows) / ratio / PAGE_SIZE);
    assertThat(pages).isGreaterThanOrEqualTo(16);
    fixture(64L << 20);
    try (HashAggregator aggregator = fixture.builder(pages, groupFields, ALL).build()) {
      AggregatorTestSupport.assertSameMultiset(aggregate(aggregator, rows), expected(rows, groupFields, ALL));
      if (ratio >= 4 && groupFields.length > 1) {
        assertThat(aggregator.spillCount()).as("spills").isPositive();
        assertThat(aggregator.rowsOnDisk()).as("rows of partitions on disk").isPositive();
      }
      if (ratio <= 0.05) {
        assertThat(aggregator.spillCount()).as("spills").isZero();
      }
    }
  }

  /**
   * Data about twice the memory, keys spread evenly: the table fills, the largest partitions are
   * evicted, and the others' groups never leave memory: they come out of the first pass's table,
   * while the evicted ones are read back. Spilling the whole table would emit nothing from it.
   */
  @Test
  void partitionsNeverEvictedAreEmittedFromMemoryWithoutSpilling() throws Exception {
    List<Object[]> rows = rows(new Random(42), 20_000, 12_000, 0.0);
    int[] groupFields = {0, 1, 2};
    List<List<Object>> expected = expected(rows, groupFields, ALL);
    int pages = (int) (dataBytes(rows) / 2 / PAGE_SIZE);
    fixture(64L << 20);
    try (HashAggregator aggregator = fixture.builder(pages, groupFields, ALL).build()) {
      AggregatorTestSupport.assertSameMultiset(aggregate(aggregator, rows), expected);
      assertThat(aggregator.spillCount()).as("spills").isPositive();
      assertThat(aggregator.emittedFromFirstPass()).as("groups that stayed in memory")
          .isPositive().isLessThan(expected.size());
    }
  }

  @Test
  void emptyInputGivesNoGroups() throws Exception {
    fixture(1 << 20);
    try (HashAggregator aggregator = fixture.builder(8, new int[] {0}, ALL).build()) {
      assertThat(aggregate(aggregator, List.of())).isEmpty();
    }
  }

  @Test
  void oneRowGivesOneGroupWithItsValues() throws Exception {
    fixture(1 << 20);
    Object[] row = {5L, "a", 1, 10L, 3, 2.5, "x", new byte[] {1}};
    try (HashAggregator aggregator = fixture.builder(8, new int[] {1, 0}, ALL).build()) {
      assertThat(aggregate(aggregator, List.<Object[]>of(row))).containsExactly(List.of("a", 5L,
          1L, 1L, 10L, 3L, 2.5, 10L, 10L, 3, 3, 2.5, 2.5, "x", "x", "0x01", "0x01", 10.0, 3.0, 2.5));
    }
  }

  @Test
  void nullKeysFormOneGroupAndAllNullValuesGiveNullAggregatesButZeroCounts() throws Exception {
    fixture(1 << 20);
    Object[] nulls = {null, null, 1, null, null, null, null, null};
    try (HashAggregator aggregator = fixture.builder(8, new int[] {0, 1}, ALL).build()) {
      List<Object> expected = new ArrayList<>(Arrays.asList(null, null, 3L, 0L));
      expected.addAll(java.util.Collections.nCopies(16, null));
      assertThat(aggregate(aggregator, List.of(nulls, nulls.clone(), nulls.clone()))).containsExactly(expected);
    }
  }

  @Test
  void aLongSumWrapsOnOverflowAsJavaAddition() throws Exception {
    fixture(1 << 20);
    List<Object[]> rows = List.of(new Object[] {1L, "k", 0, Long.MAX_VALUE, Integer.MAX_VALUE, 0.0, "", null},
        new Object[] {1L, "k", 0, 2L, Integer.MAX_VALUE, 0.0, "", null});
    try (HashAggregator aggregator = fixture.builder(8, new int[] {0}, List.of(sum("v_long"), sum("v_int"))).build()) {
      assertThat(aggregate(aggregator, rows))
          .containsExactly(List.of(1L, Long.MIN_VALUE + 1, 2L * Integer.MAX_VALUE));
    }
  }

  @Test
  void doubleKeysGroupNegativeZeroWithZeroAndEveryNaNTogether() throws Exception {
    RowSchema schema = RowSchema.builder().field("d", FieldType.DOUBLE).field("v", FieldType.LONG).build();
    fixture(1 << 20);
    try (HashAggregator aggregator = HashAggregator.builder(fixture.manager, fixture.owner, schema).groupBy("d")
        .aggregate(count(), sum("v")).pages(8).build()) {
      double[] keys = {0.0, -0.0, Double.NaN, Double.longBitsToDouble(0x7FF8_0000_0000_0001L), 1.5, 1.5};
      io.memflow.row.BinaryRow row = new io.memflow.row.BinaryRow(schema);
      for (double key : keys) {
        new io.memflow.row.RowWriter(schema).setDouble(0, key).setLong(1, 1).writeTo(row);
        aggregator.add(row);
      }
      List<List<Object>> result = AggFixture.readAll(aggregator.result());
      assertThat(result).hasSize(3).extracting(r -> r.get(1)).containsOnly(2L);
    }
  }

  @Test
  void oneGiantGroupFinishesInTheSmallestMemory() throws Exception {
    Random random = new Random(3);
    List<Object[]> rows = rows(random, 20_000, 1, 1.0);
    List<AggregateFunction> functions = List.of(count(), max("v_str"), min("v_str"), sum("v_long"), avg("v_double"));
    fixture(1 << 20);
    try (HashAggregator aggregator = fixture.builder(HashAggregator.MIN_PAGES, new int[] {0, 1, 2}, functions).build()) {
      AggregatorTestSupport.assertSameMultiset(aggregate(aggregator, rows), expected(rows, new int[] {0, 1, 2}, functions));
    }
  }

  @Test
  void ascendingStringsForMaxReappendTheGroupAndStillFinish() throws Exception {
    List<Object[]> rows = new ArrayList<>();
    for (int i = 0; i < 5_000; i++) {
      rows.add(new Object[] {1L, "k", 0, null, null, null, String.format("%08d", i), new byte[] {(byte) i}});
    }
    List<AggregateFunction> functions = List.of(max("v_str"), min("v_bytes"), max("v_bytes"));
    fixture(1 << 20);
    try (HashAggregator aggregator = fixture.builder(HashAggregator.MIN_PAGES, new int[] {0}, functions).build()) {
      assertThat(aggregate(aggregator, rows)).containsExactly(List.of(1L, "00004999", "0x00", "0xff"));
    }
  }

  @Test
  void rowsLargerThanABatchGoStraightInAmongBatchedRowsAndNothingIsLostAtTheEnd() throws Exception {
    Random random = new Random(5);
    String huge = "x".repeat(RowBatch.BYTES + 100);
    List<Object[]> rows = new ArrayList<>();
    for (int i = 0; i < 1_000; i++) { // a count that is no multiple of the batch size
      boolean big = random.nextInt(10) == 0;
      rows.add(new Object[] {(long) random.nextInt(50), "k", 1, (long) i, null, null, big ? huge : "s", null});
    }
    List<AggregateFunction> functions = List.of(count(), sum("v_long"), AggregateFunction.count("v_str"));
    fixture(1 << 20);
    try (HashAggregator aggregator = fixture.builder(16, new int[] {0}, functions).build()) {
      AggregatorTestSupport.assertSameMultiset(aggregate(aggregator, rows), expected(rows, new int[] {0}, functions));
    }
  }

  @Test
  void partitionsGoOnDiskWhileTheOthersAggregateInMemory() throws Exception {
    Random random = new Random(13);
    List<Object[]> rows = rows(random, 60_000, 6_000, 0.3);
    List<AggregateFunction> functions = List.of(count(), sum("v_long"), max("v_str"), avg("v_int"));
    fixture(4 << 20);
    try (HashAggregator aggregator = fixture.builder(48, new int[] {0}, functions).partitions(8).build()) {
      AggregatorTestSupport.assertSameMultiset(aggregate(aggregator, rows), expected(rows, new int[] {0}, functions));
      assertThat(aggregator.spillCount()).as("spills").isPositive();
      // some partitions stay in memory to the end: fewer rows reach the disk than were added
      assertThat(aggregator.rowsOnDisk()).as("rows of partitions on disk").isPositive().isLessThan(rows.size());
    }
  }

  @Test
  void inputRowsOnDiskThatStillDoNotFitGoOnDiskAgainAsPartialRows() throws Exception {
    Random random = new Random(14);
    List<Object[]> rows = rows(random, 30_000, 1 << 30, 0.0);
    List<AggregateFunction> functions = List.of(count(), sum("v_long"), min("v_str"), avg("v_double"));
    fixture(1 << 20);
    try (HashAggregator aggregator = fixture.builder(40, new int[] {0}, functions).partitions(2).build()) {
      AggregatorTestSupport.assertSameMultiset(aggregate(aggregator, rows), expected(rows, new int[] {0}, functions));
      assertThat(aggregator.deepestLevel()).isGreaterThanOrEqualTo(2);
      assertThat(aggregator.rowsOnDisk()).as("rows on disk, some twice").isGreaterThan(rows.size());
    }
  }

  @Test
  void partitionsThatStillDoNotFitAreSpilledAgainOneLevelDeeper() throws Exception {
    Random random = new Random(11);
    List<Object[]> rows = rows(random, 20_000, 1 << 30, 0.0);
    List<AggregateFunction> functions = List.of(count(), sum("v_long"));
    fixture(1 << 20);
    try (HashAggregator aggregator = fixture.builder(10, new int[] {0}, functions).partitions(2).build()) {
      AggregatorTestSupport.assertSameMultiset(aggregate(aggregator, rows), expected(rows, new int[] {0}, functions));
      assertThat(aggregator.deepestLevel()).isGreaterThanOrEqualTo(3);
    }
  }

  @Test
  void runningOutOfLevelsFailsWithTheFixAndReleasesEverything() throws Exception {
    Random random = new Random(12);
    List<Object[]> rows = rows(random, 20_000, 1 << 30, 0.0);
    fixture(1 << 20);
    try (HashAggregator aggregator = fixture.builder(HashAggregator.MIN_PAGES, new int[] {0}, List.of(count()))
        .partitions(2).maxLevels(1).build()) {
      assertThatThrownBy(() -> aggregate(aggregator, rows)).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("maxLevels=1").hasMessageContaining("Builder.maxLevels");
      assertThat(aggregator.pagesHeld()).isZero();
      assertThat(fixture.spills.liveFiles()).isZero();
    }
  }

  @Test
  void outputSchemaIsTheGroupFieldsThenOneNamedFieldPerAggregate() throws Exception {
    fixture(1 << 20);
    try (HashAggregator aggregator = fixture.builder(8, new int[] {1}, List.of(count(), sum("v_int"),
        avg("v_long"), min("v_str"), AggregateFunction.count(3).as("n_long"))).build()) {
      assertThat(aggregator.outputSchema()).isEqualTo(RowSchema.builder().nullableField("k_str", FieldType.STRING)
          .field("count", FieldType.LONG).nullableField("sum_v_int", FieldType.LONG)
          .nullableField("avg_v_long", FieldType.DOUBLE).nullableField("min_v_str", FieldType.STRING)
          .field("n_long", FieldType.LONG).build());
    }
  }

  @Test
  void badOptionsAreRejectedNamingTheValue() {
    fixture(1 << 20);
    assertThatThrownBy(() -> fixture.builder(3, new int[] {0}, ALL).build()).hasMessageContaining("pages=3");
    assertThatThrownBy(() -> fixture.builder(8, new int[] {0}, ALL).partitions(3).build())
        .hasMessageContaining("partitions=3");
    assertThatThrownBy(() -> fixture.builder(8, new int[] {0}, List.of(sum("v_str"))).build())
        .hasMessageContaining("sum(v_str)").hasMessageContaining("STRING");
    assertThatThrownBy(() -> fixture.builder(8, new int[] {}, ALL).build()).hasMessageContaining("groupBy");
  }

  @Test
  void withoutASpillManagerAFullTableFailsWithTheFix() throws Exception {
    fixture(1 << 20);
    List<Object[]> rows = rows(new Random(5), 5_000, 1 << 30, 0.0);
    try (HashAggregator aggregator = HashAggregator.builder(fixture.manager, fixture.owner, SCHEMA).groupBy(0)
        .aggregate(count()).pages(HashAggregator.MIN_PAGES).build()) {
      assertThatThrownBy(() -> aggregate(aggregator, rows)).hasMessageContaining("no spill manager");
    }
  }
}
