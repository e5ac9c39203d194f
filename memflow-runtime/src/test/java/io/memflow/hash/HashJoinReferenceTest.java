package io.memflow.hash;

import static org.assertj.core.api.Assertions.assertThat;

import io.memflow.hash.HashJoinTesting.Keys;
import io.memflow.hash.HashJoinTesting.Setup;
import io.memflow.row.BinaryRow;
import io.memflow.row.RowWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** Every join type against the object reference, in memory and with the data 1x, 4x, 20x the memory. */
class HashJoinReferenceTest {

  private static final int MEMORY_PAGES = 20;

  @TempDir Path directory;

  static Stream<Arguments> typesKeysAndRatios() {
    List<Arguments> cases = new ArrayList<>();
    for (JoinType type : JoinType.values()) {
      for (Keys keys : Keys.values()) {
        for (int ratio : new int[] {0, 1, 4, 20}) {
          if (ratio < 20 || keys == Keys.INT || keys == Keys.STRING) { // 20x for two key kinds keeps the class fast
            cases.add(Arguments.of(type, keys, ratio));
          }
        }
      }
    }
    return cases.stream();
  }

  @ParameterizedTest(name = "{0} {1} data={2}x memory")
  @MethodSource("typesKeysAndRatios")
  void randomDataWithDuplicatesAndNullsMatchesTheReference(JoinType type, Keys keys, int ratio) throws Exception {
    Random random = new Random(31L * type.ordinal() + 7L * keys.ordinal() + ratio);
    int rows = ratio == 0 ? 2_000 : ratio * 1_000 * MEMORY_PAGES * HashJoinTesting.PAGE_SIZE / 1_000
        / (HashJoinTesting.pagesFor(keys, 1_000) * HashJoinTesting.PAGE_SIZE / 1_000);
    int pages = ratio == 0 ? HashJoinTesting.pagesFor(keys, rows) * 3 + 40 : MEMORY_PAGES;
    List<Object[]> build = HashJoinTesting.randomRows(keys, random, rows, rows / 3, 0.03, true);
    List<Object[]> probe = HashJoinTesting.randomRows(keys, random, rows, rows / 2, 0.03, false);
    try (Setup setup = new Setup(directory)) {
      HashJoin join = setup.join(type, keys, pages).build();
      Map<List<Object>, Long> actual = setup.run(join, keys, build, probe);
      assertThat(actual).isEqualTo(HashJoinTesting.reference(type, keys.size(), build, probe));
      if (ratio >= 4) {
        assertThat(join.spilledPartitions()).isPositive();
      } else if (ratio == 0) {
        assertThat(join.spilledPartitions()).isZero();
      }
      setup.assertReleased();
    }
  }

  static Stream<Arguments> batchedCases() {
    List<Arguments> cases = new ArrayList<>();
    for (JoinType type : JoinType.values()) {
      for (int ratio : new int[] {0, 1, 4, 20}) {
        cases.add(Arguments.of(type, ratio % 8 == 4 ? Keys.STRING : Keys.LONG, ratio));
      }
    }
    return cases.stream();
  }

  /** Batched probes: outputs come a batch later and from endProbe, the multiset is the same. */
  @ParameterizedTest(name = "batched {0} {1} data={2}x memory")
  @MethodSource("batchedCases")
  void batchedProbesMatchTheReference(JoinType type, Keys keys, int ratio) throws Exception {
    Random random = new Random(131L * type.ordinal() + ratio);
    int rows = ratio == 0 ? 2_001 : ratio * 1_000 * MEMORY_PAGES * HashJoinTesting.PAGE_SIZE / 1_000
        / (HashJoinTesting.pagesFor(keys, 1_000) * HashJoinTesting.PAGE_SIZE / 1_000) + 1;
    int pages = ratio == 0 ? HashJoinTesting.pagesFor(keys, rows) * 3 + 40 : MEMORY_PAGES;
    List<Object[]> build = HashJoinTesting.randomRows(keys, random, rows, rows / 3, 0.03, true);
    List<Object[]> probe = HashJoinTesting.randomRows(keys, random, rows, rows / 2, 0.03, false);
    try (Setup setup = new Setup(directory)) {
      HashJoin join = setup.join(type, keys, pages).batchProbes(true).cachedBuildRows(-1).build();
      Map<List<Object>, Long> actual = setup.run(join, keys, build, probe);
      assertThat(actual).isEqualTo(HashJoinTesting.reference(type, keys.size(), build, probe));
      if (ratio >= 4) {
        assertThat(join.spilledPartitions()).isPositive();
      }
      setup.assertReleased();
    }
  }

