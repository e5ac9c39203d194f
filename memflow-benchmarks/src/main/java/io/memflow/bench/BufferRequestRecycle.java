package io.memflow.bench;

import static io.memflow.bench.Pages.PAGE;

import io.memflow.network.Buffer;
import io.memflow.network.BufferPool;
import io.memflow.network.NetworkBufferPool;
import java.io.IOException;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

/**
 * Requests one network buffer from a local buffer pool and recycles it at once; one operation is
 * one request plus one recycle. Single-threaded, and contended: two threads on the same pool.
 *
 * <p>Setup, the same for both: a global pool of 64 off-heap 32 KiB segments and one local pool
 * of 8 required and 16 at most (so the buffer always comes from the local pool's free segments,
 * never from the global pool: the steady state of a running task). memflow recycles with {@code
 * release()}, Flink with {@code recycleBuffer()}.
 */
public class BufferRequestRecycle extends BenchmarkDefaults {

  private static final int SEGMENTS = 64;

  /** memflow's global and local pools. */
  @State(Scope.Benchmark)
  public static class Memflow {
    NetworkBufferPool global;
    BufferPool pool;

    @Setup(Level.Trial)
    public void setUp() {
      global = NetworkBufferPool.create(SEGMENTS, PAGE);
      pool = global.createBufferPool(8, 16);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      pool.destroy();
      global.destroy();
    }
  }

  /** Flink 2.3.0's {@code NetworkBufferPool} and {@code LocalBufferPool}. */
  @State(Scope.Benchmark)
  public static class Flink {
    org.apache.flink.runtime.io.network.buffer.NetworkBufferPool global;
    org.apache.flink.runtime.io.network.buffer.BufferPool pool;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
      global = new org.apache.flink.runtime.io.network.buffer.NetworkBufferPool(SEGMENTS, PAGE);
      pool = global.createBufferPool(8, 16);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      pool.lazyDestroy();
      global.destroyAllBufferPools();
      global.destroy();
    }
  }

  @Benchmark
  public int memflow(Memflow state) {
    return memflowRequestRecycle(state.pool);
  }

  @Benchmark
  public int flink(Flink state) {
    return flinkRequestRecycle(state.pool);
  }

  @Benchmark
  @Threads(2)
  public int memflowContended(Memflow state) {
    return memflowRequestRecycle(state.pool);
  }

  @Benchmark
  @Threads(2)
  public int flinkContended(Flink state) {
    return flinkRequestRecycle(state.pool);
  }

  private static int memflowRequestRecycle(BufferPool pool) {
    Buffer buffer = pool.requestBuffer();
    int capacity = buffer.capacity();
    buffer.release();
    return capacity;
  }

  private static int flinkRequestRecycle(org.apache.flink.runtime.io.network.buffer.BufferPool pool) {
    org.apache.flink.runtime.io.network.buffer.Buffer buffer = pool.requestBuffer();
    int capacity = buffer.getMaxCapacity();
    buffer.recycleBuffer();
    return capacity;
  }
}
