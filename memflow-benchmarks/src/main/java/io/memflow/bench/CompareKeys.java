package io.memflow.bench;

import static io.memflow.bench.Pages.KEY;
import static io.memflow.bench.Pages.RANDOM_OPS;

import io.memflow.bench.Pages.BufferDirect;
import io.memflow.bench.Pages.BufferHeap;
import io.memflow.bench.Pages.Buffers;
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
 * Compares 16-byte keys, unsigned lexicographically, at random key offsets of two pages (the
 * normalized-key sort's primitive); one operation is one comparison. Half of the pairs share
 * their first 8 bytes. The anchors compare two big-endian longs by hand, the same algorithm.
 */
public class CompareKeys extends BenchmarkDefaults {

  private static final VarHandle LONG_BE =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

  @Benchmark
  @OperationsPerInvocation(RANDOM_OPS)
  public int memflowHeap(MemflowHeap p, Offsets o) {
    return run(p.a, p.b, o.left, o.right);
  }

  @Benchmark
  @OperationsPerInvocation(RANDOM_OPS)
  public int memflowOffHeap(MemflowOffHeap p, Offsets o) {
    return run(p.a, p.b, o.left, o.right);
  }

  @Benchmark
  @OperationsPerInvocation(RANDOM_OPS)
  public int flinkHeap(FlinkHeap p, Offsets o) {
    return run(p.a, p.b, o.left, o.right);
  }

  @Benchmark
  @OperationsPerInvocation(RANDOM_OPS)
  public int flinkOffHeap(FlinkOffHeap p, Offsets o) {
    return run(p.a, p.b, o.left, o.right);
  }

  @Benchmark
  @OperationsPerInvocation(RANDOM_OPS)
  public int flinkDirect(FlinkDirect p, Offsets o) {
    return run(p.a, p.b, o.left, o.right);
  }

  @Benchmark
  @OperationsPerInvocation(RANDOM_OPS)
  public int bufferHeap(BufferHeap p, Offsets o) {
    return run(p, o.left, o.right);
  }

  @Benchmark
  @OperationsPerInvocation(RANDOM_OPS)
  public int bufferDirect(BufferDirect p, Offsets o) {
    return run(p, o.left, o.right);
  }

  @Benchmark
  @OperationsPerInvocation(RANDOM_OPS)
  public int byteArray(ByteArray p, Offsets o) {
    return run(p.a, p.b, o.left, o.right);
  }

  private static int run(MemorySegment a, MemorySegment b, int[] left, int[] right) {
    int sum = 0;
    for (int i = 0; i < left.length; i++) {
      sum += a.compare(b, left[i], right[i], KEY);
    }
    return sum;
  }

  private static int run(
      org.apache.flink.core.memory.MemorySegment a,
      org.apache.flink.core.memory.MemorySegment b,
      int[] left,
      int[] right) {
    int sum = 0;
    for (int i = 0; i < left.length; i++) {
      sum += a.compare(b, left[i], right[i], KEY);
    }
    return sum;
  }

  private static int run(Buffers p, int[] left, int[] right) {
    ByteBuffer a = p.aBig;
    ByteBuffer b = p.bBig;
    int sum = 0;
    for (int i = 0; i < left.length; i++) {
      int l = left[i];
      int r = right[i];
      long x = a.getLong(l);
      long y = b.getLong(r);
      if (x == y) {
        x = a.getLong(l + Long.BYTES);
        y = b.getLong(r + Long.BYTES);
      }
      sum += Long.compareUnsigned(x, y);
    }
    return sum;
  }

  private static int run(byte[] a, byte[] b, int[] left, int[] right) {
    int sum = 0;
    for (int i = 0; i < left.length; i++) {
      int l = left[i];
      int r = right[i];
      long x = (long) LONG_BE.get(a, l);
      long y = (long) LONG_BE.get(b, r);
      if (x == y) {
        x = (long) LONG_BE.get(a, l + Long.BYTES);
        y = (long) LONG_BE.get(b, r + Long.BYTES);
      }
      sum += Long.compareUnsigned(x, y);
    }
    return sum;
  }
}
