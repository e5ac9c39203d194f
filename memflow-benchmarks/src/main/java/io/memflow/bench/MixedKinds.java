package io.memflow.bench;

import static io.memflow.bench.Pages.PAGE;
import static io.memflow.bench.Pages.RANDOM_OPS;
import static io.memflow.bench.Pages.contents;

import io.memflow.bench.Pages.Offsets;
import io.memflow.memory.MemorySegment;
import io.memflow.memory.MemorySegments;
import java.lang.foreign.Arena;
import java.lang.foreign.ValueLayout;
import org.apache.flink.core.memory.MemorySegmentFactory;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The same code over a heap page and an off-heap page, as in memflow's operators (rows built in
 * heap buffers, tables and buffers in off-heap pages): one operation adds the long at a random
 * offset of one page into the long at that offset of the other (two reads and a write, native
 * byte order). Each invocation runs the update loop from heap into off-heap and then from off-heap
 * into heap, so the JIT's profiles of the loop and of the accessors see both kinds.
 *
 * <p>memflow's segments against Flink's (heap and {@code allocateOffHeapUnsafeMemory}, one class
 * over the JDK's unsafe memory access) and against {@code java.lang.foreign} segments used
 * directly ({@code MemorySegment.ofArray} and an arena's native segment: one interface with a heap
 * and a native implementation, which is how memflow's accessors reached memory before they split
 * into a heap and an off-heap path).
 */
public class MixedKinds extends BenchmarkDefaults {

  private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED;

  /** A memflow heap page and off-heap page with the same contents. */
  @State(Scope.Thread)
  public static class Memflow {
    MemorySegment heap;
    MemorySegment offHeap;

    @Setup
    public void setup() {
      heap = MemorySegments.allocateHeap(PAGE);
      offHeap = MemorySegments.allocateOffHeap(PAGE);
      heap.put(0, contents(0));
      offHeap.put(0, contents(0));
    }

    @TearDown
    public void tearDown() {
      offHeap.free();
    }
  }

  /** A Flink heap page and an off-heap page of the kind Flink's managed memory uses. */
  @State(Scope.Thread)
  public static class Flink {
    org.apache.flink.core.memory.MemorySegment heap;
    org.apache.flink.core.memory.MemorySegment offHeap;

    @Setup
    public void setup() {
      heap = MemorySegmentFactory.allocateUnpooledSegment(PAGE);
      offHeap = MemorySegmentFactory.allocateOffHeapUnsafeMemory(PAGE);
      heap.put(0, contents(0));
      offHeap.put(0, contents(0));
    }

    @TearDown
    public void tearDown() {
      offHeap.free();
    }
  }

  /** A {@code java.lang.foreign} segment over an array and one in a confined arena. */
  @State(Scope.Thread)
  public static class Foreign {
    Arena arena;
    java.lang.foreign.MemorySegment heap;
    java.lang.foreign.MemorySegment offHeap;

    @Setup
    public void setup() {
      arena = Arena.ofConfined();
      heap = java.lang.foreign.MemorySegment.ofArray(contents(0));
      offHeap = arena.allocate(PAGE, Long.BYTES);
      java.lang.foreign.MemorySegment.copy(heap, 0, offHeap, 0, PAGE);
    }

    @TearDown
    public void tearDown() {
      arena.close();
    }
  }

  @Benchmark
  @OperationsPerInvocation(2 * RANDOM_OPS)
  public long memflow(Memflow p, Offsets o) {
    return add(p.heap, p.offHeap, o.random) + add(p.offHeap, p.heap, o.random);
  }

  @Benchmark
  @OperationsPerInvocation(2 * RANDOM_OPS)
  public long flink(Flink p, Offsets o) {
    return add(p.heap, p.offHeap, o.random) + add(p.offHeap, p.heap, o.random);
  }

  @Benchmark
  @OperationsPerInvocation(2 * RANDOM_OPS)
  public long foreign(Foreign p, Offsets o) {
    return add(p.heap, p.offHeap, o.random) + add(p.offHeap, p.heap, o.random);
  }

  private static long add(MemorySegment from, MemorySegment to, int[] offsets) {
    for (int offset : offsets) {
      to.putLong(offset, to.getLong(offset) + from.getLong(offset));
    }
    return to.getLong(offsets[0]);
  }

  private static long add(
      org.apache.flink.core.memory.MemorySegment from, org.apache.flink.core.memory.MemorySegment to, int[] offsets) {
    for (int offset : offsets) {
      to.putLong(offset, to.getLong(offset) + from.getLong(offset));
    }
    return to.getLong(offsets[0]);
  }

  private static long add(java.lang.foreign.MemorySegment from, java.lang.foreign.MemorySegment to, int[] offsets) {
    for (int offset : offsets) {
      to.set(LONG, offset, to.get(LONG, offset) + from.get(LONG, offset));
    }
    return to.get(LONG, offsets[0]);
  }
}
