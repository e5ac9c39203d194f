package io.memflow.stress;

import io.memflow.memory.MemoryType;
import io.memflow.network.Buffer;
import io.memflow.network.BufferListener;
import io.memflow.network.BufferPool;
import io.memflow.network.NetworkBufferPool;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * jcstress tests for the local buffer pool's lock-free spare: a buffer recycled without the lock
 * (parked in the spare) racing a locked operation that empties the free list is never stranded,
 * neither as a pool that reports itself unavailable while a buffer is free, nor as a listener
 * that waits while a buffer is free.
 *
 * <p>Both start from a pool of exactly two heap buffers (no overdraft): buffer {@code a} in use,
 * the other free, so the pool is available and a release of {@code a} may take the fast path.
 */
public final class BufferPoolSpareTests {

  private BufferPoolSpareTests() {}

  /** Two buffers, one in use ({@link #inUse}), one free; subpartition 0 exists. */
  abstract static class TwoBuffers {
    final BufferPool pool =
        NetworkBufferPool.create(2, 4096, MemoryType.HEAP)
            .bufferPool(2, 2)
            .subpartitions(1)
            .maxOverdraftBuffers(0)
            .create();
    final Buffer inUse;

    TwoBuffers() {
      inUse = pool.requestBuffer();
      pool.requestBuffer().release();
    }
  }

  /** The release of one buffer races a locked request that takes the other. */
  @JCStressTest
  @Description("A fast recycle racing a locked request: the pool ends available with the recycled buffer free.")
  @Outcome(id = "1, 1, 1", expect = Expect.ACCEPTABLE, desc = "request served, the recycled buffer free and the pool available")
  @Outcome(expect = Expect.FORBIDDEN, desc = "a free buffer stranded behind an unavailable pool, or a request refused")
  @State
  public static class RecycleVersusRequest extends TwoBuffers {

    @Actor
    public void recycler() {
      inUse.release();
    }

    @Actor
    public void requester(III_Result r) {
      r.r1 = pool.requestBuffer(0) != null ? 1 : 0;
    }

    @Arbiter
    public void state(III_Result r) {
      r.r2 = pool.isAvailable() ? 1 : 0;
      r.r3 = pool.numberOfAvailableBuffers();
    }
  }

  /** The release of one buffer races a thread that takes the other and then listens for more. */
  @JCStressTest
  @Description("A fast recycle racing request-then-listen: the listener either is not registered (a buffer is free) or gets the buffer.")
  @Outcome(id = "0, 0, 1", expect = Expect.ACCEPTABLE, desc = "recycled first: listener not registered, buffer free")
  @Outcome(id = "1, 1, 0", expect = Expect.ACCEPTABLE, desc = "listener registered first, then handed the recycled buffer")
  @Outcome(expect = Expect.FORBIDDEN, desc = "a listener waits while a buffer is free (lost wake-up), or a buffer lost")
  @State
  public static class RecycleVersusListener extends TwoBuffers {
    volatile int delivered;

    @Actor
    public void recycler() {
      inUse.release();
    }

    @Actor
    public void listener(III_Result r) {
      pool.requestBuffer(0);
      r.r1 = pool.addBufferListener(new BufferListener() {
        @Override
        public boolean notifyBufferAvailable(Buffer buffer) {
          delivered = 1;
          return false;
        }

        @Override
        public void notifyBufferDestroyed() {}
      }) ? 1 : 0;
    }

    @Arbiter
    public void state(III_Result r) {
      r.r2 = delivered;
      r.r3 = pool.numberOfAvailableBuffers();
    }
  }
}
