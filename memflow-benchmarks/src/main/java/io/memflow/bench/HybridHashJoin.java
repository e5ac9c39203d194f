package io.memflow.bench;

import static io.memflow.bench.Pages.PAGE;

import io.memflow.hash.HashJoin;
import io.memflow.io.SpillManager;
import io.memflow.managed.MemoryManager;
import io.memflow.row.BinaryRow;
import io.memflow.row.FieldType;
import io.memflow.row.RowIterator;
import io.memflow.row.RowSchema;
import io.memflow.row.RowWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.ExecutionConfig;
import org.apache.flink.api.common.typeinfo.BasicTypeInfo;
import org.apache.flink.api.common.typeutils.GenericPairComparator;
import org.apache.flink.api.common.typeutils.TypeComparator;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.api.java.typeutils.TupleTypeInfo;
import org.apache.flink.core.memory.MemorySegmentFactory;
import org.apache.flink.runtime.io.disk.iomanager.IOManagerAsync;
import org.apache.flink.runtime.operators.hash.MutableHashTable;
import org.apache.flink.util.MutableObjectIterator;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Inner hash join of {@value #BUILD_ROWS} build rows with distinct long keys and {@value
 * #PROBE_ROWS} probe rows (about half of them match one build row), each row a long key and a
 * long payload; one operation is one input row (build or probe), so ops/s is input rows per
 * second end to end (build, probe, every output row counted, spilled partitions joined).
 *
 * <p>{@code memory} is the same for both: {@code inMemory} (96 MiB: the build side fits) or
 * {@code spilling} (16 MiB: most partitions spill and are joined recursively). memflow: {@link
 * HashJoin} over its {@link MemoryManager} and a {@link SpillManager}, probing in batches as
 * memflow's runtime does ({@code batchProbes(true)}: the output of 64 probe rows comes together,
 * their lookups overlapped); Flink: {@code
 * MutableHashTable} (flink-runtime 2.3.0) over {@code Tuple2<Long, Long>} rows with its tuple
 * serializer and comparators, bloom filters on, the same number of 32 KiB off-heap pages and an
 * {@code IOManagerAsync}. Both spill to {@code java.io.tmpdir} (or {@code -Dmemflow.bench.tmp}).
 */
@Warmup(iterations = 1, time = 1)
@Measurement(iterations = 3, time = 1)
public class HybridHashJoin extends BenchmarkDefaults {

  static final int BUILD_ROWS = 1_000_000;
  static final int PROBE_ROWS = 10_000_000;
  private static final long MULTIPLIER = 0x9E37_79B9_7F4A_7C15L;

  /** The memory both joins get. */
  @State(Scope.Thread)
  public static class Memory {
    @Param({"inMemory", "spilling"})
    public String memory;

    Path directory;

    long bytes() {
      return (memory.equals("inMemory") ? 96L : 16L) << 20;
    }

    int pages() {
      return (int) (bytes() / PAGE);
    }
  }

  /** memflow's managers. */
  @State(Scope.Thread)
  public static class Memflow {
    MemoryManager manager;
    SpillManager spills;
    Path directory;

    @Setup(Level.Trial)
    public void setUp(Memory memory) throws Exception {
      directory = Files.createTempDirectory(ExternalSort.tempDirectory(), "memflow-join");
      manager = MemoryManager.builder().budget(memory.bytes()).pageSize(PAGE).build();
      spills = SpillManager.builder().tempDirectories(List.of(directory)).build();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      spills.close();
      manager.close();
      ExternalSort.deleteTree(directory.toFile());
    }
  }

  /** Flink's pages and I/O manager. */
  @State(Scope.Thread)
  public static class Flink {
    List<org.apache.flink.core.memory.MemorySegment> pages;
    IOManagerAsync io;
    Path directory;
    TypeSerializer<Tuple2<Long, Long>> serializer;
    TypeComparator<Tuple2<Long, Long>> comparator;

