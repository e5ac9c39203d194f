package io.memflow.bench;

import static io.memflow.bench.Pages.PAGE;

import io.memflow.memory.MemorySegment;
import io.memflow.memory.MemorySegments;
import org.apache.flink.core.memory.MemorySegmentFactory;
import org.openjdk.jmh.annotations.Benchmark;

/**
 * Allocates a 32 KiB page and frees it at once; one operation is one allocate + free. The page
 * is returned (JMH consumes it) so that the allocation cannot be optimized away.
 *
 * <p>Rows: heap is memflow's {@code allocateHeap} against Flink's {@code allocateUnpooledSegment}
 * (anchor: {@code new byte[32768]}); off-heap is memflow's {@code allocateOffHeap} (malloc) against
 * Flink's {@code allocateOffHeapUnsafeMemory} (Unsafe.allocateMemory plus a cleaner, what Flink's
 * managed memory uses). {@code flinkDirect} is {@code allocateUnpooledOffHeapMemory}, a direct
 * {@code ByteBuffer}: its {@code free()} releases nothing, the garbage collector does, later.
 */
public class AllocateFree extends BenchmarkDefaults {

  @Benchmark
  public MemorySegment memflowHeap() {
    MemorySegment page = MemorySegments.allocateHeap(PAGE);
    page.free();
    return page;
  }

  @Benchmark
  public MemorySegment memflowOffHeap() {
    MemorySegment page = MemorySegments.allocateOffHeap(PAGE);
    page.free();
    return page;
  }

  @Benchmark
  public org.apache.flink.core.memory.MemorySegment flinkHeap() {
    org.apache.flink.core.memory.MemorySegment page = MemorySegmentFactory.allocateUnpooledSegment(PAGE);
    page.free();
    return page;
  }

  @Benchmark
  public org.apache.flink.core.memory.MemorySegment flinkOffHeap() {
    org.apache.flink.core.memory.MemorySegment page =
        MemorySegmentFactory.allocateOffHeapUnsafeMemory(PAGE);
    page.free();
    return page;
  }

  @Benchmark
  public org.apache.flink.core.memory.MemorySegment flinkDirect() {
    org.apache.flink.core.memory.MemorySegment page =
        MemorySegmentFactory.allocateUnpooledOffHeapMemory(PAGE);
    page.free();
    return page;
  }

  @Benchmark
  public byte[] byteArray() {
    return new byte[PAGE];
  }
}
