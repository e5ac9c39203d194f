package io.memflow.hash;

import static org.assertj.core.api.Assertions.assertThat;

import io.memflow.io.FileOpener;
import io.memflow.io.SpillManager;
import io.memflow.managed.AllocationPolicy;
import io.memflow.managed.MemoryManager;
import io.memflow.row.BinaryRow;
import io.memflow.row.FieldType;
import io.memflow.row.RowIterator;
import io.memflow.row.RowSchema;
import io.memflow.row.RowWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Test support for the join: schemas per key kind, random rows, the object reference (nested maps
 * on {@code Object[]} values), running a join to a multiset, and the leak checks.
 *
 * <p>Build rows are {@code [key fields..., b LONG]}, probe rows {@code [p LONG, key fields...]}, so
 * the two sides' keys sit at different indexes.
 */
final class HashJoinTesting {

  static final int PAGE_SIZE = 4096;
  static final Object OWNER = "join-under-test";

  private HashJoinTesting() {}

  /** The key kinds the tests cover. */
  enum Keys {
    INT(FieldType.INT), LONG(FieldType.LONG), STRING(FieldType.STRING), MULTI(FieldType.INT, FieldType.STRING);

    final FieldType[] types;

    Keys(FieldType... types) {
      this.types = types;
    }

    int size() {
      return types.length;
    }

    RowSchema buildSchema() {
      RowSchema.Builder builder = RowSchema.builder();
      for (int k = 0; k < types.length; k++) {
        builder.nullableField("k" + k, types[k]);
      }
      return builder.field("b", FieldType.LONG).build();
    }

    RowSchema probeSchema() {
      RowSchema.Builder builder = RowSchema.builder().field("p", FieldType.LONG);
      for (int k = 0; k < types.length; k++) {
        builder.nullableField("k" + k, types[k]);
      }
      return builder.build();
    }

    int[] buildKey() {
      return java.util.stream.IntStream.range(0, types.length).toArray();
    }

    int[] probeKey() {
      return java.util.stream.IntStream.range(1, types.length + 1).toArray();
    }

    /** The key values of distinct key number {@code id}, each field null with probability {@code nulls}. */
    Object[] key(int id, Random random, double nulls) {
      Object[] key = new Object[types.length];
      for (int k = 0; k < types.length; k++) {
        key[k] = random.nextDouble() < nulls ? null : switch (types[k]) {
          case INT -> id * 7 - 3000;
          case LONG -> id * 0x9E37_79B9_7F4A_7C15L;
          case STRING -> "key-" + id + (id % 5 == 0 ? "-ünïcode-😀" : "");
          default -> throw new AssertionError(types[k]);
        };
      }
      return key;
    }
  }

  /** A build row's values: the key then {@code payload}. */
  static Object[] buildValues(Object[] key, long payload) {
    Object[] values = Arrays.copyOf(key, key.length + 1);
    values[key.length] = payload;
    return values;
  }

  /** A probe row's values: {@code payload} then the key. */
  static Object[] probeValues(Object[] key, long payload) {
    Object[] values = new Object[key.length + 1];
    values[0] = payload;
    System.arraycopy(key, 0, values, 1, key.length);
    return values;
  }

