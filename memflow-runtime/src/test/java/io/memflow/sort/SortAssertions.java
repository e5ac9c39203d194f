package io.memflow.sort;

import static org.assertj.core.api.Assertions.assertThat;

import io.memflow.serialization.RecordIterator;
import io.memflow.serialization.SortComparator;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Helpers shared by the sort tests. */
final class SortAssertions {

  private SortAssertions() {}

  static <T> List<T> drain(RecordIterator<T> iterator) throws IOException {
    List<T> out = new ArrayList<>();
    for (T t = iterator.next(); t != null; t = iterator.next()) {
      out.add(t);
    }
    return out;
  }

  /**
   * Asserts that {@code actual} is {@code input} sorted by {@code comparator}: the same multiset of
   * records, and position by position equal under the comparator to {@code List.sort}'s result.
   */
  static <T> void assertSortedLike(List<T> actual, List<T> input, SortComparator<T> comparator) {
    List<T> expected = new ArrayList<>(input);
    expected.sort(comparator::compare);
    assertThat(actual).hasSameSizeAs(expected);
    for (int i = 0; i < expected.size(); i++) {
      if (comparator.compare(actual.get(i), expected.get(i)) != 0) {
        throw new AssertionError("position " + i + ": actual=" + actual.get(i) + " expected=" + expected.get(i)
            + " (" + comparator + ", " + input.size() + " records)");
      }
    }
    assertThat(counts(actual)).isEqualTo(counts(input));
  }

  static <T> Map<T, Integer> counts(List<T> list) {
    Map<T, Integer> counts = new HashMap<>();
    list.forEach(t -> counts.merge(t, 1, Integer::sum));
    return counts;
  }
}
