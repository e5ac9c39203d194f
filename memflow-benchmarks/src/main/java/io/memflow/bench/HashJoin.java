package io.memflow.bench;

import java.util.List;
import org.apache.flink.api.common.ExecutionConfig;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeutils.GenericPairComparator;
import org.apache.flink.api.common.typeutils.TypeComparator;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.api.java.typeutils.TupleTypeInfo;
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
 * Inner hash join of {@value #BUILD_ROWS} build rows with {@value #PROBE_ROWS} probe rows, both
 * (long key, long payload) ({@link JoinData}: every probe row matches one build row); one
 * operation is one input row (build or probe), so ops/s is input rows per second. {@code memory}:
 * {@code inMemory} gives {@value #IN_MEMORY_MIB} MiB (the build side fits), {@code spilling}
 * {@value #SPILLING_MIB} MiB (about a third of it, so partitions of both sides spill and are
 * joined afterwards).
 *
 * <p>Flink: {@code MutableHashTable} (flink-runtime 2.3.0), the hybrid hash join of Flink's batch
 * runtime, over {@code Tuple2<Long, Long>} with Flink's tuple serializer and comparators and an
 * {@code IOManagerAsync} for its spilled partitions.
 */
@Warmup(iterations = 1, time = 1)
@Measurement(iterations = 3, time = 1)
public class HashJoin extends BenchmarkDefaults {

  static final int BUILD_ROWS = 1 << 20;
  static final int PROBE_ROWS = 10_000_000;
  static final int IN_MEMORY_MIB = 128;
  static final int SPILLING_MIB = 16;

  static long memoryBytes(String memory) {
    return (long) ("inMemory".equals(memory) ? IN_MEMORY_MIB : SPILLING_MIB) << 20;
  }

  /** Flink's managers and type utilities. */
  @State(Scope.Thread)
  public static class Flink {
    @Param({"inMemory", "spilling"})
    String memory;

    FlinkManagers managers;
    TypeSerializer<Tuple2<Long, Long>> serializer;
    TypeComparator<Tuple2<Long, Long>> buildComparator;
    TypeComparator<Tuple2<Long, Long>> probeComparator;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
      managers = new FlinkManagers("flink-join", memoryBytes(memory));
      TupleTypeInfo<Tuple2<Long, Long>> type = new TupleTypeInfo<>(Types.LONG, Types.LONG);
      serializer = type.createSerializer(new SerializerConfigImpl());
      buildComparator = type.createComparator(new int[] {0}, new boolean[] {true}, 0, new ExecutionConfig());
      probeComparator = buildComparator.duplicate();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
      managers.close();
    }
  }

  @Benchmark
  @OperationsPerInvocation(BUILD_ROWS + PROBE_ROWS)
  public long flink(Flink state) throws Exception {
    List<org.apache.flink.core.memory.MemorySegment> pages =
        state.managers.memory.allocatePages(this, state.managers.memory.computeNumberOfPages(1.0));
    JoinData data = new JoinData(11, BUILD_ROWS);
    MutableHashTable<Tuple2<Long, Long>, Tuple2<Long, Long>> table = new MutableHashTable<>(
        state.serializer, state.serializer, state.buildComparator.duplicate(), state.probeComparator.duplicate(),
        new GenericPairComparator<>(state.probeComparator.duplicate(), state.buildComparator.duplicate()),
        pages, state.managers.io);
    try {
      table.open(rows(data, BUILD_ROWS, true), rows(data, PROBE_ROWS, false));
      long checksum = 0;
      Tuple2<Long, Long> reuse = new Tuple2<>();
      while (table.nextRecord()) {
        Tuple2<Long, Long> probe = table.getCurrentProbeRecord();
        MutableObjectIterator<Tuple2<Long, Long>> matches = table.getBuildSideIterator();
        for (Tuple2<Long, Long> build = matches.next(reuse); build != null; build = matches.next(reuse)) {
          checksum += build.f1 ^ probe.f1;
        }
      }
      return checksum;
    } finally {
      table.close();
      state.managers.memory.release(table.getFreedMemory());
      state.managers.memory.releaseAll(this);
    }
  }

  /** {@code count} build or probe rows of {@code data}, into the object Flink passes to reuse. */
  private static MutableObjectIterator<Tuple2<Long, Long>> rows(JoinData data, int count, boolean build) {
    return new MutableObjectIterator<>() {
      private int left = count;

      @Override
      public Tuple2<Long, Long> next(Tuple2<Long, Long> reuse) {
        if (left == 0) {
          return null;
        }
        left--;
        if (build) {
          data.nextBuild();
        } else {
          data.nextProbe();
        }
        reuse.f0 = data.key();
        reuse.f1 = data.payload();
        return reuse;
      }

      @Override
      public Tuple2<Long, Long> next() {
        return next(new Tuple2<>());
      }
    };
  }
}
