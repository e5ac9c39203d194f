package io.memflow.stress;

import io.memflow.memory.MemorySegments;
import io.memflow.network.Buffer;
import io.memflow.network.BufferBuilder;
import io.memflow.network.BufferConsumer;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;
import org.openjdk.jcstress.infra.results.II_Result;

/** jcstress tests for the {@link BufferBuilder} to {@link BufferConsumer} position hand-off. */
public final class BuilderConsumerTests {

  private BuilderConsumerTests() {}

  private static final byte[] FIRST = {1, 2, 3, 4};
  private static final byte[] SECOND = {5, 6, 7, 8};
  private static final byte[] THIRD = {9, 10, 11, 12};
  private static final byte[] FOURTH = {13, 14, 15, 16};

  /** Returns 1 if {@code slice} holds {@code first, first + 1, ...}, else 0. */
  static int holdsFrom(Buffer slice, int first) {
    for (int i = 0; i < slice.size(); i++) {
      if (slice.getByte(i) != first + i) {
        return 0;
      }
    }
    return 1;
  }

  /** Returns 1 if {@code slice} holds the prefix of 1, 2, 3, ... of its size, else 0. */
  static int intact(Buffer slice) {
    for (int i = 0; i < slice.size(); i++) {
      if (slice.getByte(i) != i + 1) {
        return 0;
      }
    }
    return 1;
  }

  /** The reader sees 0, 4 or 8 committed bytes, and every byte it sees is the written one. */
  @JCStressTest
  @Description("A consumer sees only committed bytes, and sees them fully written.")
  @Outcome(id = {"0, 1", "4, 1", "8, 1"}, expect = Expect.ACCEPTABLE, desc = "a committed prefix, intact")
  @Outcome(expect = Expect.FORBIDDEN, desc = "uncommitted bytes or stale contents seen")
  @State
  public static class CommittedBytesAreVisible {
    final BufferBuilder builder =
        new BufferBuilder(Buffer.wrap(MemorySegments.allocateHeap(4096), s -> {}));
    final BufferConsumer consumer = builder.createBufferConsumer();

    @Actor
    public void writer() {
      builder.append(FIRST, 0, 4);
      builder.commit();
      builder.append(SECOND, 0, 4);
      builder.commit();
    }

    @Actor
    public void reader(II_Result r) {
      Buffer slice = consumer.build();
      r.r1 = slice.size();
      r.r2 = intact(slice);
    }
  }

  /** Once the reader sees "finished", it sees every byte written before finish(). */
  @JCStressTest
  @Description("finish() publishes the final position with the bytes before it.")
  @Outcome(id = {"0, 0", "0, 4", "0, 8", "1, 8"}, expect = Expect.ACCEPTABLE, desc = "not finished yet, or finished with all 8 bytes")
  @Outcome(expect = Expect.FORBIDDEN, desc = "finished but bytes missing")
  @State
  public static class FinishPublishesEverything {
    final BufferBuilder builder =
        new BufferBuilder(Buffer.wrap(MemorySegments.allocateHeap(4096), s -> {}));
    final BufferConsumer consumer = builder.createBufferConsumer();

    @Actor
    public void writer() {
      builder.append(FIRST, 0, 4);
      builder.commit();
      builder.append(SECOND, 0, 4);
      builder.finish();
    }

    @Actor
    public void reader(II_Result r) {
      boolean finished = consumer.isFinished();
      Buffer slice = consumer.build();
      r.r1 = finished ? 1 : 0;
      r.r2 = intact(slice) == 1 ? slice.size() : -1;
    }
  }

  /**
   * A slice released on one thread while the consumer builds on another, with a released slice
   * already in the consumer's spare slot: the slot (filled by releases without a CAS) never hands
   * out a slice that is still in use.
   */
  @JCStressTest
  @Description("A slice released concurrently with build(): every live slice is a distinct object with its own bytes and reference.")
  @Outcome(id = "1, 1, 4", expect = Expect.ACCEPTABLE, desc = "two distinct live slices over their own bytes, four references")
  @Outcome(expect = Expect.FORBIDDEN, desc = "a slice handed out twice, wrong bytes, or a reference lost")
  @State
  public static class SliceReleaseVersusBuild {
    final BufferBuilder builder =
        new BufferBuilder(Buffer.wrap(MemorySegments.allocateHeap(4096), s -> {}));
    final BufferConsumer consumer = builder.createBufferConsumer();
    final Buffer first;
    Buffer third;

    public SliceReleaseVersusBuild() {
      builder.append(FIRST, 0, 4);
      builder.commit();
      first = consumer.build();
      builder.append(SECOND, 0, 4);
      builder.commit();
      consumer.build().release(); // the spare slot now holds this slice
      builder.append(THIRD, 0, 4);
      builder.commit();
    }

    @Actor
    public void release() {
      first.release();
    }

    @Actor
    public void build() {
      third = consumer.build();
    }

    @Arbiter
    public void check(III_Result r) {
      builder.append(FOURTH, 0, 4);
      builder.commit();
      Buffer fourth = consumer.build();
      r.r1 = third != fourth ? 1 : 0;
      r.r2 = third.size() == 4 && fourth.size() == 4 ? holdsFrom(third, 9) & holdsFrom(fourth, 13) : 0;
      r.r3 = fourth.refCount();
    }
  }
}
