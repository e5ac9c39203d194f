package io.memflow.bench;

import static io.memflow.bench.Pages.PAGE;

import io.memflow.io.SpillManager;
import io.memflow.managed.MemoryManager;
import io.memflow.serialization.RecordIterator;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.flink.api.common.ExecutionConfig;
import org.apache.flink.api.common.typeutils.base.array.BytePrimitiveArraySerializer;
import org.apache.flink.runtime.io.disk.iomanager.IOManagerAsync;
import org.apache.flink.runtime.jobgraph.tasks.TaskInvokable;
import org.apache.flink.runtime.operators.sort.ExternalSorter;
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
 * External sort of {@value #RECORDS} records of 100 bytes with a 10-byte key ({@link SortData},
 * about 520 MB serialized) in {@value #MEMORY_MIB} MiB of sort memory: about 4x the memory, so
 * both sorters spill sorted runs to the same temp directory and merge them. One invocation feeds
 * every record, then reads the sorted result to the end; one operation is one record.
 *
 * <p>memflow: {@code ExternalSorter} with its defaults (two sort buffers, spilling at 80%, fan-in
 * 128) in a {@code MemoryManager} of exactly the sort memory, spilling through a {@code
 * SpillManager} (no compression) into its own temp directory; records read back with {@code
 * next(reuse)}, as Flink's are.
 *
 * <p>Flink: {@code ExternalSorter} (flink-runtime 2.3.0) with its defaults (two sort buffers,
 * spilling at 80%, fan-in 128), an {@code IOManagerAsync} and a {@code MemoryManager} of exactly
 * the sort memory. The temp directory is {@code java.io.tmpdir}, or {@code -Dmemflow.bench.tmp}.
 */
@Warmup(iterations = 1, time = 1)
@Measurement(iterations = 3, time = 1)
public class ExternalSort extends BenchmarkDefaults {

  static final int RECORDS = 5_000_000;
  static final int MEMORY_MIB = 128;
  private static final long MEMORY = (long) MEMORY_MIB << 20;

  static Path tempDirectory() {
    return Path.of(System.getProperty("memflow.bench.tmp", System.getProperty("java.io.tmpdir")));
  }

  /** memflow's managers. */
  @State(Scope.Thread)
  public static class Memflow {
    MemoryManager memory;
    SpillManager spills;
    Path directory;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
      directory = Files.createTempDirectory(tempDirectory(), "memflow-sort");
      memory = MemoryManager.builder().budget(MEMORY).pageSize(PAGE).build();
      spills = SpillManager.builder().tempDirectories(List.of(directory)).build();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      spills.close();
      memory.close();
      deleteTree(directory.toFile());
    }
  }

  @Benchmark
  @OperationsPerInvocation(RECORDS)
  public long memflow(Memflow state) throws Exception {
    SortData data = new SortData(42, RECORDS);
    try (io.memflow.sort.ExternalSorter<byte[]> sorter =
        io.memflow.sort.ExternalSorter.builder(state.memory, "sort", new MemflowKeyComparator())
            .memoryBytes(MEMORY)
            .spillManager(state.spills)
            .build()) {
      for (byte[] record = data.next(); record != null; record = data.next()) {
        sorter.write(record);
      }
      long checksum = 0;
      try (RecordIterator<byte[]> sorted = sorter.sorted()) {
        for (byte[] record = sorted.next(null); record != null; record = sorted.next(record)) {
          checksum += record[0];
        }
      }
      return checksum;
    }
  }

  /** Flink's managers. */
  @State(Scope.Thread)
  public static class Flink {
    org.apache.flink.runtime.memory.MemoryManager memory;
    IOManagerAsync io;
    Path directory;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
      directory = Files.createTempDirectory(tempDirectory(), "flink-sort");
      memory = org.apache.flink.runtime.memory.MemoryManager.create(MEMORY, PAGE);
      io = new IOManagerAsync(directory.toString());
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
      io.close();
      memory.shutdown();
      deleteTree(directory.toFile());
    }
  }

  @Benchmark
  @OperationsPerInvocation(RECORDS)
  public long flink(Flink state) throws Exception {
    SortData data = new SortData(42, RECORDS);
    MutableObjectIterator<byte[]> input =
        new MutableObjectIterator<>() {
          @Override
          public byte[] next(byte[] reuse) {
            return data.next();
          }

          @Override
          public byte[] next() {
            return data.next();
          }
        };
    try (ExternalSorter<byte[]> sorter =
        ExternalSorter.newBuilder(
                state.memory, NO_TASK, BytePrimitiveArraySerializer.INSTANCE,
                new FlinkKeyComparator(), new ExecutionConfig())
            .enableSpilling(state.io)
            .memoryFraction(1.0)
            .build(input)) {
      MutableObjectIterator<byte[]> sorted = sorter.getIterator();
      byte[] reuse = new byte[SortData.RECORD];
      long checksum = 0;
      for (byte[] record = sorted.next(reuse); record != null; record = sorted.next(reuse)) {
        checksum += record[0];
      }
      return checksum;
    }
  }

  /** Flink's sorter wants a task to report to; the benchmark has none. */
  private static final TaskInvokable NO_TASK =
      new TaskInvokable() {
        @Override
        public void invoke() {}

        @Override
        public void restore() {}

        @Override
        public void cleanUp(Throwable throwable) {}

        @Override
        public void cancel() {}

        @Override
        public boolean isUsingNonBlockingInput() {
          return false;
        }

        @Override
        public void maybeInterruptOnCancel(Thread toInterrupt, String taskName, Long timeout) {}
      };

  static void deleteTree(File file) {
    File[] children = file.listFiles();
    if (children != null) {
      for (File child : children) {
        deleteTree(child);
      }
    }
    if (!file.delete() && file.exists()) {
      throw new IllegalStateException("cannot delete " + file);
    }
  }
}
