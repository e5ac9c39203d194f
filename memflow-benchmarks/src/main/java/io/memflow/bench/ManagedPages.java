package io.memflow.bench;

import static io.memflow.bench.Pages.PAGE;

import io.memflow.managed.MemoryManager;
import io.memflow.memory.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Allocates {@code pages} managed-memory pages of 32 KiB for one owner and releases them at once;
 * one operation is one allocate call plus one release call. Both managers hand out off-heap pages
 * from a 64 MiB budget and allocate native memory per page (memflow: {@code malloc} through the
 * FFM linker; Flink 2.3.0's {@code MemoryManager}: {@code Unsafe.allocateMemory} plus a cleaner).
 * The list the pages go into is reused, so only the managers' own allocation shows in {@code -prof gc}.
 */
@State(Scope.Thread)
public class ManagedPages extends BenchmarkDefaults {

  private static final long BUDGET = 64L << 20;

  /** Pages per allocate call: one page, or a sorter's batch. */
  @Param({"1", "32"})
  public int pages;

  /** memflow's manager with the default FAIL policy (no waiting, no reclaiming). */
  @State(Scope.Thread)
  public static class Memflow {
    MemoryManager manager;
    final List<MemorySegment> target = new ArrayList<>();
    final Object owner = new Object();

    @Setup(Level.Trial)
    public void setUp() {
      manager = MemoryManager.builder().budget(BUDGET).pageSize(PAGE).build();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      manager.close();
    }
  }

  /** Flink 2.3.0's {@code org.apache.flink.runtime.memory.MemoryManager}. */
  @State(Scope.Thread)
  public static class Flink {
    org.apache.flink.runtime.memory.MemoryManager manager;
    final List<org.apache.flink.core.memory.MemorySegment> target = new ArrayList<>();
    final Object owner = new Object();

    @Setup(Level.Trial)
    public void setUp() {
      manager = org.apache.flink.runtime.memory.MemoryManager.create(BUDGET, PAGE);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      manager.shutdown();
    }
  }

  @Benchmark
  public int memflow(Memflow state) throws Exception {
    state.manager.allocatePages(state.owner, state.target, pages);
    int n = state.target.size();
    state.manager.release(state.target);
    return n;
  }

  @Benchmark
  public int flink(Flink state) throws Exception {
    state.manager.allocatePages(state.owner, state.target, pages);
    int n = state.target.size();
    state.manager.release(state.target);
    return n;
  }
}
