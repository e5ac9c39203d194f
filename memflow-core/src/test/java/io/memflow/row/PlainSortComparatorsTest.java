package io.memflow.row;

import static org.assertj.core.api.Assertions.assertThat;

import io.memflow.serialization.Serializers;
import io.memflow.serialization.SortComparator;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** The plain comparators: longs, ints and strings (UTF-8 order, null first) against oracles. */
class PlainSortComparatorsTest {

  @Provide
  Arbitrary<List<Long>> longs() {
    return Rows.values(FieldType.LONG).map(v -> (Long) v).list().ofMinSize(2).ofMaxSize(12);
  }

  @Provide
  Arbitrary<List<Integer>> ints() {
    return Rows.values(FieldType.INT).map(v -> (Integer) v).list().ofMinSize(2).ofMaxSize(12);
  }

  @Provide
  Arbitrary<List<String>> strings() {
    return Rows.values(FieldType.STRING).map(v -> (String) v).injectNull(0.1).list().ofMinSize(2).ofMaxSize(12);
  }

  @Property(tries = 200)
  void longsAgreeWithLongCompare(@ForAll("longs") List<Long> values) throws IOException {
    KeyContract.checkAllPairs(SortComparators.longs(), values, values, Long::compare);
  }

  @Property(tries = 200)
  void intsAgreeWithIntegerCompare(@ForAll("ints") List<Integer> values) throws IOException {
    KeyContract.checkAllPairs(SortComparators.ints(), values, values, Integer::compare);
  }

  @Property(tries = 200)
  void stringsAgreeWithCodePointOrderNullFirst(@ForAll("strings") List<String> values) throws IOException {
    KeyContract.checkAllPairs(SortComparators.strings(), values, values, codePointOrder());
  }

  @Example
  void edgeValuesOfEveryPlainType() throws IOException {
    List<Long> longs = List.of(Long.MIN_VALUE, Long.MAX_VALUE, 0L, -1L, 1L, Long.MIN_VALUE + 1);
    KeyContract.checkAllPairs(SortComparators.longs(), longs, longs, Long::compare);
    List<Integer> ints = List.of(Integer.MIN_VALUE, Integer.MAX_VALUE, 0, -1, 1, Integer.MAX_VALUE - 1);
    KeyContract.checkAllPairs(SortComparators.ints(), ints, ints, Integer::compare);
    List<String> strings = new ArrayList<>(Rows.EDGE_STRINGS);
    strings.add(null);
    KeyContract.checkAllPairs(SortComparators.strings(), strings, strings, codePointOrder());
  }

  @Example
  void plainComparatorsUseTheBuiltInSerializersAndKeyLengths() {
    assertThat(SortComparators.longs().serializer()).isSameAs(Serializers.LONG);
    assertThat(SortComparators.ints().serializer()).isSameAs(Serializers.INT);
    assertThat(SortComparators.strings().serializer()).isSameAs(Serializers.STRING);
    assertThat(SortComparators.longs().normalizedKeyDecidesOrder(8)).isTrue();
    assertThat(SortComparators.ints().normalizedKeyDecidesOrder(3)).isFalse();
    assertThat(SortComparators.strings().normalizedKeyDecidesOrder(17)).isFalse();
    SortComparator<String> strings = SortComparators.strings();
    assertThat(strings.duplicate()).isNotSameAs(strings);
    assertThat(strings.compare("\uFFFF", "\uD83D\uDE00")).isNegative();
    assertThat(strings.compare(null, "")).isNegative();
  }

  /** Code point order, which is UTF-8 byte order; null first. */
  private static Comparator<String> codePointOrder() {
    return Comparator.nullsFirst((a, b) -> Arrays.compare(a.codePoints().toArray(), b.codePoints().toArray()));
  }
}