  static Stream<Arguments> pairCases() {
    List<Arguments> cases = new ArrayList<>();
    for (JoinType type : JoinType.values()) {
      for (int ratio : new int[] {0, 4}) {
        for (boolean batched : new boolean[] {false, true}) {
          cases.add(Arguments.of(type, ratio, batched));
        }
      }
    }
    return cases.stream();
  }

  /**
   * A {@link JoinOutput} in place of the joined rows sees exactly the pairs whose joined rows the
   * reference has, in memory and spilling, batched or not; what the iterators return in their
   * place is one row a pair. Semi and anti joins never call it and return their usual rows.
   */
  @ParameterizedTest(name = "pairs {0} data={1}x memory, batched {2}")
  @MethodSource("pairCases")
  void anOutputHookSeesThePairsOfTheJoinedRows(JoinType type, int ratio, boolean batched) throws Exception {
    Keys keys = Keys.STRING;
    Random random = new Random(71L * type.ordinal() + ratio + (batched ? 5 : 0));
    int rows = ratio == 0 ? 1_500 : ratio * MEMORY_PAGES * HashJoinTesting.PAGE_SIZE
        / (HashJoinTesting.pagesFor(keys, 1_000) * HashJoinTesting.PAGE_SIZE / 1_000);
    int pages = ratio == 0 ? HashJoinTesting.pagesFor(keys, rows) * 3 + 40 : MEMORY_PAGES;
    List<Object[]> build = HashJoinTesting.randomRows(keys, random, rows, rows / 3, 0.03, true);
    List<Object[]> probe = HashJoinTesting.randomRows(keys, random, rows, rows / 2, 0.03, false);
    Map<List<Object>, Long> pairs = new HashMap<>();
    JoinOutput hook = (p, b) -> {
      List<Object> values = new ArrayList<>(Arrays.asList(p != null ? p.toValues() : new Object[keys.probeSchema().fieldCount()]));
      values.addAll(Arrays.asList(b != null ? b.toValues() : new Object[keys.buildSchema().fieldCount()]));
      HashJoinTesting.add(pairs, values);
      return p != null ? p : b;
    };
    try (Setup setup = new Setup(directory)) {
      HashJoin.Builder builder = setup.join(type, keys, pages).output(hook);
      if (batched) {
        builder.batchProbes(true).cachedBuildRows(-1);
      }
      HashJoin join = builder.build();
      Map<List<Object>, Long> returned = setup.run(join, keys, build, probe);
      Map<List<Object>, Long> expected = HashJoinTesting.reference(type, keys.size(), build, probe);
      if (type.outputsBuildFields()) {
        assertThat(pairs).isEqualTo(expected);
        assertThat(count(returned)).isEqualTo(count(expected));
      } else {
        assertThat(pairs).isEmpty();
        assertThat(returned).isEqualTo(expected);
      }
      if (ratio >= 4) {
        assertThat(join.spilledPartitions()).isPositive();
      }
      setup.assertReleased();
    }
  }

  private static long count(Map<List<Object>, Long> multiset) {
    return multiset.values().stream().mapToLong(Long::longValue).sum();
  }

