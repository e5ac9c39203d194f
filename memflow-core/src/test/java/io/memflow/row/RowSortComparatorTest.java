package io.memflow.row;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.memflow.memory.MemorySegment;
import io.memflow.memory.MemorySegments;
import io.memflow.memory.view.SeekableInputView;
import io.memflow.serialization.SortComparator;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The row comparator's contract for every type, direction, null placement and multi-field key:
 * normalized-key prefixes agree with compare, compare with compareSerialized, and both with an
 * oracle over the values ({@link #oracle}).
 */
class RowSortComparatorTest {

  private static final HexFormat HEX = HexFormat.of();

  /** A schema, keys over it, and rows of values. */
  record Case(RowSchema schema, SortField[] keys, List<Object[]> rows) {
    @Override
    public String toString() {
      return schema + " keys=" + Arrays.toString(keys) + " " + rows.stream().map(Rows::show).toList();
    }
  }

  @Provide
  Arbitrary<Case> cases() {
    return Rows.schemas(4).flatMap(schema -> Combinators.combine(keys(schema), Rows.rows(schema).list().ofMinSize(2).ofMaxSize(9))
        .as((keys, rows) -> new Case(schema, keys, rows)));
  }

  private static Arbitrary<SortField[]> keys(RowSchema schema) {
    Arbitrary<SortField.Direction> directions = Arbitraries.of(SortField.Direction.class);
    Arbitrary<SortField.Nulls> nulls = Arbitraries.of(SortField.Nulls.class);
    Arbitrary<List<Integer>> fields = Arbitraries.integers().between(0, schema.fieldCount() - 1)
        .list().uniqueElements().ofMinSize(1).ofMaxSize(3);
    return fields.flatMap(list -> Combinators.combine(directions.list().ofSize(list.size()), nulls.list().ofSize(list.size()))
        .as((d, n) -> {
          SortField[] keys = new SortField[list.size()];
          for (int k = 0; k < keys.length; k++) {
            keys[k] = new SortField(list.get(k), d.get(k), n.get(k));
          }
          return keys;
        }));
  }

  @Property(tries = 300)
  void keysCompareAndCompareSerializedAgreeWithTheOracle(@ForAll("cases") Case c) throws IOException {
    checkCase(c.schema(), c.keys(), c.rows());
  }

  @Property(tries = 150)
  void sortingRowsGivesTheOrderOfSortingTheValues(@ForAll("cases") Case c) {
    SortComparator<BinaryRow> comparator = SortComparators.rows(c.schema(), c.keys());
    List<BinaryRow> rows = new ArrayList<>(c.rows().stream().map(v -> RowWriter.row(c.schema(), v)).toList());
    rows.sort(comparator::compare);
    List<Object[]> values = new ArrayList<>(c.rows());
    Comparator<Object[]> oracle = oracle(c.schema(), c.keys());
    values.sort(oracle);
    for (int i = 0; i < values.size(); i++) {
      assertThat(oracle.compare(rows.get(i).toValues(), values.get(i))).as("position " + i).isZero();
    }
  }

  @Example
  void everyTypeDirectionAndNullPlacementOrdersTheEdgeValues() throws IOException {
    for (FieldType type : FieldType.values()) {
      for (boolean nullable : new boolean[] {true, false}) {
        RowSchema schema = RowSchema.builder().add(new RowSchema.Field("k", type, nullable)).build();
        List<Object[]> rows = edgeRows(type, nullable);
        for (SortField.Direction direction : SortField.Direction.values()) {
          for (SortField.Nulls nulls : SortField.Nulls.values()) {
            checkCase(schema, new SortField[] {new SortField(0, direction, nulls)}, rows);
          }
        }
      }
    }
  }

  @Example
  void everyPairOfTypesOrdersAsATwoFieldKey() throws IOException {
    for (FieldType first : FieldType.values()) {
      for (FieldType second : FieldType.values()) {
        RowSchema schema = RowSchema.builder().nullableField("a", first).nullableField("b", second).build();
        List<Object[]> rows = new ArrayList<>();
        List<Object> as = sample(first);
        List<Object> bs = sample(second);
        for (Object a : as) {
          for (Object b : bs) {
            rows.add(new Object[] {a, b});
          }
        }
        checkCase(schema, new SortField[] {SortField.ascending(0), SortField.descending(1)}, rows);
        checkCase(schema, new SortField[] {SortField.descending(1).nullsFirst(), SortField.ascending(0).nullsLast()}, rows);
      }
    }
  }

  private static List<Object> sample(FieldType type) {
    List<Object> values = new ArrayList<>(edgeRows(type, true).stream().map(r -> r[0]).toList());
    return values.subList(0, Math.min(6, values.size()));
  }

  @Example
  void keyBytesAreTheDocumentedEncodings() {
    RowSchema schema = RowSchema.builder()
        .field("i", FieldType.INT).nullableField("d", FieldType.DOUBLE).field("s", FieldType.STRING).field("l", FieldType.LONG).build();
    SortComparator<BinaryRow> comparator = SortComparators.rows(schema,
        SortField.ascending(0), SortField.descending(1), SortField.ascending(2), SortField.ascending(3));
    assertThat(comparator.normalizedKeyLength()).isEqualTo(4 + 1 + 8 + 16);
    assertThat(comparator.normalizedKeyDecidesOrder(29)).isFalse();
    assertThat(key(comparator, RowWriter.row(schema, Integer.MIN_VALUE, -0.0, "ab", 7L)))
        .isEqualTo("00000000" + "00" + "8000000000000000" + "6162" + "00".repeat(14));
    assertThat(key(comparator, RowWriter.row(schema, -1, null, "", 7L)))
        .isEqualTo("7fffffff" + "01" + "0000000000000000" + "00".repeat(16));
    assertThat(key(comparator, RowWriter.row(schema, 1, Double.NaN, "\uD83D\uDE00", 7L)))
        .isEqualTo("80000001" + "00" + "0007ffffffffffff" + "f09f9880" + "00".repeat(12));
  }

  @Example
  void fixedWidthKeysDecideExactlyWhenComplete() {
    RowSchema schema = RowSchema.builder().field("a", FieldType.LONG).nullableField("b", FieldType.INT).build();
    SortComparator<BinaryRow> comparator = SortComparators.rows(schema, SortField.ascending(1), SortField.descending(0));
    assertThat(comparator.normalizedKeyLength()).isEqualTo(13);
    assertThat(comparator.normalizedKeyDecidesOrder(12)).isFalse();
    assertThat(comparator.normalizedKeyDecidesOrder(13)).isTrue();
  }

  @Example
  void stringsOrderByUtf8BytesNotByUtf16() {
    RowSchema schema = RowSchema.builder().field("s", FieldType.STRING).build();
    SortComparator<BinaryRow> comparator = SortComparators.rows(schema, SortField.ascending(0));
    String bmpMax = "\uFFFF";
    String emoji = "\uD83D\uDE00";
    assertThat(bmpMax.compareTo(emoji)).isPositive();
    assertThat(comparator.compare(RowWriter.row(schema, bmpMax), RowWriter.row(schema, emoji))).isNegative();
  }

  @Example
  void badKeysAndKeyLengthsAreRejectedWithTheOperands() {
    RowSchema schema = RowSchema.builder().field("a", FieldType.LONG).field("b", FieldType.INT).build();
    assertThatThrownBy(() -> SortComparators.rows(schema)).hasMessageContaining("at least one key field");
    assertThatThrownBy(() -> SortComparators.rows(schema, SortField.ascending(1), SortField.descending(1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("field=1 appears twice");
    assertThatThrownBy(() -> SortComparators.rows(schema, SortField.ascending(2)))
        .isInstanceOf(IndexOutOfBoundsException.class).hasMessage("field=2 fieldCount=2");
    SortComparator<BinaryRow> comparator = SortComparators.rows(schema, SortField.ascending(0));
    assertThatThrownBy(() -> comparator.putNormalizedKey(RowWriter.row(schema, 1L, 2), MemorySegments.allocateHeap(16), 0, 9))
        .hasMessage("numBytes=9 must be in [0, normalizedKeyLength=8]");
  }

  @Example
  void compareSerializedAllocatesNothingPerCall() throws IOException {
    RowSchema schema = RowSchema.builder().field("s", FieldType.STRING).nullableField("n", FieldType.LONG).build();
    SortComparator<BinaryRow> comparator = SortComparators.rows(schema, SortField.ascending(0), SortField.ascending(1));
    byte[] a = KeyContract.Views.serialize(comparator.serializer(), RowWriter.row(schema, "same prefix, then a", 1L));
    byte[] b = KeyContract.Views.serialize(comparator.serializer(), RowWriter.row(schema, "same prefix, then b", null));
    SeekableInputView inA = KeyContract.Views.input(a);
    SeekableInputView inB = KeyContract.Views.input(b);
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long sum = compareMany(comparator, inA, inB, 1_000); // warm up: scratch buffers grow here
    long before = threads.getCurrentThreadAllocatedBytes();
    sum += compareMany(comparator, inA, inB, 10_000);
    long allocated = threads.getCurrentThreadAllocatedBytes() - before;
    assertThat(sum).isEqualTo(-11_000);
    assertThat(allocated).as("bytes allocated by 10,000 calls").isLessThan(10_000);
  }

  private static long compareMany(SortComparator<BinaryRow> comparator, SeekableInputView a, SeekableInputView b, int times)
      throws IOException {
    long sum = 0;
    for (int i = 0; i < times; i++) {
      a.setReadPosition(0);
      b.setReadPosition(0);
      sum += Integer.signum(comparator.compareSerialized(a, b));
    }
    return sum;
  }

  // ---------------------------------------------------------------- helpers

  private static void checkCase(RowSchema schema, SortField[] keys, List<Object[]> rows) throws IOException {
    SortComparator<BinaryRow> comparator = SortComparators.rows(schema, keys);
    List<BinaryRow> records = rows.stream().map(values -> RowWriter.row(schema, values)).toList();
    boolean fixedOnly = Arrays.stream(keys).allMatch(k -> schema.type(k.field()).isFixedWidth());
    for (int n : KeyContract.prefixLengths(comparator.normalizedKeyLength())) {
      assertThat(comparator.normalizedKeyDecidesOrder(n)).isEqualTo(fixedOnly && n == comparator.normalizedKeyLength());
    }
    KeyContract.checkAllPairs(comparator, records, rows.stream().map(ShownRow::new).toList(),
        Comparator.comparing(ShownRow::values, oracle(schema, keys)));
  }

  /** Values with a readable toString for assertion messages. */
  private record ShownRow(Object[] values) {
    @Override
    public String toString() {
      return Rows.show(values);
    }
  }

  /** Every edge value of {@code type}, and null if nullable. */
  private static List<Object[]> edgeRows(FieldType type, boolean nullable) {
    List<Object> values = new ArrayList<>(switch (type) {
      case INT -> List.<Object>of(Integer.MIN_VALUE, Integer.MAX_VALUE, 0, -1, 1, 256, Integer.MIN_VALUE + 1);
      case LONG -> List.<Object>of(Long.MIN_VALUE, Long.MAX_VALUE, 0L, -1L, 1L, 1L << 32, Long.MIN_VALUE + 1);
      case DOUBLE -> List.<Object>copyOf(Rows.EDGE_DOUBLES);
      case STRING -> List.<Object>copyOf(Rows.EDGE_STRINGS);
      case BYTES -> List.<Object>of(new byte[0], new byte[] {0}, new byte[] {-1}, new byte[] {0, 0}, new byte[] {1, 2},
          new byte[17], new byte[] {-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 0});
    });
    if (nullable) {
      values.add(null);
    }
    return values.stream().map(v -> new Object[] {v}).toList();
  }

  /** The reference order, written over the values: List.sort with this is the expected row order. */
  static Comparator<Object[]> oracle(RowSchema schema, SortField[] keys) {
    return (a, b) -> {
      for (SortField key : keys) {
        Object x = a[key.field()];
        Object y = b[key.field()];
        if (x == null || y == null) {
          if (x == null && y == null) {
            continue;
          }
          int nullFirst = x == null ? -1 : 1;
          return key.nulls() == SortField.Nulls.FIRST ? nullFirst : -nullFirst;
        }
        int c = Integer.signum(compareValues(schema.type(key.field()), x, y));
        if (c != 0) {
          return key.isDescending() ? -c : c;
        }
      }
      return 0;
    };
  }

  private static int compareValues(FieldType type, Object x, Object y) {
    return switch (type) {
      case INT -> Integer.compare((Integer) x, (Integer) y);
      case LONG -> Long.compare((Long) x, (Long) y);
      case DOUBLE -> Double.compare((Double) x, (Double) y);
      case STRING -> Arrays.compare(((String) x).codePoints().toArray(), ((String) y).codePoints().toArray());
      case BYTES -> Arrays.compareUnsigned((byte[]) x, (byte[]) y);
    };
  }

  private static String key(SortComparator<BinaryRow> comparator, BinaryRow row) {
    MemorySegment target = MemorySegments.allocateHeap(comparator.normalizedKeyLength());
    comparator.putNormalizedKey(row, target, 0, comparator.normalizedKeyLength());
    byte[] bytes = new byte[target.size()];
    target.get(0, bytes);
    return HEX.formatHex(bytes);
  }
}
