package io.memflow.hash;

import static io.memflow.hash.AggregateFunction.avg;
import static io.memflow.hash.AggregateFunction.count;
import static io.memflow.hash.AggregateFunction.max;
import static io.memflow.hash.AggregateFunction.min;
import static io.memflow.hash.AggregateFunction.sum;
import static org.assertj.core.api.Assertions.assertThat;

import io.memflow.io.SpillManager;
import io.memflow.managed.AllocationPolicy;
import io.memflow.managed.MemoryManager;
import io.memflow.memory.MemorySegments;
import io.memflow.row.BinaryRow;
import io.memflow.row.FieldType;
import io.memflow.row.RowIterator;
import io.memflow.row.RowSchema;
import io.memflow.row.RowWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

/** Shared by the aggregation tests: a schema with every type, random rows, a manager, leak checks. */
final class AggFixture {

  static final int PAGE_SIZE = 4096;

  /** Keys: a nullable LONG, a nullable STRING, an INT; values of every type, all nullable. */
  static final RowSchema SCHEMA = RowSchema.builder()
      .nullableField("k_long", FieldType.LONG).nullableField("k_str", FieldType.STRING).field("k_int", FieldType.INT)
      .nullableField("v_long", FieldType.LONG).nullableField("v_int", FieldType.INT)
      .nullableField("v_double", FieldType.DOUBLE).nullableField("v_str", FieldType.STRING)
      .nullableField("v_bytes", FieldType.BYTES).build();

  /** Every aggregate over every value type. */
  static final List<AggregateFunction> ALL = List.of(count(), AggregateFunction.count("v_str"),
      sum("v_long"), sum("v_int"), sum("v_double"), min("v_long"), max("v_long"), min("v_int"), max("v_int"),
      min("v_double"), max("v_double"), min("v_str"), max("v_str"), min("v_bytes"), max("v_bytes"),
      avg("v_long"), avg("v_int"), avg("v_double"));

  final Path directory;
  final long offHeapBefore = MemorySegments.offHeapBytesInUse();
  final MemoryManager manager;
  final SpillManager spills;
  final Object owner = "agg-task";

  AggFixture(Path directory, long budgetBytes, AllocationPolicy policy, SpillManager spills) {
    this.directory = directory;
    this.manager = MemoryManager.builder().budget(budgetBytes).pageSize(PAGE_SIZE).policy(policy).build();
    this.spills = spills;
  }

  AggFixture(Path directory, long budgetBytes) {
    this(directory, budgetBytes, AllocationPolicy.FAIL,
        SpillManager.builder().tempDirectories(List.of(directory)).build());
  }

  /** Random rows: {@code keys} distinct-ish keys, a share {@code skew} of rows on one key, nulls everywhere. */
  static List<Object[]> rows(Random random, int count, int keys, double skew) {
    List<Object[]> rows = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      int k = random.nextDouble() < skew ? 7 : random.nextInt(keys);
      rows.add(new Object[] {
          k % 97 == 3 ? null : (long) k * 0x9E37_79B9L, k % 89 == 5 ? null : "key-" + (k % 50) + (k % 3 == 0 ? "é" : ""),
          k % 5, maybe(random, random.nextLong() >> 20), maybe(random, random.nextInt()),
          maybe(random, random.nextInt(1 << 20) / 4.0 - 1000), maybe(random, word(random)),
          maybe(random, bytes(random))});
    }
    return rows;
  }

  private static Object maybe(Random random, Object value) {
    return random.nextInt(10) == 0 ? null : value;
  }

  private static String word(Random random) {
    char[] chars = new char[random.nextInt(12)];
    for (int i = 0; i < chars.length; i++) {
      chars[i] = random.nextInt(20) == 0 ? 'ü' : (char) ('a' + random.nextInt(26));
    }
    return new String(chars);
  }

  private static byte[] bytes(Random random) {
    byte[] bytes = new byte[random.nextInt(6)];
    random.nextBytes(bytes);
    return bytes;
  }

  /** The bytes {@code rows} take as binary rows: "the data" that memory ratios refer to. */
  static long dataBytes(List<Object[]> rows) {
    RowWriter writer = new RowWriter(SCHEMA);
    long bytes = 0;
    for (Object[] row : rows) {
      bytes += writer.reset().setAll(row).sizeInBytes();
    }
    return bytes;
  }

  HashAggregator.Builder builder(int pages, int[] groupFields, List<AggregateFunction> functions) {
    return HashAggregator.builder(manager, owner, SCHEMA).groupBy(groupFields)
        .aggregate(functions.toArray(AggregateFunction[]::new)).pages(pages).spillManager(spills);
  }

  /** Adds every row and reads the whole result as value lists. */
  static List<List<Object>> aggregate(HashAggregator aggregator, List<Object[]> rows) throws IOException {
    RowWriter writer = new RowWriter(SCHEMA);
    BinaryRow row = new BinaryRow(SCHEMA);
    for (Object[] values : rows) {
      writer.reset().setAll(values).writeTo(row);
      aggregator.add(row);
    }
    return readAll(aggregator.result());
  }

  /** Adds every row of {@code rows} (without ending the input). */
  static void addAll(HashAggregator aggregator, List<Object[]> rows) throws IOException {
    RowWriter writer = new RowWriter(SCHEMA);
    BinaryRow row = new BinaryRow(SCHEMA);
    for (Object[] values : rows) {
      writer.reset().setAll(values).writeTo(row);
      aggregator.add(row);
    }
  }

  static List<List<Object>> readAll(RowIterator result) throws IOException {
    List<List<Object>> out = new ArrayList<>();
    try (result) {
      for (BinaryRow group; (group = result.next()) != null; ) {
        out.add(AggReference.values(group));
      }
    }
    return out;
  }

  static List<List<Object>> expected(List<Object[]> rows, int[] groupFields, List<AggregateFunction> functions) {
    AggReference reference = new AggReference(SCHEMA, groupFields, functions);
    rows.forEach(reference::add);
    return reference.rows();
  }

  /** The owner holds nothing, no spill file is left, the managers close clean, no native memory leaked. */
  void assertEverythingReleased() {
    assertThat(manager.metrics().owners()).as("owners holding memory").isEmpty();
    assertThat(spills.liveFiles()).as("live spill files").isZero();
    assertThat(filesIn(directory)).as("files in the temp directory").isEmpty();
    manager.close(); // throws if anything is outstanding
    spills.close();
    assertThat(Thread.getAllStackTraces().keySet()).as("live spill I/O threads")
        .noneMatch(t -> t.isAlive() && t.getName().startsWith("memflow-io"));
    assertThat(MemorySegments.offHeapBytesInUse()).isEqualTo(offHeapBefore);
  }

  static List<Path> filesIn(Path directory) {
    try (Stream<Path> files = Files.list(directory)) {
      return files.toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
