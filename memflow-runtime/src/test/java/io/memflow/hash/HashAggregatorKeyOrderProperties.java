package io.memflow.hash;

import static io.memflow.hash.AggregateFunction.count;
import static io.memflow.hash.AggregateFunction.sum;
import static org.assertj.core.api.Assertions.assertThat;

import io.memflow.row.BinaryRow;
import io.memflow.row.FieldType;
import io.memflow.row.RowIterator;
import io.memflow.row.RowSchema;
import io.memflow.row.RowWriter;
import io.memflow.row.SortComparators;
import io.memflow.row.SortField;
import io.memflow.serialization.SortComparator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.statistics.Statistics;

/**
 * {@link HashAggregator.Builder#emitInKeyOrder()}: with every group in memory the groups come out
 * strictly ascending by the comparator a sort of the output on its group fields uses (so nulls,
 * -0.0, NaN and long strings order as there), with the reference's values; with little memory
 * the aggregator may spill, says so, and still gives the reference result. The keys are chosen to
 * strain the table's 32-bit prefixes: longs over the whole range and in clusters (the prefix
 * drops low bits, leaving ties), doubles with their special values, strings that share long
 * beginnings, and a string with an int.
 */
class HashAggregatorKeyOrderProperties {

  private static final RowSchema SCHEMA = RowSchema.builder()
      .nullableField("k_long", FieldType.LONG).nullableField("k_double", FieldType.DOUBLE)
      .nullableField("k_str", FieldType.STRING).field("k_int", FieldType.INT)
      .field("v", FieldType.LONG).build();
  /** Group fields: LONG, DOUBLE, STRING, STRING+INT, INT. */
  private static final int[][] KEYS = {{0}, {1}, {2}, {2, 3}, {3}};
  private static final double[] SPECIAL = {0.0, -0.0, Double.NaN, Double.POSITIVE_INFINITY,
      Double.NEGATIVE_INFINITY, Double.MIN_VALUE, -Double.MIN_VALUE, Double.MAX_VALUE};

  @Property(tries = 150)
  void groupsInMemoryComeOutInTheSortsOrder(
      @ForAll @IntRange(min = 0, max = 4) int keyChoice,
      @ForAll boolean littleMemory,
      @ForAll long seed) throws Exception {
    Random random = new Random(seed);
    int distinct = 1 + random.nextInt(3_000);
    List<Object[]> rows = rows(random, random.nextInt(6_000), distinct);
    int[] groupFields = KEYS[keyChoice];
    Path directory = Files.createTempDirectory("agg-order");
    AggFixture fixture = new AggFixture(directory, 8L << 20);
    try {
      int pages = littleMemory ? HashAggregator.MIN_PAGES + random.nextInt(10) : 1_500;
      try (HashAggregator aggregator = HashAggregator.builder(fixture.manager, fixture.owner, SCHEMA)
          .groupBy(groupFields).aggregate(count(), sum("v")).pages(pages).spillManager(fixture.spills)
          .emitInKeyOrder().build()) {
        List<BinaryRow> groups = aggregate(aggregator, rows);
        AggReference reference = new AggReference(SCHEMA, groupFields, List.of(count(), sum("v")));
        rows.forEach(reference::add);
        AggregatorTestSupport.assertSameMultiset(values(groups), reference.rows());
        if (!littleMemory) {
          assertThat(aggregator.emitsInKeyOrder()).isTrue();
        }
        if (aggregator.emitsInKeyOrder()) {
          assertThat(aggregator.spillCount()).isZero();
          SortComparator<BinaryRow> order = SortComparators.rows(groups.isEmpty() ? SCHEMA : groups.getFirst().schema(),
              IntStream.range(0, groupFields.length).mapToObj(SortField::ascending).toArray(SortField[]::new));
          for (int i = 1; i < groups.size(); i++) {
            assertThat(order.compare(groups.get(i - 1), groups.get(i))).as("groups %d and %d", i - 1, i).isNegative();
          }
        } else {
          assertThat(aggregator.spillCount()).isPositive();
        }
        Statistics.label("order").collect(aggregator.emitsInKeyOrder() ? "in key order" : "spilled");
      }
      fixture.assertEverythingReleased();
    } finally {
      for (Path file : AggFixture.filesIn(directory)) {
        Files.deleteIfExists(file);
      }
      Files.deleteIfExists(directory);
    }
  }

  private static List<Object[]> rows(Random random, int count, int distinct) {
    long[] longs = new long[distinct];
    double[] doubles = new double[distinct];
    String[] strings = new String[distinct];
    long base = random.nextLong();
    for (int k = 0; k < distinct; k++) {
      longs[k] = switch (random.nextInt(3)) {
        case 0 -> random.nextLong(); // the whole range: the prefix keeps the top 32 bits
        case 1 -> base + random.nextInt(1 << 12); // a cluster the prefix cannot tell apart
        default -> random.nextInt(1_000) - 500L;
      };
      doubles[k] = random.nextInt(4) == 0 ? SPECIAL[random.nextInt(SPECIAL.length)]
          : random.nextInt(3) == 0 ? random.nextGaussian() * 1e-300 : (random.nextInt(2_000) - 1_000) / 8.0;
      strings[k] = "shared-prefix-" .repeat(random.nextInt(3)) + Integer.toString(random.nextInt(500), 7);
    }
    List<Object[]> rows = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      int k = random.nextInt(distinct);
      rows.add(new Object[] {k % 41 == 7 ? null : longs[k], k % 43 == 9 ? null : doubles[k],
          k % 47 == 11 ? null : strings[k], k % 13, random.nextLong() >> 8});
    }
    return rows;
  }

  private static List<BinaryRow> aggregate(HashAggregator aggregator, List<Object[]> rows) throws Exception {
    RowWriter writer = new RowWriter(SCHEMA);
    BinaryRow row = new BinaryRow(SCHEMA);
    for (Object[] values : rows) {
      writer.reset().setAll(values).writeTo(row);
      aggregator.add(row);
    }
    List<BinaryRow> groups = new ArrayList<>();
    try (RowIterator result = aggregator.result()) {
      for (BinaryRow group; (group = result.next()) != null; ) {
        groups.add(group.copy());
      }
    }
    return groups;
  }

  private static List<List<Object>> values(List<BinaryRow> groups) {
    return groups.stream().map(AggReference::values).toList();
  }
}
