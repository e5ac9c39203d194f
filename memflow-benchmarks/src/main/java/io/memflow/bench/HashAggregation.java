package io.memflow.bench;

import static io.memflow.bench.Pages.PAGE;

import java.io.EOFException;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.table.data.binary.BinaryRowData;
import org.apache.flink.table.data.writer.BinaryRowWriter;
import org.apache.flink.table.runtime.operators.aggregate.BytesHashMapSpillMemorySegmentPool;
import org.apache.flink.table.runtime.operators.sort.BufferedKVExternalSorter;
import org.apache.flink.table.runtime.typeutils.BinaryRowDataSerializer;
import org.apache.flink.table.runtime.util.KeyValueIterator;
import org.apache.flink.table.runtime.util.collections.binary.BytesHashMap;
import org.apache.flink.table.runtime.util.collections.binary.BytesMap;
import org.apache.flink.table.types.logical.BigIntType;
import org.apache.flink.table.types.logical.LogicalType;
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
 * Hash aggregation of {@value #ROWS} rows (a long key, a long value; {@link AggData}) into about
 * {@value #GROUPS} groups, computing sum and count per group, then reading every group once; one
 * operation is one input row. {@code memory}: {@code inMemory} gives {@value #IN_MEMORY_MIB} MiB
 * (the table fits), {@code spilling} {@value #SPILLING_MIB} MiB (about a quarter of what it needs,
 * so partial aggregates go to disk and are merged at the end).
 *
 * <p>Flink: {@code BytesHashMap} (flink-table-runtime 2.3.0) over binary rows, updated in place,
 * spilling as Flink's generated hash-aggregate code does when the map is full: its entries are
 * sorted by key and spilled with {@code BufferedKVExternalSorter}, the map is reset, and at the end
 * the sorted runs are merged and adjacent equal keys combined.
 */
@Warmup(iterations = 1, time = 1)
@Measurement(iterations = 3, time = 1)
public class HashAggregation extends BenchmarkDefaults {

  static final int ROWS = 10_000_000;
  static final int GROUPS = 1_000_000;
  static final int IN_MEMORY_MIB = 256;
  static final int SPILLING_MIB = 16;

  static long memoryBytes(String memory) {
    return (long) ("inMemory".equals(memory) ? IN_MEMORY_MIB : SPILLING_MIB) << 20;
  }

  /** Flink's managers. */
  @State(Scope.Thread)
  public static class Flink {
    @Param({"inMemory", "spilling"})
    String memory;

    FlinkManagers managers;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
      managers = new FlinkManagers("flink-agg", memoryBytes(memory));
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
      managers.close();
    }
  }

  private static final LogicalType[] KEY_TYPES = {new BigIntType()};
  private static final LogicalType[] VALUE_TYPES = {new BigIntType(), new BigIntType()};

  @Benchmark
  @OperationsPerInvocation(ROWS)
  public long flink(Flink state) throws Exception {
    BytesHashMap map = new BytesHashMap(this, state.managers.memory, memoryBytes(state.memory), KEY_TYPES, VALUE_TYPES);
    BufferedKVExternalSorter sorter = null;
    try {
      BinaryRowData key = new BinaryRowData(1);
      BinaryRowWriter keyWriter = new BinaryRowWriter(key);
      BinaryRowData zero = new BinaryRowData(2);
      BinaryRowWriter zeroWriter = new BinaryRowWriter(zero);
      zeroWriter.writeLong(0, 0);
      zeroWriter.writeLong(1, 0);
      zeroWriter.complete();
      AggData data = new AggData(7, GROUPS);
      for (int i = 0; i < ROWS; i++) {
        data.next();
        keyWriter.reset();
        keyWriter.writeLong(0, data.key());
        keyWriter.complete();
        BytesMap.LookupInfo<BinaryRowData, BinaryRowData> found = map.lookup(key);
        BinaryRowData sums;
        if (found.isFound()) {
          sums = found.getValue();
        } else {
          try {
            sums = map.append(found, zero);
          } catch (EOFException full) {
            sorter = spill(state, map, sorter);
            sums = map.append(map.lookup(key), zero);
          }
        }
        sums.setLong(0, sums.getLong(0) + data.value());
        sums.setLong(1, sums.getLong(1) + 1);
      }
      return sorter == null ? readMap(map) : readSpilled(spill(state, map, sorter));
    } finally {
      map.free();
      if (sorter != null) {
        sorter.close();
      }
    }
  }

  /** Sorts the map's entries by key into a spilled run and empties the map. */
  private static BufferedKVExternalSorter spill(Flink state, BytesHashMap map, BufferedKVExternalSorter sorter)
      throws Exception {
    BufferedKVExternalSorter target = sorter != null ? sorter : new BufferedKVExternalSorter(state.managers.io,
        new BinaryRowDataSerializer(1), new BinaryRowDataSerializer(2), new FlinkLongKey(), new FlinkLongKey(),
        PAGE, 128, false, 64 * 1024);
    target.sortAndSpill(map.getRecordAreaMemorySegments(), map.getNumElements(),
        new BytesHashMapSpillMemorySegmentPool(map.getBucketAreaMemorySegments()));
    map.reset();
    return target;
  }

  private static long readMap(BytesHashMap map) throws Exception {
    long checksum = 0;
    KeyValueIterator<BinaryRowData, BinaryRowData> entries = map.getEntryIterator(false);
    while (entries.advanceNext()) {
      checksum += entries.getKey().getLong(0) ^ entries.getValue().getLong(0) ^ entries.getValue().getLong(1);
    }
    return checksum;
  }

  /** Merges the sorted runs, combining the partial sums of equal keys. */
  private static long readSpilled(BufferedKVExternalSorter sorter) throws Exception {
    MutableObjectIterator<Tuple2<BinaryRowData, BinaryRowData>> entries = sorter.getKVIterator();
    long checksum = 0;
    long key = 0;
    long sum = 0;
    long count = 0;
    boolean any = false;
    for (Tuple2<BinaryRowData, BinaryRowData> e = entries.next(); e != null; e = entries.next()) {
      long k = e.f0.getLong(0);
      if (any && k != key) {
        checksum += key ^ sum ^ count;
        sum = 0;
        count = 0;
      }
      key = k;
      any = true;
      sum += e.f1.getLong(0);
      count += e.f1.getLong(1);
    }
    return any ? checksum + (key ^ sum ^ count) : checksum;
  }
}
