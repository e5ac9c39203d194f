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

/** Reads ints one after the other over a whole 32 KiB page (native byte order); one operation is one int access. */
public class SequentialGetInt extends BenchmarkDefaults {

  private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.nativeOrder());

  @Benchmark
  @OperationsPerInvocation(PAGE / Integer.BYTES)
  public int memflowHeap(MemflowHeap p) {
    return run(p.a);
  }

  @Benchmark
  @OperationsPerInvocation(PAGE / Integer.BYTES)
  public int memflowOffHeap(MemflowOffHeap p) {
    return run(p.a);
  }

  @Benchmark
  @OperationsPerInvocation(PAGE / Integer.BYTES)
  public int flinkHeap(FlinkHeap p) {
    return run(p.a);
  }

  @Benchmark
  @OperationsPerInvocation(PAGE / Integer.BYTES)
  public int flinkOffHeap(FlinkOffHeap p) {
    return run(p.a);
  }

  @Benchmark
  @OperationsPerInvocation(PAGE / Integer.BYTES)
  public int flinkDirect(FlinkDirect p) {
    return run(p.a);
  }

  @Benchmark
  @OperationsPerInvocation(PAGE / Integer.BYTES)
  public int bufferHeap(BufferHeap p) {
    return run(p.a);
  }

  @Benchmark
  @OperationsPerInvocation(PAGE / Integer.BYTES)
  public int bufferDirect(BufferDirect p) {
    return run(p.a);
  }

  @Benchmark
  @OperationsPerInvocation(PAGE / Integer.BYTES)
  public int byteArray(ByteArray p) {
    return run(p.a);
  }

  private static int run(MemorySegment s) {
    int sum = 0;
    for (int i = 0; i <= s.size() - Integer.BYTES; i += Integer.BYTES) {
      sum += s.getInt(i);
    }
    return sum;
  }

  private static int run(org.apache.flink.core.memory.MemorySegment s) {
    int sum = 0;
    for (int i = 0; i <= s.size() - Integer.BYTES; i += Integer.BYTES) {
      sum += s.getInt(i);
    }
    return sum;
  }

  private static int run(ByteBuffer s) {
    int sum = 0;
    for (int i = 0; i <= s.capacity() - Integer.BYTES; i += Integer.BYTES) {
      sum += s.getInt(i);
    }
    return sum;
  }

  private static int run(byte[] s) {
    int sum = 0;
    for (int i = 0; i <= s.length - Integer.BYTES; i += Integer.BYTES) {
      sum += (int) INT.get(s, i);
    }
    return sum;
  }
}
