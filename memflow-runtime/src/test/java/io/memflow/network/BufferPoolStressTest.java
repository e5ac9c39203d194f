package io.memflow.network;

import static org.assertj.core.api.Assertions.assertThat;

import io.memflow.memory.MemorySegment;
import io.memflow.memory.MemorySegments;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Many threads, each with a succession of pools, request, hand over, recycle and destroy at
 * random for a bounded time. Checks: no segment is ever held by two owners (so no double
 * recycle and no double hand-out), every segment comes back, the off-heap memory is freed.
 */
class BufferPoolStressTest {

  private static final int THREADS = 6;
  private static final long MILLIS = 2_000;
  /** Small enough that pool creation is sometimes refused (6 threads x up to 8 required). */
  private static final int TOTAL = 24;

  private final Set<MemorySegment> held = Collections.synchronizedSet(Collections.newSetFromMap(new IdentityHashMap<>()));
  private final ConcurrentLinkedQueue<Buffer> handedOver = new ConcurrentLinkedQueue<>();
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private final AtomicLong operations = new AtomicLong();
  private final AtomicInteger insufficient = new AtomicInteger();
  private final AtomicInteger listenerDeliveries = new AtomicInteger();

  @Test
  void randomRequestsRecyclesAndDestroysLoseNothingAndRecycleNothingTwice() throws Exception {
    long offHeapBefore = MemorySegments.offHeapBytesInUse();
    NetworkBufferPool global = NetworkBufferPool.create(TOTAL, 4096);
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(MILLIS);
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < THREADS; i++) {
      Thread t = new Thread(() -> run(global, deadline), "stress-" + i);
      threads.add(t);
      t.start();
    }
    for (Thread t : threads) {
      t.join(MILLIS + 20_000);
      assertThat(t.isAlive()).as("%s finished (no deadlock)", t.getName()).isFalse();
    }
    for (Buffer b; (b = handedOver.poll()) != null; ) {
      release(b);
    }
    if (failure.get() != null) {
      throw new AssertionError("a worker failed", failure.get());
    }
    assertThat(held).isEmpty();
    assertThat(global.numberOfBufferPools()).isZero();
    assertThat(global.numberOfFreeSegments()).isEqualTo(TOTAL);
    global.destroy();
    assertThat(MemorySegments.offHeapBytesInUse()).isEqualTo(offHeapBefore);
    assertThat(operations.get()).isGreaterThan(1000);
    assertThat(insufficient.get()).as("some creations were refused").isPositive();
    System.out.printf("stress: %d operations, %d insufficient-buffer refusals, %d listener deliveries%n",
        operations.get(), insufficient.get(), listenerDeliveries.get());
  }

  private void run(NetworkBufferPool global, long deadline) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    List<Buffer> mine = new ArrayList<>();
    BufferPool pool = null;
    try {
      while (System.nanoTime() < deadline && failure.get() == null) {
        if (pool == null) {
          pool = tryCreate(global, random);
          continue;
        }
        step(pool, mine, random);
        operations.incrementAndGet();
        if (random.nextInt(200) == 0) {
          pool.destroy(); // buffers still held are released later, to the global pool
          pool = null;
        }
      }
    } catch (Throwable t) {
      failure.compareAndSet(null, t);
    } finally {
      mine.forEach(this::release);
      if (pool != null) {
        pool.destroy();
      }
    }
  }

  private BufferPool tryCreate(NetworkBufferPool global, ThreadLocalRandom random) {
    int required = 1 + random.nextInt(8);
    int max = required + random.nextInt(3) * random.nextInt(20);
    try {
      return global.bufferPool(required, max).subpartitions(2).maxBuffersPerSubpartition(3)
          .maxOverdraftBuffers(random.nextInt(3)).create();
    } catch (InsufficientNetworkBuffersException e) {
      insufficient.incrementAndGet();
      Thread.yield();
      return null;
    }
  }

  private void step(BufferPool pool, List<Buffer> mine, ThreadLocalRandom random) throws InterruptedException {
    switch (random.nextInt(7)) {
      case 0, 1 -> take(mine, pool.requestBuffer(random.nextInt(3) - 1));
      case 2 -> take(mine, pool.requestBufferBlocking(random.nextInt(3) - 1, random.nextInt(2), TimeUnit.MILLISECONDS));
      case 3 -> {
        if (!mine.isEmpty()) {
          release(mine.remove(random.nextInt(mine.size())));
        }
      }
      case 4 -> {
        if (!mine.isEmpty()) {
          handedOver.add(mine.remove(mine.size() - 1)); // another thread releases it
        }
        Buffer other = handedOver.poll();
        if (other != null) {
          release(other);
        }
      }
      case 5 -> listen(pool);
      default -> {
        if (mine.size() > 12) {
          while (!mine.isEmpty()) {
            release(mine.remove(0));
          }
        }
      }
    }
  }

  private void listen(BufferPool pool) {
    pool.addBufferListener(new BufferListener() {
      @Override
      public boolean notifyBufferAvailable(Buffer buffer) {
        listenerDeliveries.incrementAndGet();
        take(new ArrayList<>(), buffer);
        handedOver.add(buffer);
        return false;
      }

      @Override
      public void notifyBufferDestroyed() {}
    });
  }

  private void take(List<Buffer> mine, Buffer buffer) {
    if (buffer == null) {
      return;
    }
    if (!held.add(buffer.segment())) {
      throw new AssertionError("segment handed out twice: " + buffer);
    }
    mine.add(buffer);
  }

  private void release(Buffer buffer) {
    if (!held.remove(buffer.segment())) {
      throw new AssertionError("released a segment nobody held: " + buffer);
    }
    buffer.release();
  }
}
