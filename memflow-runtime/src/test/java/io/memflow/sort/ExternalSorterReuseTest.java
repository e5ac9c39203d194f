package io.memflow.sort;

import static io.memflow.sort.SortAssertions.assertSortedLike;
import static org.assertj.core.api.Assertions.assertThat;

import io.memflow.io.SpillManager;
import io.memflow.managed.MemoryManager;
import io.memflow.row.BinaryRow;
import io.memflow.row.RowWriter;
import io.memflow.row.SortComparators;
import io.memflow.row.SortField;
import io.memflow.serialization.RecordIterator;
import io.memflow.serialization.SortComparator;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code RecordIterator.next(reuse)}: rows read back into a few reused objects (the row serializer
 * deserializes into an existing row) with the same result as {@code next()}, from memory and
 * through spill files and merge passes; records returned by {@code next()} are never overwritten;
 * a serializer that cannot reuse still gives right results.
 */
class ExternalSorterReuseTest {

  static final int PAGE = 4096;
  static final int FAN_IN = 4;

  final SortComparator<BinaryRow> comparator = SortComparators.rows(ExternalSorterRowTest.SCHEMA,
      SortField.ascending(0), SortField.descending(1), SortField.ascending(2).nullsLast());
  @TempDir Path directory;
  MemoryManager manager;
  SpillManager spills;

  @BeforeEach
  void open() {
    manager = MemoryManager.builder().budget(32L * PAGE).pageSize(PAGE).build();
    spills = SpillManager.builder().tempDirectories(List.of(directory)).build();
  }

  @AfterEach
  void released() {
    assertThat(spills.liveFiles()).isZero();
    spills.close();
    assertThat(manager.verifyEmpty()).isTrue();
    manager.close();
  }

  ExternalSorter<BinaryRow> sorterOf(List<Object[]> values) throws Exception {
    ExternalSorter<BinaryRow> sorter = ExternalSorter.builder(manager, "reuse", comparator)
        .pages(24).maxFanIn(FAN_IN).spillManager(spills).build();
    RowWriter writer = new RowWriter(ExternalSorterRowTest.SCHEMA);
    for (Object[] row : values) {
      sorter.write(writer.reset().setAll(row).toRow());
    }
    return sorter;
  }

  @Test
  void rowsReadWithReuseComeInFewObjectsAndInOrderFromMemoryAndFromSpills() throws Exception {
    for (int n : new int[] {500, 12_000}) {
      List<Object[]> values = ExternalSorterRowTest.randomValues(new Random(n), n);
      List<Object[]> actual = new ArrayList<>();
      Set<BinaryRow> distinct = Collections.newSetFromMap(new IdentityHashMap<>());
      try (ExternalSorter<BinaryRow> sorter = sorterOf(values)) {
        RecordIterator<BinaryRow> sorted = sorter.sorted();
        for (BinaryRow row = sorted.next(null); row != null; row = sorted.next(row)) {
          actual.add(row.toValues());
          distinct.add(row);
        }
        assertThat(sorter.runsSpilled() > 0).as("n=%d spills", n).isEqualTo(n > 500);
      }
      assertSameAsOracle(actual, values);
      assertThat(distinct.size()).as("objects returned for %d rows", n).isLessThanOrEqualTo(2 * FAN_IN + 2);
    }
  }

  /** From spilled runs (8000 rows) and from two sorted buffers merged in memory (500 rows, no spill). */
  @ParameterizedTest(name = "{0} rows")
  @ValueSource(ints = {500, 8000})
  void recordsFromNextAreNeverOverwrittenWhenMixedWithNextReuse(int n) throws Exception {
    List<Object[]> values = ExternalSorterRowTest.randomValues(new Random(5), n);
    List<Object[]> actual = new ArrayList<>();
    List<BinaryRow> kept = new ArrayList<>();
    List<Object[]> keptValues = new ArrayList<>();
    try (ExternalSorter<BinaryRow> sorter = sorterOf(values)) {
      RecordIterator<BinaryRow> sorted = sorter.sorted();
      BinaryRow reuse = null;
      for (int i = 0; ; i++) {
        BinaryRow row = i % 3 == 0 ? sorted.next() : sorted.next(reuse);
        if (row == null) {
          break;
        }
        actual.add(row.toValues());
        if (i % 3 == 0) {
          kept.add(row);
          keptValues.add(row.toValues());
        } else {
          reuse = row;
        }
      }
    }
    assertSameAsOracle(actual, values);
    for (int i = 0; i < kept.size(); i++) {
      assertThat(kept.get(i).toValues()).as("row %d kept from next()", i).isEqualTo(keptValues.get(i));
    }
  }

  @Test
  void aSerializerThatCannotReuseStillSortsRightThroughNextReuse() throws Exception {
    RecComparator recs = new RecComparator(RecComparator.Kind.KEY_THEN_SECONDARY, true);
    List<Rec> input = ExternalSorterContractTest.recordsOf(new Random(6), 1.5, 300, 30);
    List<Rec> out = new ArrayList<>();
    try (ExternalSorter<Rec> sorter = ExternalSorter.builder(manager, "recs", recs).pages(16).maxFanIn(2)
        .spillManager(spills).build()) {
      for (Rec r : input) {
        sorter.write(r);
      }
      RecordIterator<Rec> sorted = sorter.sorted();
      for (Rec r = sorted.next(null); r != null; r = sorted.next(r)) {
        out.add(r);
      }
    }
    assertSortedLike(out, input, recs);
  }

  static void assertSameAsOracle(List<Object[]> actual, List<Object[]> values) {
    List<Object[]> expected = new ArrayList<>(values);
    expected.sort(ExternalSorterRowTest.ORACLE);
    assertThat(actual).hasSameSizeAs(expected);
    for (int i = 0; i < expected.size(); i++) {
      assertThat(ExternalSorterRowTest.ORACLE.compare(actual.get(i), expected.get(i))).as("position %d", i).isZero();
    }
    assertThat(actual.stream().map(Arrays::toString).sorted().toList())
        .isEqualTo(values.stream().map(Arrays::toString).sorted().toList());
  }
}
