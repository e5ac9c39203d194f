package io.memflow.bench;

import static io.memflow.bench.Pages.PAGE;

import io.memflow.managed.MemoryManager;
import io.memflow.sort.InMemorySorter;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeutils.base.array.BytePrimitiveArraySerializer;
import org.apache.flink.core.memory.MemorySegmentFactory;
import org.apache.flink.runtime.operators.sort.NormalizedKeySorter;
import org.apache.flink.runtime.operators.sort.QuickSort;
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
 * In-memory sort of {@value #RECORDS} records of 100 bytes with a 10-byte key ({@link
 * SortData}), the same records and the same {@value #MEMORY_MIB} MiB of off-heap pages for both
 * sorters. One invocation writes every record into the sorter, sorts, and reads every record
 * back in order; one operation is one record, so ops/s is records per second end to end.
 *
 * <p>Flink: {@code NormalizedKeySorter} with its {@code QuickSort} (flink-runtime 2.3.0), over
 * Flink's byte-array serializer and a comparator whose 10-byte normalized key decides the order
 * ({@link FlinkKeyComparator}).
 */
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class InMemorySort extends BenchmarkDefaults {

  static final int RECORDS = 5_000_000;
  static final int MEMORY_MIB = 768;
  private static final int PAGES = MEMORY_MIB * (1 << 20) / PAGE;

  /** memflow's sorter over pages of a MemoryManager of exactly the sort memory. */
  @State(Scope.Thread)
  public static class Memflow {
    MemoryManager manager;
    InMemorySorter<byte[]> sorter;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
      manager = MemoryManager.builder().budget((long) PAGES * PAGE).pageSize(PAGE).build();
      sorter = InMemorySorter.create(manager, "sort", PAGES, new MemflowKeyComparator());
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      sorter.close();
      manager.close();
    }
  }

  @Benchmark
  @OperationsPerInvocation(RECORDS)
  public long memflow(Memflow state) throws Exception {
    InMemorySorter<byte[]> sorter = state.sorter;
    sorter.reset();
    SortData input = new SortData(42, RECORDS);
    for (byte[] record = input.next(); record != null; record = input.next()) {
      if (!sorter.write(record)) {
        throw new IllegalStateException("memflow's sorter is full after " + sorter.size() + " records");
      }
    }
    sorter.sort();
    long checksum = 0;
    try (var sorted = sorter.iterator()) {
      for (byte[] record = sorted.next(); record != null; record = sorted.next()) {
        checksum += record[0];
      }
    }
    return checksum;
  }

  /** Flink's sorter over its own off-heap pages. */
  @State(Scope.Thread)
  public static class Flink {
    List<org.apache.flink.core.memory.MemorySegment> pages;
    NormalizedKeySorter<byte[]> sorter;

    @Setup(Level.Trial)
    public void setUp() {
      pages = new ArrayList<>(PAGES);
      for (int i = 0; i < PAGES; i++) {
        pages.add(MemorySegmentFactory.allocateOffHeapUnsafeMemory(PAGE));
      }
      sorter =
          new NormalizedKeySorter<>(
              BytePrimitiveArraySerializer.INSTANCE, new FlinkKeyComparator(), pages);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      sorter.dispose();
      pages.forEach(org.apache.flink.core.memory.MemorySegment::free);
    }
  }

  @Benchmark
  @OperationsPerInvocation(RECORDS)
  public long flink(Flink state) throws Exception {
    NormalizedKeySorter<byte[]> sorter = state.sorter;
    sorter.reset();
    SortData input = new SortData(42, RECORDS);
    for (byte[] record = input.next(); record != null; record = input.next()) {
      if (!sorter.write(record)) {
        throw new IllegalStateException("Flink's sorter is full after " + sorter.size() + " records");
      }
    }
    new QuickSort().sort(sorter);
    MutableObjectIterator<byte[]> sorted = sorter.getIterator();
    byte[] reuse = new byte[SortData.RECORD];
    long checksum = 0;
    for (byte[] record = sorted.next(reuse); record != null; record = sorted.next(reuse)) {
      checksum += record[0];
    }
    return checksum;
  }
}
