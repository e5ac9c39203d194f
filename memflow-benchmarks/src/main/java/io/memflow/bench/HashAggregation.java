package io.memflow.bench;

import static io.memflow.bench.Pages.PAGE;

import io.memflow.hash.AggregateFunction;
import io.memflow.hash.HashAggregator;
import io.memflow.io.SpillManager;
import io.memflow.managed.MemoryManager;
import io.memflow.row.BinaryRow;
import io.memflow.row.FieldType;
import io.memflow.row.RowIterator;
import io.memflow.row.RowSchema;
import io.memflow.row.RowWriter;
import java.io.EOFException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.core.memory.MemorySegment;
import org.apache.flink.runtime.io.disk.iomanager.IOManagerAsync;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.binary.BinaryRowData;
import org.apache.flink.table.data.writer.BinaryRowWriter;
import org.apache.flink.table.runtime.generated.NormalizedKeyComputer;
import org.apache.flink.table.runtime.generated.RecordComparator;
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
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Hash aggregation of {@value #ROWS} rows (a LONG key, a LONG value) into {@value #GROUPS}
 * groups, {@code SELECT key, SUM(value), COUNT(*) GROUP BY key}: in memory ({@value
 * #IN_MEMORY_MIB} MiB, everything fits) and spilling ({@value #SPILL_MIB} MiB, about a third of
 * what the groups need). Same keys (a seeded mix of the row number), same memory, 32 KiB pages.
 * One invocation adds every row and reads every group back (summing the sums as a checksum); one
 * operation is one input row.
 *
 * <p>memflow: {@link HashAggregator} (spilling whole tables by partition, merging them back).
 * Flink (flink-table-runtime 2.3.0): {@code BytesHashMap} with a {@code [sum, count]} value row
 * updated in place, as the code Flink generates for a hash aggregate does. When the map is full
 * ({@code append} throws {@code EOFException}), Flink's generated code sorts the map's records
 * into a {@code BufferedKVExternalSorter} (which spills them) and falls back to a sort-based
 * aggregation of the sorted stream at the end; this benchmark does exactly that, with a
 * hand-written normalized-key computer and comparator for the LONG key (Flink generates them).
 */
@Warmup(iterations = 1, time = 1)
@Measurement(iterations = 3, time = 1)
public class HashAggregation extends BenchmarkDefaults {

  static final int ROWS = 10_000_000;
  static final int GROUPS = 1_000_000;
  static final int IN_MEMORY_MIB = 256;
  static final int SPILL_MIB = 24;

  static final RowSchema SCHEMA =
      RowSchema.builder().field("key", FieldType.LONG).field("value", FieldType.LONG).build();

  static long key(long row) {
    long z = row * 0x9E37_79B9_7F4A_7C15L;
    z = (z ^ (z >>> 31)) * 0xBF58_476D_1CE4_E5B9L;
    return Math.floorMod(z ^ (z >>> 29), GROUPS);
  }

  /** memflow's managers, one budget per benchmark. */
  @State(Scope.Thread)
  public static class Memflow {
    MemoryManager inMemory;
    MemoryManager spilling;
    SpillManager spills;
    Path directory;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
      directory = Files.createTempDirectory(ExternalSort.tempDirectory(), "memflow-agg");
      inMemory = MemoryManager.builder().budget((long) IN_MEMORY_MIB << 20).pageSize(PAGE).build();
      spilling = MemoryManager.builder().budget((long) SPILL_MIB << 20).pageSize(PAGE).build();
      spills = SpillManager.builder().tempDirectories(List.of(directory)).build();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      spills.close();
      inMemory.close();
      spilling.close();
      ExternalSort.deleteTree(directory.toFile());
    }
  }

  @Benchmark
  @OperationsPerInvocation(ROWS)
  public long memflowInMemory(Memflow state) throws Exception {
    return memflow(state.inMemory, state.spills);
  }

  @Benchmark
  @OperationsPerInvocation(ROWS)
  public long memflowSpilling(Memflow state) throws Exception {
    return memflow(state.spilling, state.spills);
  }

  private static long memflow(MemoryManager memory, SpillManager spills) throws Exception {
    Object owner = new Object();
    try (HashAggregator aggregator = HashAggregator.builder(memory, owner, SCHEMA).groupBy(0)
        .aggregate(AggregateFunction.sum(1), AggregateFunction.count())
        .memoryBytes(memory.budget()).spillManager(spills).build()) {
      RowWriter writer = new RowWriter(SCHEMA);
      BinaryRow row = new BinaryRow(SCHEMA);
      for (long i = 0; i < ROWS; i++) {
        writer.reset().setLong(0, key(i)).setLong(1, i).writeTo(row);
        aggregator.add(row);
      }
      long checksum = 0;
      try (RowIterator groups = aggregator.result()) {
        for (BinaryRow group = groups.next(); group != null; group = groups.next()) {
          checksum += group.getLong(1) + group.getLong(2);
        }
      }
      return checksum;
    }
  }

  /** Flink's managers, one memory manager per benchmark. */
  @State(Scope.Thread)
  public static class Flink {
    org.apache.flink.runtime.memory.MemoryManager inMemory;
    org.apache.flink.runtime.memory.MemoryManager spilling;
    IOManagerAsync io;
    Path directory;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
      directory = Files.createTempDirectory(ExternalSort.tempDirectory(), "flink-agg");
      inMemory = org.apache.flink.runtime.memory.MemoryManager.create((long) IN_MEMORY_MIB << 20, PAGE);
      spilling = org.apache.flink.runtime.memory.MemoryManager.create((long) SPILL_MIB << 20, PAGE);
      io = new IOManagerAsync(directory.toString());
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
      io.close();
      inMemory.shutdown();
      spilling.shutdown();
      ExternalSort.deleteTree(directory.toFile());
    }
  }

  @Benchmark
  @OperationsPerInvocation(ROWS)
  public long flinkInMemory(Flink state) throws Exception {
    return flink(state.inMemory, state.io);
  }

  @Benchmark
  @OperationsPerInvocation(ROWS)
  public long flinkSpilling(Flink state) throws Exception {
    return flink(state.spilling, state.io);
  }

  private static long flink(org.apache.flink.runtime.memory.MemoryManager memory, IOManagerAsync io)
      throws Exception {
    LogicalType[] keyTypes = {new BigIntType()};
    LogicalType[] valueTypes = {new BigIntType(), new BigIntType()};
    Object owner = new Object();
    BytesHashMap map = new BytesHashMap(owner, memory, memory.getMemorySize(), keyTypes, valueTypes);
    BufferedKVExternalSorter sorter = null;
    try {
      BinaryRowData key = new BinaryRowData(1);
      BinaryRowWriter keyWriter = new BinaryRowWriter(key);
      BinaryRowData zero = new BinaryRowData(2);
      BinaryRowWriter zeroWriter = new BinaryRowWriter(zero);
      zeroWriter.writeLong(0, 0);
      zeroWriter.writeLong(1, 0);
      zeroWriter.complete();
      for (long i = 0; i < ROWS; i++) {
        keyWriter.reset();
        keyWriter.writeLong(0, key(i));
        keyWriter.complete();
        BytesMap.LookupInfo<BinaryRowData, BinaryRowData> info = map.lookup(key);
        BinaryRowData value;
        if (info.isFound()) {
          value = info.getValue();
        } else {
          try {
            value = map.append(info, zero);
          } catch (EOFException full) {
            if (sorter == null) {
              sorter = new BufferedKVExternalSorter(io, new BinaryRowDataSerializer(1),
                  new BinaryRowDataSerializer(2), new LongKeyComputer(), new LongKeyComparator(), PAGE,
                  128, false, 64 * 1024);
            }
            spill(map, sorter);
            info = map.lookup(key);
            value = map.append(info, zero);
          }
        }
        value.setLong(0, value.getLong(0) + i);
        value.setLong(1, value.getLong(1) + 1);
      }
      return sorter == null ? readMap(map) : readSorted(map, sorter);
    } finally {
      if (sorter != null) {
        sorter.close();
      }
      map.free();
    }
  }

  private static void spill(BytesHashMap map, BufferedKVExternalSorter sorter) throws Exception {
    sorter.sortAndSpill(map.getRecordAreaMemorySegments(), map.getNumElements(),
        new BytesHashMapSpillMemorySegmentPool(map.getBucketAreaMemorySegments()));
    map.reset();
  }

  private static long readMap(BytesHashMap map) throws Exception {
    long checksum = 0;
    KeyValueIterator<BinaryRowData, BinaryRowData> entries = map.getEntryIterator(false);
    while (entries.advanceNext()) {
      checksum += entries.getValue().getLong(0) + entries.getValue().getLong(1);
    }
    return checksum;
  }

  /** Flink's fallback: spill the rest, then aggregate the sorted stream key by key. */
  private static long readSorted(BytesHashMap map, BufferedKVExternalSorter sorter) throws Exception {
    spill(map, sorter);
    MutableObjectIterator<Tuple2<BinaryRowData, BinaryRowData>> sorted = sorter.getKVIterator();
    long checksum = 0;
    long currentKey = 0;
    long sum = 0;
    long count = 0;
    boolean any = false;
    for (Tuple2<BinaryRowData, BinaryRowData> kv = sorted.next(); kv != null; kv = sorted.next()) {
      long k = kv.f0.getLong(0);
      if (any && k != currentKey) {
        checksum += sum + count;
        sum = 0;
        count = 0;
      }
      any = true;
      currentKey = k;
      sum += kv.f1.getLong(0);
      count += kv.f1.getLong(1);
    }
    return any ? checksum + sum + count : checksum;
  }

  /** The 8-byte normalized key of a LONG key (Flink generates this class). */
  static final class LongKeyComputer implements NormalizedKeyComputer {
    @Override
    public void putKey(RowData record, MemorySegment target, int offset) {
      target.putLongBigEndian(offset, record.getLong(0) ^ Long.MIN_VALUE);
    }

    @Override
    public int compareKey(MemorySegment a, int aOffset, MemorySegment b, int bOffset) {
      return Long.compareUnsigned(a.getLongBigEndian(aOffset), b.getLongBigEndian(bOffset));
    }

    @Override
    public void swapKey(MemorySegment a, int aOffset, MemorySegment b, int bOffset) {
      long t = a.getLong(aOffset);
      a.putLong(aOffset, b.getLong(bOffset));
      b.putLong(bOffset, t);
    }

    @Override
    public int getNumKeyBytes() {
      return 8;
    }

    @Override
    public boolean isKeyFullyDetermines() {
      return true;
    }

    @Override
    public boolean invertKey() {
      return false;
    }
  }

  /** The full comparison of two LONG keys (Flink generates this class). */
  static final class LongKeyComparator implements RecordComparator {
    private static final long serialVersionUID = 1L;

    @Override
    public int compare(RowData a, RowData b) {
      return Long.compare(a.getLong(0), b.getLong(0));
    }
  }
}
