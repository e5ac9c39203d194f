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

/** Writes longs one after the other over a whole 32 KiB page (native byte order); one operation is one long access. */
public class SequentialPutLong extends BenchmarkDefaults {

  private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.nativeOrder());

  @Benchmark
  @OperationsPerInvocation(PAGE / Long.BYTES)
  public void memflowHeap(MemflowHeap p) {
    run(p.a);
  }

  @Benchmark
  @OperationsPerInvocation(PAGE / Long.BYTES)
  public void memflowOffHeap(MemflowOffHeap p) {
    run(p.a);
  }

  @Benchmark
  @OperationsPerInvocation(PAGE / Long.BYTES)
  public void flinkHeap(FlinkHeap p) {
    run(p.a);
  }

  @Benchmark
  @OperationsPerInvocation(PAGE / Long.BYTES)
  public void flinkOffHeap(FlinkOffHeap p) {
    run(p.a);
  }

  @Benchmark
  @OperationsPerInvocation(PAGE / Long.BYTES)
  public void flinkDirect(FlinkDirect p) {
    run(p.a);
  }

  @Benchmark
  @OperationsPerInvocation(PAGE / Long.BYTES)
  public void bufferHeap(BufferHeap p) {
    run(p.a);
  }

  @Benchmark
  @OperationsPerInvocation(PAGE / Long.BYTES)
  public void bufferDirect(BufferDirect p) {
    run(p.a);
  }

  @Benchmark
  @OperationsPerInvocation(PAGE / Long.BYTES)
  public void byteArray(ByteArray p) {
    run(p.a);
  }

  private static void run(MemorySegment s) {
    for (int i = 0; i <= s.size() - Long.BYTES; i += Long.BYTES) {
      s.putLong(i, (long) i);
    }
  }

  private static void run(org.apache.flink.core.memory.MemorySegment s) {
    for (int i = 0; i <= s.size() - Long.BYTES; i += Long.BYTES) {
      s.putLong(i, (long) i);
    }
  }

  private static void run(ByteBuffer s) {
    for (int i = 0; i <= s.capacity() - Long.BYTES; i += Long.BYTES) {
      s.putLong(i, (long) i);
    }
  }

  private static void run(byte[] s) {
    for (int i = 0; i <= s.length - Long.BYTES; i += Long.BYTES) {
      LONG.set(s, i, (long) i);
    }
  }
}
