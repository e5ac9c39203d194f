package io.memflow.bench;

import static io.memflow.bench.Pages.PAGE;

import io.memflow.network.Buffer;
import io.memflow.network.BufferBuilder;
import io.memflow.network.BufferConsumer;
import io.memflow.network.BufferPool;
import io.memflow.network.NetworkBufferPool;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Serializer output into network buffers, pipelined style: one invocation takes a buffer builder
 * from a local pool, appends and commits 64-byte records until the 32 KiB buffer is full (512
 * records), lets the consumer build a readable slice after every 8 records and release it (as a
 * reader polling the subpartition would), then finishes, builds the rest and recycles everything.
 * One operation is one record appended (JMH divides by 512), so ops/s is records per second.
 */
public class BufferBuilderAppend extends BenchmarkDefaults {

  private static final int RECORD = 64;
  private static final int RECORDS = PAGE / RECORD;
  private static final int BUILD_EVERY = 8;

  /** memflow's pools and the record bytes. */
  @State(Scope.Thread)
  public static class Memflow {
    NetworkBufferPool global;
    BufferPool pool;
    final ByteBuffer record = ByteBuffer.wrap(Pages.contents(0), 0, RECORD).slice();

    @Setup(Level.Trial)
    public void setUp() {
      global = NetworkBufferPool.create(8, PAGE);
      pool = global.createBufferPool(2, 2);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      pool.destroy();
      global.destroy();
    }
  }

  /** Flink 2.3.0's pools and the record bytes. */
  @State(Scope.Thread)
  public static class Flink {
    org.apache.flink.runtime.io.network.buffer.NetworkBufferPool global;
    org.apache.flink.runtime.io.network.buffer.BufferPool pool;
    final ByteBuffer record = ByteBuffer.wrap(Pages.contents(0), 0, RECORD).slice();

    @Setup(Level.Trial)
    public void setUp() throws IOException {
      global = new org.apache.flink.runtime.io.network.buffer.NetworkBufferPool(8, PAGE);
      pool = global.createBufferPool(2, 2);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      pool.lazyDestroy();
      global.destroyAllBufferPools();
      global.destroy();
    }
  }

  @Benchmark
  @OperationsPerInvocation(RECORDS)
  public long memflow(Memflow state) {
    long read = 0;
    try (BufferBuilder builder = state.pool.requestBufferBuilder(BufferPool.NO_SUBPARTITION);
        BufferConsumer consumer = builder.createBufferConsumer()) {
      for (int i = 0; i < RECORDS; i++) {
        state.record.clear();
        builder.appendAndCommit(state.record);
        if (i % BUILD_EVERY == BUILD_EVERY - 1) {
          read += drain(consumer.build());
        }
      }
      builder.finish();
      read += drain(consumer.build());
    }
    return read;
  }

  @Benchmark
  @OperationsPerInvocation(RECORDS)
  public long flink(Flink state) {
    long read = 0;
    try (org.apache.flink.runtime.io.network.buffer.BufferBuilder builder =
            state.pool.requestBufferBuilder();
        org.apache.flink.runtime.io.network.buffer.BufferConsumer consumer =
            builder.createBufferConsumer()) {
      for (int i = 0; i < RECORDS; i++) {
        state.record.clear();
        builder.appendAndCommit(state.record);
        if (i % BUILD_EVERY == BUILD_EVERY - 1) {
          read += drain(consumer.build());
        }
      }
      builder.finish();
      read += drain(consumer.build());
    }
    return read;
  }

  private static int drain(Buffer slice) {
    int bytes = slice.readableBytes();
    slice.release();
    return bytes;
  }

  private static int drain(org.apache.flink.runtime.io.network.buffer.Buffer slice) {
    int bytes = slice.readableBytes();
    slice.recycleBuffer();
    return bytes;
  }
}
