package io.memflow.bench;

import static io.memflow.bench.Pages.KEY;
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

/**
 * Swaps 16-byte keys between random key offsets of two pages (the sorter's swap); one operation
 * is one swap. Flink's {@code swapBytes} goes through a caller-supplied temporary array; the
 * anchors swap two longs by hand.
 */
public class SwapKeys extends BenchmarkDefaults {

  private static final VarHandle LONG =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.nativeOrder());

  @Benchmark
  @OperationsPerInvocation(RANDOM_OPS)
  public void memflowHeap(MemflowHeap p, Offsets o) {
    run(p.a, p.b, o.left, o.right);
  }

  @Benchmark
  @OperationsPerInvocation(RANDOM_OPS)
  public void memflowOffHeap(MemflowOffHeap p, Offsets o) {
    run(p.a, p.b, o.left, o.right);
  }

  @Benchmark
  @OperationsPerInvocation(RANDOM_OPS)
  public void flinkHeap(FlinkHeap p, Offsets o) {
    run(p.a, p.b, p.temp, o.left, o.right);
  }

  @Benchmark
  @OperationsPerInvocation(RANDOM_OPS)
  public void flinkOffHeap(FlinkOffHeap p, Offsets o) {
    run(p.a, p.b, p.temp, o.left, o.right);
  }

  @Benchmark
  @OperationsPerInvocation(RANDOM_OPS)
  public void flinkDirect(FlinkDirect p, Offsets o) {
    run(p.a, p.b, p.temp, o.left, o.right);
  }

  @Benchmark
  @OperationsPerInvocation(RANDOM_OPS)
  public void bufferHeap(BufferHeap p, Offsets o) {
    run(p.a, p.b, o.left, o.right);
  }

  @Benchmark
  @OperationsPerInvocation(RANDOM_OPS)
  public void bufferDirect(BufferDirect p, Offsets o) {
    run(p.a, p.b, o.left, o.right);
  }

  @Benchmark
  @OperationsPerInvocation(RANDOM_OPS)
  public void byteArray(ByteArray p, Offsets o) {
    run(p.a, p.b, o.left, o.right);
  }

  private static void run(MemorySegment a, MemorySegment b, int[] left, int[] right) {
    for (int i = 0; i < left.length; i++) {
      a.swapBytes(b, left[i], right[i], KEY);
    }
  }

  private static void run(
      org.apache.flink.core.memory.MemorySegment a,
      org.apache.flink.core.memory.MemorySegment b,
      byte[] temp,
      int[] left,
      int[] right) {
    for (int i = 0; i < left.length; i++) {
      a.swapBytes(temp, b, left[i], right[i], KEY);
    }
  }

  private static void run(ByteBuffer a, ByteBuffer b, int[] left, int[] right) {
    for (int i = 0; i < left.length; i++) {
      int l = left[i];
      int r = right[i];
      long x0 = a.getLong(l);
      long x1 = a.getLong(l + Long.BYTES);
      a.putLong(l, b.getLong(r));
      a.putLong(l + Long.BYTES, b.getLong(r + Long.BYTES));
      b.putLong(r, x0);
      b.putLong(r + Long.BYTES, x1);
    }
  }

  private static void run(byte[] a, byte[] b, int[] left, int[] right) {
    for (int i = 0; i < left.length; i++) {
      int l = left[i];
      int r = right[i];
      long x0 = (long) LONG.get(a, l);
      long x1 = (long) LONG.get(a, l + Long.BYTES);
      LONG.set(a, l, (long) LONG.get(b, r));
      LONG.set(a, l + Long.BYTES, (long) LONG.get(b, r + Long.BYTES));
      LONG.set(b, r, x0);
      LONG.set(b, r + Long.BYTES, x1);
    }
  }
}
