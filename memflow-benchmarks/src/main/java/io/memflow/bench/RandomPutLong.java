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

/** Writes longs at 1024 random 8-byte-aligned offsets of a 32 KiB page (native byte order); one operation is one long access. */
public class RandomPutLong extends BenchmarkDefaults {

  private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.nativeOrder());

  @Benchmark
  @OperationsPerInvocation(RANDOM_OPS)
  public void memflowHeap(MemflowHeap p, Offsets o) {
    run(p.a, o.random);
  }

  @Benchmark
  @OperationsPerInvocation(RANDOM_OPS)
  public void memflowOffHeap(MemflowOffHeap p, Offsets o) {
    run(p.a, o.random);
  }

  @Benchmark
  @OperationsPerInvocation(RANDOM_OPS)
  public void flinkHeap(FlinkHeap p, Offsets o) {
    run(p.a, o.random);
  }

  @Benchmark
  @OperationsPerInvocation(RANDOM_OPS)
  public void flinkOffHeap(FlinkOffHeap p, Offsets o) {
    run(p.a, o.random);
  }

  @Benchmark
  @OperationsPerInvocation(RANDOM_OPS)
  public void flinkDirect(FlinkDirect p, Offsets o) {
    run(p.a, o.random);
  }

  @Benchmark
  @OperationsPerInvocation(RANDOM_OPS)
  public void bufferHeap(BufferHeap p, Offsets o) {
    run(p.a, o.random);
  }

  @Benchmark
  @OperationsPerInvocation(RANDOM_OPS)
  public void bufferDirect(BufferDirect p, Offsets o) {
    run(p.a, o.random);
  }

  @Benchmark
  @OperationsPerInvocation(RANDOM_OPS)
  public void byteArray(ByteArray p, Offsets o) {
    run(p.a, o.random);
  }

  private static void run(MemorySegment s, int[] offsets) {
    for (int i = 0; i < offsets.length; i++) {
      s.putLong(offsets[i], (long) i);
    }
  }

  private static void run(org.apache.flink.core.memory.MemorySegment s, int[] offsets) {
    for (int i = 0; i < offsets.length; i++) {
      s.putLong(offsets[i], (long) i);
    }
  }

  private static void run(ByteBuffer s, int[] offsets) {
    for (int i = 0; i < offsets.length; i++) {
      s.putLong(offsets[i], (long) i);
    }
  }

  private static void run(byte[] s, int[] offsets) {
    for (int i = 0; i < offsets.length; i++) {
      LONG.set(s, offsets[i], (long) i);
    }
  }
}
