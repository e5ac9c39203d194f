package io.memflow.hash;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

/** Assertions shared by the aggregation tests. */
final class AggregatorTestSupport {

  private AggregatorTestSupport() {}

  /** Equal as multisets (AssertJ's containsExactlyInAnyOrder is quadratic: minutes for 20,000 groups). */
  static void assertSameMultiset(List<List<Object>> actual, List<List<Object>> expected) {
    java.util.Map<List<Object>, Long> a = actual.stream().collect(java.util.stream.Collectors.groupingBy(r -> r,
        java.util.stream.Collectors.counting()));
    java.util.Map<List<Object>, Long> e = expected.stream().collect(java.util.stream.Collectors.groupingBy(r -> r,
        java.util.stream.Collectors.counting()));
    assertThat(actual).as("groups").hasSameSizeAs(expected);
    assertThat(a).isEqualTo(e);
  }

}
