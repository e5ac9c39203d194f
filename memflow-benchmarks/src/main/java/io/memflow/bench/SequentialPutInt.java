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

/** Writes ints one after the other over a whole 32 KiB page (native byte order); one operation is one int access. */
public class SequentialPutInt extends BenchmarkDefaults {

  private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.nativeOrder());

  @Benchmark
  @OperationsPerInvocation(PAGE / Integer.BYTES)
  public void memflowHeap(MemflowHeap p) {
    run(p.a);
  }

  @Benchmark
  @OperationsPerInvocation(PAGE / Integer.BYTES)
  public void memflowOffHeap(MemflowOffHeap p) {
    run(p.a);
  }

  @Benchmark
  @OperationsPerInvocation(PAGE / Integer.BYTES)
  public void flinkHeap(FlinkHeap p) {
    run(p.a);
  }

  @Benchmark
  @OperationsPerInvocation(PAGE / Integer.BYTES)
  public void flinkOffHeap(FlinkOffHeap p) {
    run(p.a);
  }

  @Benchmark
  @OperationsPerInvocation(PAGE / Integer.BYTES)
  public void flinkDirect(FlinkDirect p) {
    run(p.a);
  }

  @Benchmark
  @OperationsPerInvocation(PAGE / Integer.BYTES)
  public void bufferHeap(BufferHeap p) {
    run(p.a);
  }

  @Benchmark
  @OperationsPerInvocation(PAGE / Integer.BYTES)
  public void bufferDirect(BufferDirect p) {
    run(p.a);
  }

  @Benchmark
  @OperationsPerInvocation(PAGE / Integer.BYTES)
  public void byteArray(ByteArray p) {
    run(p.a);
  }

  private static void run(MemorySegment s) {
    for (int i = 0; i <= s.size() - Integer.BYTES; i += Integer.BYTES) {
      s.putInt(i, i);
    }
  }

  private static void run(org.apache.flink.core.memory.MemorySegment s) {
    for (int i = 0; i <= s.size() - Integer.BYTES; i += Integer.BYTES) {
      s.putInt(i, i);
    }
  }

  private static void run(ByteBuffer s) {
    for (int i = 0; i <= s.capacity() - Integer.BYTES; i += Integer.BYTES) {
      s.putInt(i, i);
    }
  }

  private static void run(byte[] s) {
    for (int i = 0; i <= s.length - Integer.BYTES; i += Integer.BYTES) {
      INT.set(s, i, i);
    }
  }
}