  /**
   * A batched join whose build side stays in memory and is small answers every probe at once (no
   * batch to overlap cache misses on a table in the cache), and still matches the reference.
   */
  @ParameterizedTest(name = "small build, batched asked {0}")
  @EnumSource(JoinType.class)
  void aSmallInMemoryBuildSideAnswersEachProbeAtOnce(JoinType type) throws Exception {
    Random random = new Random(7 + type.ordinal());
    Keys keys = Keys.MULTI;
    List<Object[]> build = HashJoinTesting.randomRows(keys, random, 3_000, 1_000, 0.03, true);
    List<Object[]> probe = HashJoinTesting.randomRows(keys, random, 3_000, 1_500, 0.03, false);
    try (Setup setup = new Setup(directory)) {
      Map<List<Object>, Long> actual = setup.run(setup.join(type, keys, HashJoinTesting.pagesFor(keys, 3_000) * 3 + 40)
          .batchProbes(true).build(), keys, build, probe);
      assertThat(actual).isEqualTo(HashJoinTesting.reference(type, keys.size(), build, probe));
      setup.assertReleased();
    }
    for (long cached : new long[] {HashJoin.CACHED_BUILD_ROWS, -1}) {
      try (Setup setup = new Setup(directory);
          HashJoin join = setup.join(JoinType.INNER, Keys.LONG, 40).batchProbes(true).cachedBuildRows(cached).build()) {
        join.addBuild(RowWriter.row(Keys.LONG.buildSchema(), 42L, 1L));
        join.endBuild();
        BinaryRow firstOutput = join.probe(RowWriter.row(Keys.LONG.probeSchema(), 9L, 42L)).next();
        if (cached < 0) {
          assertThat(firstOutput).as("batched: the output comes with the batch").isNull();
        } else {
          assertThat(firstOutput).as("a one-row table in the cache: answered at once").isNotNull();
          assertThat(firstOutput.getLong(0)).isEqualTo(9L);
        }
        Map<List<Object>, Long> rest = new java.util.HashMap<>();
        HashJoinTesting.collect(join.endProbe(), rest);
        assertThat(rest.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(cached < 0 ? 1 : 0);
      }
    }
  }

  @ParameterizedTest(name = "batched {0} build={1} probe={2}")
  @MethodSource("smallInputs")
  void batchedProbesOfSmallInputsMatchTheReference(JoinType type, int buildRows, int probeRows) throws Exception {
    Random random = new Random(buildRows * 10L + probeRows + 1);
    Keys keys = Keys.MULTI;
    List<Object[]> build = HashJoinTesting.randomRows(keys, random, buildRows, 1, 0, true);
    List<Object[]> probe = HashJoinTesting.randomRows(keys, random, probeRows, 1, 0, false);
    try (Setup setup = new Setup(directory)) {
      Map<List<Object>, Long> actual =
          setup.run(setup.join(type, keys, 16).batchProbes(true).cachedBuildRows(-1).build(), keys, build, probe);
      assertThat(actual).isEqualTo(HashJoinTesting.reference(type, keys.size(), build, probe));
      setup.assertReleased();
    }
  }

  @ParameterizedTest
  @EnumSource(JoinType.class)
  void heavySkewFallsBackToTheBlockNestedLoopAndFinishes(JoinType type) throws Exception {
    Random random = new Random(type.ordinal());
    Keys keys = Keys.LONG;
    List<Object[]> build = new ArrayList<>();
    for (int i = 0; i < 30_000; i++) {
      Object[] key = i % 10 == 0 ? keys.key(random.nextInt(2_000), random, 0.01) : keys.key(7, random, 0);
      build.add(HashJoinTesting.buildValues(key, i));
    }
    List<Object[]> probe = HashJoinTesting.randomRows(keys, random, 3_000, 3_000, 0.01, false);
    probe.add(HashJoinTesting.probeValues(keys.key(7, random, 0), -1));
    probe.add(HashJoinTesting.probeValues(keys.key(7, random, 0), -2));
    try (Setup setup = new Setup(directory)) {
      HashJoin join = setup.join(type, keys, 16).build();
      Map<List<Object>, Long> actual = setup.run(join, keys, build, probe);
      assertThat(actual).isEqualTo(HashJoinTesting.reference(type, keys.size(), build, probe));
      assertThat(join.blockPasses()).isPositive();
      setup.assertReleased();
    }
  }

  static Stream<Arguments> smallInputs() {
    List<Arguments> cases = new ArrayList<>();
    for (JoinType type : JoinType.values()) {
      for (int[] sizes : new int[][] {{0, 0}, {0, 5}, {5, 0}, {1, 1}, {1, 0}, {0, 1}}) {
        cases.add(Arguments.of(type, sizes[0], sizes[1]));
      }
    }
    return cases.stream();
  }

  @ParameterizedTest(name = "{0} build={1} probe={2}")
  @MethodSource("smallInputs")
  void emptySidesAndSingleRowsMatchTheReference(JoinType type, int buildRows, int probeRows) throws Exception {
    Random random = new Random(buildRows * 10L + probeRows);
    Keys keys = Keys.MULTI;
    List<Object[]> build = HashJoinTesting.randomRows(keys, random, buildRows, 1, 0, true);
    List<Object[]> probe = HashJoinTesting.randomRows(keys, random, probeRows, 1, 0, false);
    try (Setup setup = new Setup(directory)) {
      Map<List<Object>, Long> actual = setup.run(setup.join(type, keys, 16).build(), keys, build, probe);
      assertThat(actual).isEqualTo(HashJoinTesting.reference(type, keys.size(), build, probe));
      setup.assertReleased();
    }
  }

  @ParameterizedTest
  @EnumSource(JoinType.class)
  void onlyNullKeysNeverMatch(JoinType type) throws Exception {
    Random random = new Random(5);
    Keys keys = Keys.INT;
    List<Object[]> build = HashJoinTesting.randomRows(keys, random, 50, 3, 1.0, true);
    List<Object[]> probe = HashJoinTesting.randomRows(keys, random, 50, 3, 1.0, false);
    try (Setup setup = new Setup(directory)) {
      Map<List<Object>, Long> actual = setup.run(setup.join(type, keys, 16).build(), keys, build, probe);
      assertThat(actual).isEqualTo(HashJoinTesting.reference(type, keys.size(), build, probe));
      long expected = switch (type) {
        case INNER, SEMI -> 0;
        case LEFT_OUTER, ANTI -> 50;
        case RIGHT_OUTER -> 50;
      };
      assertThat(actual.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(expected);
      setup.assertReleased();
    }
  }
}
