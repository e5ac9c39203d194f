package io.memflow.bench;

import static io.memflow.bench.Pages.PAGE;

import io.memflow.bench.Pages.BufferDirect;
import io.memflow.bench.Pages.BufferHeap;
import io.memflow.bench.Pages.ByteArray;
import io.memflow.bench.Pages.FlinkDirect;
import io.memflow.bench.Pages.FlinkHeap;
import io.memflow.bench.Pages.FlinkOffHeap;
import io.memflow.bench.Pages.MemflowHeap;
import io.memflow.bench.Pages.MemflowOffHeap;
import io.memflow.memory.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.OperationsPerInvocation;

/** Reads longs one after the other over a whole 32 KiB page (native byte order); one operation is one long access. */
public class SequentialGetLong extends BenchmarkDefaults {

  private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.nativeOrder());

  @Benchmark
  @OperationsPerInvocation(PAGE / Long.BYTES)
  public long memflowHeap(MemflowHeap p) {
    return run(p.a);
  }

  @Benchmark
  @OperationsPerInvocation(PAGE / Long.BYTES)
  public long memflowOffHeap(MemflowOffHeap p) {
    return run(p.a);
  }

  @Benchmark
  @OperationsPerInvocation(PAGE / Long.BYTES)
  public long flinkHeap(FlinkHeap p) {
    return run(p.a);
  }

  @Benchmark
  @OperationsPerInvocation(PAGE / Long.BYTES)
  public long flinkOffHeap(FlinkOffHeap p) {
    return run(p.a);
  }

  @Benchmark
  @OperationsPerInvocation(PAGE / Long.BYTES)
  public long flinkDirect(FlinkDirect p) {
    return run(p.a);
  }

  @Benchmark
  @OperationsPerInvocation(PAGE / Long.BYTES)
  public long bufferHeap(BufferHeap p) {
    return run(p.a);
  }

  @Benchmark
  @OperationsPerInvocation(PAGE / Long.BYTES)
  public long bufferDirect(BufferDirect p) {
    return run(p.a);
  }

  @Benchmark
  @OperationsPerInvocation(PAGE / Long.BYTES)
  public long byteArray(ByteArray p) {
    return run(p.a);
  }

  private static long run(MemorySegment s) {
    long sum = 0;
    for (int i = 0; i <= s.size() - Long.BYTES; i += Long.BYTES) {
      sum += s.getLong(i);
    }
    return sum;
  }

  private static long run(org.apache.flink.core.memory.MemorySegment s) {
    long sum = 0;
    for (int i = 0; i <= s.size() - Long.BYTES; i += Long.BYTES) {
      sum += s.getLong(i);
    }
    return sum;
  }

  private static long run(ByteBuffer s) {
    long sum = 0;
    for (int i = 0; i <= s.capacity() - Long.BYTES; i += Long.BYTES) {
      sum += s.getLong(i);
    }
    return sum;
  }

  private static long run(byte[] s) {
    long sum = 0;
    for (int i = 0; i <= s.length - Long.BYTES; i += Long.BYTES) {
      sum += (long) LONG.get(s, i);
    }
    return sum;
  }
}
