package io.memflow.bench;

import static io.memflow.bench.Pages.PAGE;
import static io.memflow.bench.Pages.RANDOM_OPS;

import io.memflow.bench.Pages.BufferDirect;
import io.memflow.bench.Pages.BufferHeap;
import io.memflow.bench.Pages.ByteArray;
import io.memflow.bench.Pages.FlinkDirect;
import io.memflow.bench.Pages.FlinkHeap;
import io.memflow.bench.Pages.FlinkOffHeap;
import io.memflow.bench.Pages.MemflowHeap;
import io.memflow.bench.Pages.MemflowOffHeap;
import io.memflow.bench.Pages.Offsets;
import io.memflow.memory.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.OperationsPerInvocation;

/** Reads longs at 1024 random 8-byte-aligned offsets of a 32 KiB page (native byte order); one operation is one long access. */
public class RandomGetLong extends BenchmarkDefaults {

  private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.nativeOrder());

  @Benchmark
  @OperationsPerInvocation(RANDOM_OPS)
  public long memflowHeap(MemflowHeap p, Offsets o) {
    return run(p.a, o.random);
  }

  @Benchmark
  @OperationsPerInvocation(RANDOM_OPS)
  public long memflowOffHeap(MemflowOffHeap p, Offsets o) {
    return run(p.a, o.random);
  }

  @Benchmark
  @OperationsPerInvocation(RANDOM_OPS)
  public long flinkHeap(FlinkHeap p, Offsets o) {
    return run(p.a, o.random);
  }

  @Benchmark
  @OperationsPerInvocation(RANDOM_OPS)
  public long flinkOffHeap(FlinkOffHeap p, Offsets o) {
    return run(p.a, o.random);
  }

  @Benchmark
  @OperationsPerInvocation(RANDOM_OPS)
  public long flinkDirect(FlinkDirect p, Offsets o) {
    return run(p.a, o.random);
  }

  @Benchmark
  @OperationsPerInvocation(RANDOM_OPS)
  public long bufferHeap(BufferHeap p, Offsets o) {
    return run(p.a, o.random);
  }

  @Benchmark
  @OperationsPerInvocation(RANDOM_OPS)
  public long bufferDirect(BufferDirect p, Offsets o) {
    return run(p.a, o.random);
  }

  @Benchmark
  @OperationsPerInvocation(RANDOM_OPS)
  public long byteArray(ByteArray p, Offsets o) {
    return run(p.a, o.random);
  }

  private static long run(MemorySegment s, int[] offsets) {
    long sum = 0;
    for (int i = 0; i < offsets.length; i++) {
      sum += s.getLong(offsets[i]);
    }
    return sum;
  }

  private static long run(org.apache.flink.core.memory.MemorySegment s, int[] offsets) {
    long sum = 0;
    for (int i = 0; i < offsets.length; i++) {
      sum += s.getLong(offsets[i]);
    }
    return sum;
  }

  private static long run(ByteBuffer s, int[] offsets) {
    long sum = 0;
    for (int i = 0; i < offsets.length; i++) {
      sum += s.getLong(offsets[i]);
    }
    return sum;
  }

  private static long run(byte[] s, int[] offsets) {
    long sum = 0;
    for (int i = 0; i < offsets.length; i++) {
      sum += (long) LONG.get(s, offsets[i]);
    }
    return sum;
  }
}
