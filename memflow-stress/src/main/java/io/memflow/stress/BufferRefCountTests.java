package io.memflow.stress;

import io.memflow.memory.MemorySegments;
import io.memflow.network.Buffer;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;
import org.openjdk.jcstress.infra.results.II_Result;

/** jcstress tests for {@link Buffer}'s reference count: exactly one recycle, no resurrection. */
public final class BufferRefCountTests {

  private BufferRefCountTests() {}

  /** Two owners release concurrently: exactly one of them recycles, exactly once. */
  @JCStressTest
  @Description("Two concurrent releases of the last two references recycle the segment exactly once.")
  @Outcome(id = {"1, 0, 1", "0, 1, 1"}, expect = Expect.ACCEPTABLE, desc = "one release recycled, once")
  @Outcome(expect = Expect.FORBIDDEN, desc = "lost or double recycle")
  @State
  public static class ConcurrentRelease {
    final AtomicInteger recycles = new AtomicInteger();
    final Buffer buffer = Buffer.wrap(MemorySegments.allocateHeap(16), s -> recycles.incrementAndGet()).retain();

    @Actor
    public void owner1(III_Result r) {
      r.r1 = buffer.release() ? 1 : 0;
    }

    @Actor
    public void owner2(III_Result r) {
      r.r2 = buffer.release() ? 1 : 0;
    }

    @Arbiter
    public void count(III_Result r) {
      r.r3 = recycles.get();
    }
  }

  /** A retain racing the last release either wins (no recycle) or fails: never a resurrection. */
  @JCStressTest
  @Description("retain() racing the last release(): the retain succeeds and nothing is recycled, or it fails after the recycle.")
  @Outcome(id = "1, 0", expect = Expect.ACCEPTABLE, desc = "retain first: the count stays positive, no recycle")
  @Outcome(id = "0, 1", expect = Expect.ACCEPTABLE, desc = "release first: retain fails, recycled once")
  @Outcome(expect = Expect.FORBIDDEN, desc = "resurrected after recycle, or recycle lost")
  @State
  public static class RetainVersusRelease {
    final AtomicInteger recycles = new AtomicInteger();
    final Buffer buffer = Buffer.wrap(MemorySegments.allocateHeap(16), s -> recycles.incrementAndGet());

    @Actor
    public void retainer(II_Result r) {
      try {
        buffer.retain();
        r.r1 = 1;
      } catch (IllegalStateException e) {
        r.r1 = 0;
      }
    }

    @Actor
    public void releaser() {
      buffer.release();
    }

    @Arbiter
    public void count(II_Result r) {
      r.r2 = recycles.get();
    }
  }

  /** Bytes written by an owner before its release are visible to the thread that recycles. */
  @JCStressTest
  @Description("The recycler sees every byte the other owner wrote before releasing.")
  @Outcome(id = {"42, 1", "-1, 1"}, expect = Expect.ACCEPTABLE, desc = "recycled after both releases; writer's byte seen (or writer recycled)")
  @Outcome(expect = Expect.FORBIDDEN, desc = "the recycling thread missed the writer's byte")
  @State
  public static class WritesHappenBeforeRecycle {
    final AtomicInteger recycles = new AtomicInteger();
    final io.memflow.memory.MemorySegment segment = MemorySegments.allocateHeap(16);
    volatile int seenByRecycler = Integer.MIN_VALUE;
    final Buffer buffer = Buffer.wrap(segment, s -> recycles.incrementAndGet()).retain();

    @Actor
    public void writer() {
      buffer.segment().put(0, (byte) 42);
      if (buffer.release()) {
        seenByRecycler = -1;
      }
    }

    @Actor
    public void other() {
      if (buffer.release()) {
        seenByRecycler = segment.get(0);
      }
    }

    @Arbiter
    public void check(II_Result r) {
      r.r1 = seenByRecycler;
      r.r2 = recycles.get();
    }
  }
}