    @Setup(Level.Trial)
    public void setUp(Memory memory) throws Exception {
      directory = Files.createTempDirectory(ExternalSort.tempDirectory(), "flink-join");
      io = new IOManagerAsync(directory.toString());
      pages = new ArrayList<>();
      for (int i = 0; i < memory.pages(); i++) {
        pages.add(MemorySegmentFactory.allocateOffHeapUnsafeMemory(PAGE));
      }
      TupleTypeInfo<Tuple2<Long, Long>> type = new TupleTypeInfo<>(BasicTypeInfo.LONG_TYPE_INFO, BasicTypeInfo.LONG_TYPE_INFO);
      ExecutionConfig config = new ExecutionConfig();
      serializer = type.createSerializer(config.getSerializerConfig());
      comparator = type.createComparator(new int[] {0}, new boolean[] {true}, 0, config);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
      io.close();
      pages.forEach(org.apache.flink.core.memory.MemorySegment::free);
      ExternalSort.deleteTree(directory.toFile());
    }
  }

  static long buildKey(long i) {
    return i * MULTIPLIER;
  }

  /** Probe row {@code j}'s key: a build key for about half of the rows. */
  static long probeKey(long j) {
    long h = (j + 1) * MULTIPLIER;
    h ^= h >>> 31;
    return buildKey(Long.remainderUnsigned(h, 2L * BUILD_ROWS));
  }

  @Benchmark
  @OperationsPerInvocation(BUILD_ROWS + PROBE_ROWS)
  public long memflow(Memory memory, Memflow state) throws Exception {
    RowSchema schema = RowSchema.builder().field("key", FieldType.LONG).field("value", FieldType.LONG).build();
    RowWriter writer = new RowWriter(schema);
    BinaryRow row = new BinaryRow(schema);
    long count = 0;
    try (HashJoin join = HashJoin.builder(state.manager, this, schema, schema).buildKey(0).probeKey(0)
        .memoryBytes(memory.bytes()).spillManager(state.spills).batchProbes(true).build()) {
      for (long i = 0; i < BUILD_ROWS; i++) {
        writer.reset().setLong(0, buildKey(i)).setLong(1, i).writeTo(row);
        join.addBuild(row);
      }
      join.endBuild();
      for (long j = 0; j < PROBE_ROWS; j++) {
        writer.reset().setLong(0, probeKey(j)).setLong(1, j).writeTo(row);
        RowIterator matches = join.probe(row);
        while (matches.next() != null) {
          count++;
        }
      }
      RowIterator rest = join.endProbe();
      while (rest.next() != null) {
        count++;
      }
    }
    return count;
  }

  @Benchmark
  @OperationsPerInvocation(BUILD_ROWS + PROBE_ROWS)
  public long flink(Flink state) throws Exception {
    MutableHashTable<Tuple2<Long, Long>, Tuple2<Long, Long>> table = new MutableHashTable<>(
        state.serializer, state.serializer, state.comparator, state.comparator.duplicate(),
        new GenericPairComparator<>(state.comparator.duplicate(), state.comparator.duplicate()),
        new ArrayList<>(state.pages), state.io, true);
    table.open(rows(BUILD_ROWS, true), rows(PROBE_ROWS, false));
    long count = 0;
    Tuple2<Long, Long> reuse = new Tuple2<>();
    while (table.nextRecord()) {
      MutableObjectIterator<Tuple2<Long, Long>> matches = table.getBuildSideIterator();
      while (matches.next(reuse) != null) {
        count++;
      }
    }
    table.close();
    return count;
  }

  private static MutableObjectIterator<Tuple2<Long, Long>> rows(long count, boolean build) {
    return new MutableObjectIterator<>() {
      private long next;

      @Override
      public Tuple2<Long, Long> next(Tuple2<Long, Long> reuse) {
        if (next == count) {
          return null;
        }
        reuse.f0 = build ? buildKey(next) : probeKey(next);
        reuse.f1 = next++;
        return reuse;
      }

      @Override
      public Tuple2<Long, Long> next() {
        return next(new Tuple2<>());
      }
    };
  }
}
