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

/** Reads ints at 1024 random 8-byte-aligned offsets of a 32 KiB page (native byte order); one operation is one int access. */
public class RandomGetInt extends BenchmarkDefaults {

  private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.nativeOrder());

  @Benchmark
  @OperationsPerInvocation(RANDOM_OPS)
  public int memflowHeap(MemflowHeap p, Offsets o) {
    return run(p.a, o.random);
  }

  @Benchmark
  @OperationsPerInvocation(RANDOM_OPS)
  public int memflowOffHeap(MemflowOffHeap p, Offsets o) {
    return run(p.a, o.random);
  }

  @Benchmark
  @OperationsPerInvocation(RANDOM_OPS)
  public int flinkHeap(FlinkHeap p, Offsets o) {
    return run(p.a, o.random);
  }

  @Benchmark
  @OperationsPerInvocation(RANDOM_OPS)
  public int flinkOffHeap(FlinkOffHeap p, Offsets o) {
    return run(p.a, o.random);
  }

  @Benchmark
  @OperationsPerInvocation(RANDOM_OPS)
  public int flinkDirect(FlinkDirect p, Offsets o) {
    return run(p.a, o.random);
  }

  @Benchmark
  @OperationsPerInvocation(RANDOM_OPS)
  public int bufferHeap(BufferHeap p, Offsets o) {
    return run(p.a, o.random);
  }

  @Benchmark
  @OperationsPerInvocation(RANDOM_OPS)
  public int bufferDirect(BufferDirect p, Offsets o) {
    return run(p.a, o.random);
  }

  @Benchmark
  @OperationsPerInvocation(RANDOM_OPS)
  public int byteArray(ByteArray p, Offsets o) {
    return run(p.a, o.random);
  }

  private static int run(MemorySegment s, int[] offsets) {
    int sum = 0;
    for (int i = 0; i < offsets.length; i++) {
      sum += s.getInt(offsets[i]);
    }
    return sum;
  }

  private static int run(org.apache.flink.core.memory.MemorySegment s, int[] offsets) {
    int sum = 0;
    for (int i = 0; i < offsets.length; i++) {
      sum += s.getInt(offsets[i]);
    }
    return sum;
  }

  private static int run(ByteBuffer s, int[] offsets) {
    int sum = 0;
    for (int i = 0; i < offsets.length; i++) {
      sum += s.getInt(offsets[i]);
    }
    return sum;
  }

  private static int run(byte[] s, int[] offsets) {
    int sum = 0;
    for (int i = 0; i < offsets.length; i++) {
      sum += (int) INT.get(s, offsets[i]);
    }
    return sum;
  }
}