  /** {@code count} rows with keys drawn from {@code distinct} ids. */
  static List<Object[]> randomRows(Keys keys, Random random, int count, int distinct, double nulls, boolean build) {
    List<Object[]> rows = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      Object[] key = keys.key(random.nextInt(Math.max(distinct, 1)), random, nulls);
      rows.add(build ? buildValues(key, i) : probeValues(key, i));
    }
    return rows;
  }

  /** The reference answer: nested maps on values, as a multiset of output rows. */
  static Map<List<Object>, Long> reference(JoinType type, int keySize, List<Object[]> build, List<Object[]> probe) {
    Map<List<Object>, List<Object[]>> byKey = new HashMap<>();
    for (Object[] row : build) {
      List<Object> key = Arrays.asList(row).subList(0, keySize);
      if (!key.contains(null)) {
        byKey.computeIfAbsent(key, k -> new ArrayList<>()).add(row);
      }
    }
    Map<List<Object>, Long> out = new HashMap<>();
    Set<Object[]> matchedBuild = Collections.newSetFromMap(new IdentityHashMap<>());
    int buildWidth = keySize + 1;
    for (Object[] row : probe) {
      List<Object> key = Arrays.asList(row).subList(1, 1 + keySize);
      List<Object[]> matches = key.contains(null) ? List.of() : byKey.getOrDefault(key, List.of());
      switch (type) {
        case INNER, LEFT_OUTER, RIGHT_OUTER -> {
          for (Object[] match : matches) {
            add(out, concat(row, match));
            matchedBuild.add(match);
          }
          if (matches.isEmpty() && type == JoinType.LEFT_OUTER) {
            add(out, concat(row, new Object[buildWidth]));
          }
        }
        case SEMI -> {
          if (!matches.isEmpty()) {
            add(out, Arrays.asList(row));
          }
        }
        case ANTI -> {
          if (matches.isEmpty()) {
            add(out, Arrays.asList(row));
          }
        }
      }
    }
    if (type == JoinType.RIGHT_OUTER) {
      for (Object[] row : build) {
        if (!matchedBuild.contains(row)) {
          add(out, concat(new Object[keySize + 1], row));
        }
      }
    }
    return out;
  }

  private static List<Object> concat(Object[] left, Object[] right) {
    List<Object> joined = new ArrayList<>(Arrays.asList(left));
    joined.addAll(Arrays.asList(right));
    return joined;
  }

  static void add(Map<List<Object>, Long> multiset, List<Object> row) {
    multiset.merge(row, 1L, Long::sum);
  }

  static void collect(RowIterator rows, Map<List<Object>, Long> into) throws IOException {
    for (BinaryRow row = rows.next(); row != null; row = rows.next()) {
      add(into, Arrays.asList(row.toValues()));
    }
  }

  /** The pages that hold about {@code rows} build rows of {@code keys} (for data-to-memory ratios). */
  static int pagesFor(Keys keys, int rows) {
    int rowBytes = keys == Keys.INT || keys == Keys.LONG ? 8 + 16 + 16 : 8 + 24 + 16 + 14;
    return (int) Math.ceil((double) rows * rowBytes / PAGE_SIZE);
  }

  /** A manager, a spill manager over its own temp directory, and the checks that nothing leaked. */
  static final class Setup implements AutoCloseable {
    final MemoryManager manager;
    final SpillManager spills;
    final Path directory;

    Setup(Path directory) {
      this(directory, FileOpener.DEFAULT, AllocationPolicy.FAIL, 64L << 20);
    }

    Setup(Path directory, FileOpener opener, AllocationPolicy policy, long budget) {
      this.directory = directory;
      this.manager = MemoryManager.builder().budget(budget).pageSize(PAGE_SIZE).policy(policy).build();
      this.spills = SpillManager.builder().tempDirectories(List.of(directory)).fileOpener(opener).build();
    }

    HashJoin.Builder join(JoinType type, Keys keys, int pages) {
      return HashJoin.builder(manager, OWNER, keys.buildSchema(), keys.probeSchema())
          .buildKey(keys.buildKey()).probeKey(keys.probeKey()).type(type).pages(pages).spillManager(spills);
    }

    /** Runs the whole join and closes it; the output as a multiset. */
    Map<List<Object>, Long> run(HashJoin join, Keys keys, List<Object[]> build, List<Object[]> probe) throws IOException {
      Map<List<Object>, Long> out = new HashMap<>();
      try (join) {
        RowWriter buildWriter = new RowWriter(keys.buildSchema());
        BinaryRow row = new BinaryRow(keys.buildSchema());
        for (Object[] values : build) {
          buildWriter.reset().setAll(values).writeTo(row);
          join.addBuild(row);
        }
        join.endBuild();
        RowWriter probeWriter = new RowWriter(keys.probeSchema());
        BinaryRow probeRow = new BinaryRow(keys.probeSchema());
        for (Object[] values : probe) {
          probeWriter.reset().setAll(values).writeTo(probeRow);
          collect(join.probe(probeRow), out);
        }
        collect(join.endProbe(), out);
      }
      return out;
    }

    /** Nothing of the join is left: no page of the owner, no spill file, an empty directory. */
    void assertReleased() throws IOException {
      assertThat(manager.metrics().owners()).doesNotContainKey(OWNER);
      assertThat(manager.verifyEmpty()).as("manager empty: %s", manager.metrics()).isTrue();
      assertThat(spills.liveFiles()).isZero();
      try (Stream<Path> files = Files.list(directory)) {
        assertThat(files.toList()).isEmpty();
      }
    }

    @Override
    public void close() {
      spills.close();
      manager.close();
      assertThat(Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("memflow-io")))
          .as("no spill I/O thread left").isEmpty();
    }
  }
}
