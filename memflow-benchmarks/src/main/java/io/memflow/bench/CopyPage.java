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
import org.openjdk.jmh.annotations.Benchmark;

/**
 * Copies a whole 32 KiB page to another page of the same kind; one operation is one page copy.
 * Anchors: {@code ByteBuffer.put(int, ByteBuffer, int, int)} and {@code System.arraycopy}.
 */
public class CopyPage extends BenchmarkDefaults {

  @Benchmark
  public void memflowHeap(MemflowHeap p) {
    p.a.copyTo(0, p.b, 0, PAGE);
  }

  @Benchmark
  public void memflowOffHeap(MemflowOffHeap p) {
    p.a.copyTo(0, p.b, 0, PAGE);
  }

  @Benchmark
  public void flinkHeap(FlinkHeap p) {
    p.a.copyTo(0, p.b, 0, PAGE);
  }

  @Benchmark
  public void flinkOffHeap(FlinkOffHeap p) {
    p.a.copyTo(0, p.b, 0, PAGE);
  }

  @Benchmark
  public void flinkDirect(FlinkDirect p) {
    p.a.copyTo(0, p.b, 0, PAGE);
  }

  @Benchmark
  public void bufferHeap(BufferHeap p) {
    p.b.put(0, p.a, 0, PAGE);
  }

  @Benchmark
  public void bufferDirect(BufferDirect p) {
    p.b.put(0, p.a, 0, PAGE);
  }

  @Benchmark
  public void byteArray(ByteArray p) {
    System.arraycopy(p.a, 0, p.b, 0, PAGE);
  }
}
