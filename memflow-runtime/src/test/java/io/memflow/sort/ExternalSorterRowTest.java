package io.memflow.sort;

import static io.memflow.sort.SortAssertions.drain;
import static org.assertj.core.api.Assertions.assertThat;

import io.memflow.io.SpillManager;
import io.memflow.managed.MemoryManager;
import io.memflow.row.BinaryRow;
import io.memflow.row.FieldType;
import io.memflow.row.RowSchema;
import io.memflow.row.RowWriter;
import io.memflow.row.SortComparators;
import io.memflow.row.SortField;
import io.memflow.serialization.SortComparator;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Binary rows sorted through spill files with the rows' own comparator, checked against an
 * independent oracle over the rows' values: a nullable long ascending with nulls first, a nullable
 * string descending with nulls last, an int ascending with nulls last.
 */
class ExternalSorterRowTest {

  static final int PAGE = 4096;

  static final RowSchema SCHEMA = RowSchema.builder()
      .nullableField("id", FieldType.LONG)
      .nullableField("name", FieldType.STRING)
      .nullableField("n", FieldType.INT)
      .field("payload", FieldType.STRING)
      .build();

  @TempDir Path directory;

  @Test
  void rowsSortByTheirKeyFieldsThroughSpillsLikeAValueOracle() throws Exception {
    SortComparator<BinaryRow> comparator = SortComparators.rows(SCHEMA,
        SortField.ascending(0), SortField.descending(1), SortField.ascending(2).nullsLast());
    List<Object[]> values = randomValues(new Random(11), 12_000);
    List<Object[]> actual = new ArrayList<>();
    try (MemoryManager manager = MemoryManager.builder().budget(32L * PAGE).pageSize(PAGE).build();
        SpillManager spills = SpillManager.builder().tempDirectories(List.of(directory)).build()) {
      try (ExternalSorter<BinaryRow> sorter = ExternalSorter.builder(manager, "rows", comparator)
          .pages(24).maxFanIn(4).spillManager(spills).build()) {
        RowWriter writer = new RowWriter(SCHEMA);
        for (Object[] row : values) {
          sorter.write(writer.reset().setAll(row).toRow());
        }
        drain(sorter.sorted()).forEach(row -> actual.add(row.toValues()));
        assertThat(sorter.runsSpilled()).as("runs spilled").isGreaterThan(4);
        assertThat(sorter.mergePasses()).as("merge passes").isPositive();
      }
      assertThat(spills.liveFiles()).isZero();
      assertThat(manager.verifyEmpty()).isTrue();
    }
    List<Object[]> expected = new ArrayList<>(values);
    expected.sort(ORACLE);
    assertThat(actual).hasSameSizeAs(expected);
    for (int i = 0; i < expected.size(); i++) {
      assertThat(ORACLE.compare(actual.get(i), expected.get(i))).as("position %d: %s vs %s", i,
          Arrays.toString(actual.get(i)), Arrays.toString(expected.get(i))).isZero();
    }
    assertThat(actual.stream().map(Arrays::toString).sorted().toList())
        .isEqualTo(values.stream().map(Arrays::toString).sorted().toList());
  }

  /** ASCII strings, so that UTF-8 byte order and String.compareTo agree. */
  static final Comparator<Object[]> ORACLE = Comparator
      .<Object[], Long>comparing(v -> (Long) v[0], Comparator.nullsFirst(Comparator.naturalOrder()))
      .thenComparing(v -> (String) v[1], Comparator.nullsLast(Comparator.<String>reverseOrder()))
      .thenComparing(v -> (Integer) v[2], Comparator.nullsLast(Comparator.naturalOrder()));

  static List<Object[]> randomValues(Random random, int n) {
    List<Object[]> rows = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      Long id = random.nextInt(10) == 0 ? null : (long) random.nextInt(50) - 25;
      String name = random.nextInt(10) == 0 ? null
          : "n" + Rec.payload(random, random.nextInt(3)) + (random.nextBoolean() ? "" : "-long-common-prefix-x");
      Integer count = random.nextInt(10) == 0 ? null : random.nextInt(5);
      rows.add(new Object[] {id, name, count, Rec.payload(random, random.nextInt(40))});
    }
    return rows;
  }
}
