package io.memflow.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.memflow.memory.MemorySegment;
import io.memflow.memory.MemorySegments;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LocalBufferPoolTest {

  private static final int SIZE = 4096;
  private long offHeapBefore;
  private NetworkBufferPool global;

  @BeforeEach
  void start() {
    offHeapBefore = MemorySegments.offHeapBytesInUse();
    global = NetworkBufferPool.create(20, SIZE);
  }

  @AfterEach
  void everythingComesBack() {
    global.destroy();
    assertThat(MemorySegments.offHeapBytesInUse()).isEqualTo(offHeapBefore);
  }

  private BufferPool pool(int required, int max) {
    return global.bufferPool(required, max).maxOverdraftBuffers(0).create();
  }

  private static List<Buffer> drain(BufferPool pool) {
    List<Buffer> out = new ArrayList<>();
    for (Buffer b; (b = pool.requestBuffer()) != null; ) {
      out.add(b);
    }
    return out;
  }

  private static void releaseAll(List<Buffer> buffers) {
    buffers.forEach(Buffer::release);
  }

  // ---------------------------------------------------------------- requests and recycling

  @Test
  void segmentsAreRequestedFromTheGlobalPoolLazily() {
    BufferPool pool = pool(5, 5);
    // at most one segment is fetched ahead, so that the pool can report itself available
    assertThat(pool.numberOfRequestedBuffers()).isEqualTo(1);
    assertThat(pool.isAvailable()).isTrue();
    Buffer b = pool.requestBuffer();
    assertThat(b.capacity()).isEqualTo(SIZE);
    assertThat(pool.numberOfRequestedBuffers()).isEqualTo(2);
    assertThat(global.numberOfFreeSegments()).isEqualTo(18);
    b.release();
    pool.destroy();
  }

  @Test
  void aRequestGetsTheBufferRecycledLast() {
    BufferPool pool = pool(3, 3);
    List<Buffer> got = drain(pool);
    List<MemorySegment> segments = got.stream().map(Buffer::segment).toList();
    releaseAll(got); // in order: the first to the free list, the second parked as the spare, the third locked
    List<Buffer> again = drain(pool);
    assertThat(again).extracting(Buffer::segment).containsExactly(segments.get(2), segments.get(1), segments.get(0));
    releaseAll(again);
    pool.destroy();
  }

  @Test
  void requestBufferReturnsNullWhenThePoolIsExhausted() {
    BufferPool pool = pool(3, 3);
    List<Buffer> got = drain(pool);
    assertThat(got).hasSize(3);
    assertThat(pool.requestBuffer()).isNull();
    assertThat(pool.isAvailable()).isFalse();
    releaseAll(got);
    assertThat(pool.isAvailable()).isTrue();
    assertThat(pool.numberOfAvailableBuffers()).isEqualTo(3);
    pool.destroy();
  }

  @Test
  void recycledBuffersAreReusedWithoutTouchingTheGlobalPool() {
    BufferPool pool = pool(2, 2);
    Buffer b = pool.requestBuffer();
    var segment = b.segment();
    b.release();
    int free = global.numberOfFreeSegments();
    Buffer again = pool.requestBuffer();
    assertThat(global.numberOfFreeSegments()).isEqualTo(free);
    assertThat(List.of(segment)).isNotEmpty();
    again.release();
    pool.destroy();
  }

  // ---------------------------------------------------------------- overdraft

  @Test
  void overdraftBuffersAreLentBeyondThePoolSizeAndGoBackFirst() {
    BufferPool pool = global.bufferPool(2, 2).maxOverdraftBuffers(3).create();
    List<Buffer> got = drain(pool);
    assertThat(got).hasSize(5);
    assertThat(pool.numberOfOverdraftBuffers()).isEqualTo(3);
    assertThat(pool.numberOfRequestedBuffers()).isEqualTo(2);
    assertThat(global.numberOfFreeSegments()).isEqualTo(15);
    got.get(0).release();
    assertThat(pool.numberOfOverdraftBuffers()).isEqualTo(2);
    assertThat(global.numberOfFreeSegments()).isEqualTo(16);
    assertThat(pool.numberOfAvailableBuffers()).isZero();
    releaseAll(got.subList(1, 5));
    assertThat(pool.numberOfOverdraftBuffers()).isZero();
    assertThat(pool.numberOfAvailableBuffers()).isEqualTo(2);
    pool.destroy();
  }

  @Test
  void overdraftIsOnlyUsedOnceThePoolSizeIsReached() {
    BufferPool other = pool(18, 18);
    List<Buffer> hog = drain(other); // 18 of 20
    BufferPool pool = global.bufferPool(2, 2).maxOverdraftBuffers(5).create();
    List<Buffer> got = drain(pool);
    assertThat(got).hasSize(2);
    assertThat(pool.numberOfOverdraftBuffers()).isZero();
    releaseAll(hog);
    other.destroy();
    List<Buffer> more = drain(pool);
    assertThat(more).hasSize(5);
    assertThat(pool.numberOfOverdraftBuffers()).isEqualTo(5);
    releaseAll(got);
    releaseAll(more);
    pool.destroy();
  }

  @Test
  void theDefaultOverdraftIsFlinks20() {
    NetworkBufferPool big = NetworkBufferPool.create(40, SIZE, io.memflow.memory.MemoryType.HEAP);
    BufferPool pool = big.createBufferPool(1, 1);
    List<Buffer> got = drain(pool);
    assertThat(got).hasSize(21);
    releaseAll(got);
    pool.destroy();
    big.destroy();
  }

  // ---------------------------------------------------------------- subpartitions

  @Test
  void aSubpartitionAtItsMaximumMakesThePoolUnavailable() {
    BufferPool pool = global.bufferPool(10, 10).subpartitions(2).maxBuffersPerSubpartition(3).maxOverdraftBuffers(0).create();
    List<Buffer> sub0 = new ArrayList<>();
    sub0.add(pool.requestBuffer(0));
    sub0.add(pool.requestBuffer(0));
    assertThat(pool.isAvailable()).isTrue();
    sub0.add(pool.requestBuffer(0));
    assertThat(pool.isAvailable()).isFalse();
    CompletableFuture<Void> future = pool.availableFuture();
    assertThat(future).isNotDone();
    // the limit is a signal, not a refusal
    Buffer fourth = pool.requestBuffer(0);
    assertThat(fourth).isNotNull();
    Buffer other = pool.requestBuffer(1);
    fourth.release();
    assertThat(pool.isAvailable()).isFalse();
    sub0.get(0).release();
    assertThat(pool.isAvailable()).isTrue();
    assertThat(future).isDone();
    other.release();
    releaseAll(sub0.subList(1, 3));
    pool.destroy();
  }

  @Test
  void subpartitionDefaultsToTen() {
    BufferPool pool = global.bufferPool(15, 15).subpartitions(1).maxOverdraftBuffers(0).create();
    List<Buffer> got = new ArrayList<>();
    for (int i = 0; i < 9; i++) {
      got.add(pool.requestBuffer(0));
    }
    assertThat(pool.isAvailable()).isTrue();
    got.add(pool.requestBuffer(0));
    assertThat(pool.isAvailable()).isFalse();
    releaseAll(got);
    pool.destroy();
  }

  @Test
  void anUnknownSubpartitionIsRejected() {
    BufferPool pool = global.bufferPool(1, 1).subpartitions(2).create();
    assertThatThrownBy(() -> pool.requestBuffer(2)).hasMessage("subpartition=2 must be -1 (none) or in [0, 2)");
    assertThatThrownBy(() -> pool.requestBuffer(-2)).isInstanceOf(IndexOutOfBoundsException.class);
    pool.destroy();
  }

  // ---------------------------------------------------------------- availability and blocking

  @Test
  void theAvailabilityFutureCompletesWhenABufferComesBack() {
    BufferPool pool = pool(1, 1);
    Buffer b = pool.requestBuffer();
    CompletableFuture<Void> future = pool.availableFuture();
    assertThat(future).isNotDone();
    future.complete(null); // a copy: completing it does not change the pool
    assertThat(pool.isAvailable()).isFalse();
    CompletableFuture<Void> real = pool.availableFuture();
    b.release();
    assertThat(real).isDone();
    pool.destroy();
  }

  @Test
  void blockingRequestWaitsForARecycledBuffer() throws Exception {
    BufferPool pool = pool(1, 1);
    Buffer b = pool.requestBuffer();
    AtomicReference<Buffer> got = new AtomicReference<>();
    Thread waiter = new Thread(() -> {
      try {
        got.set(pool.requestBufferBlocking(BufferPool.NO_SUBPARTITION));
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
    });
    waiter.start();
    awaitWaiting(waiter);
    assertThat(got.get()).isNull();
    b.release();
    waiter.join(5000);
    assertThat(got.get()).isNotNull();
    got.get().release();
    pool.destroy();
  }

  @Test
  void blockingRequestTimesOutWithNull() throws Exception {
    BufferPool pool = pool(1, 1);
    Buffer b = pool.requestBuffer();
    long start = System.nanoTime();
    assertThat(pool.requestBufferBlocking(BufferPool.NO_SUBPARTITION, 50, TimeUnit.MILLISECONDS)).isNull();
    assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(50));
    assertThat(pool.requestBufferBlocking(BufferPool.NO_SUBPARTITION, 0, TimeUnit.MILLISECONDS)).isNull();
    b.release();
    Buffer again = pool.requestBufferBlocking(BufferPool.NO_SUBPARTITION, 10, TimeUnit.MILLISECONDS);
    assertThat(again).isNotNull();
    again.release();
    pool.destroy();
  }

  @Test
  void interruptingABlockedRequestThrowsInterruptedException() throws Exception {
    BufferPool pool = pool(1, 1);
    Buffer b = pool.requestBuffer();
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    Thread waiter = new Thread(() -> {
      try {
        pool.requestBufferBlocking(BufferPool.NO_SUBPARTITION);
      } catch (Throwable t) {
        thrown.set(t);
      }
    });
    waiter.start();
    awaitWaiting(waiter);
    waiter.interrupt();
    waiter.join(5000);
    assertThat(thrown.get()).isInstanceOf(InterruptedException.class);
    // nothing leaked: the buffer is still the only one out
    assertThat(pool.numberOfRequestedBuffers()).isEqualTo(1);
    b.release();
    pool.destroy();
  }

  @Test
  void aRequestByAnInterruptedThreadFailsAtOnceIfItMustWait() {
    BufferPool pool = pool(1, 1);
    Buffer b = pool.requestBuffer();
    Thread.currentThread().interrupt();
    assertThatThrownBy(() -> pool.requestBufferBlocking(BufferPool.NO_SUBPARTITION))
        .isInstanceOf(InterruptedException.class);
    assertThat(Thread.interrupted()).isFalse();
    b.release();
    pool.destroy();
  }

  @Test
  void destroyFailsWaitingRequests() throws Exception {
    BufferPool pool = pool(1, 1);
    Buffer b = pool.requestBuffer();
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    Thread waiter = new Thread(() -> {
      try {
        pool.requestBufferBlocking(BufferPool.NO_SUBPARTITION);
      } catch (Throwable t) {
        thrown.set(t);
      }
    });
    waiter.start();
    awaitWaiting(waiter);
    pool.destroy();
    waiter.join(5000);
    assertThat(thrown.get()).isInstanceOf(IllegalStateException.class).hasMessageContaining("destroyed");
    assertThatThrownBy(pool::requestBuffer).isInstanceOf(IllegalStateException.class);
    assertThat(pool.isAvailable()).isTrue();
    b.release(); // goes straight back to the global pool
    assertThat(global.numberOfFreeSegments()).isEqualTo(20);
  }

  @Test
  void destroyReturnsFreeSegmentsAtOnceAndIsIdempotent() {
    BufferPool pool = pool(5, 5);
    List<Buffer> got = drain(pool);
    Buffer kept = got.remove(0);
    releaseAll(got);
    assertThat(global.numberOfFreeSegments()).isEqualTo(15);
    pool.destroy();
    pool.destroy();
    assertThat(pool.isDestroyed()).isTrue();
    assertThat(global.numberOfFreeSegments()).isEqualTo(19);
    assertThat(global.numberOfBufferPools()).isZero();
    kept.release();
    assertThat(global.numberOfFreeSegments()).isEqualTo(20);
  }

  @Test
  void aPoolWaitingForTheGlobalPoolIsServedWhenAnotherPoolGivesBack() throws Exception {
    BufferPool a = pool(5, 20);
    BufferPool b = pool(5, 20);
    assertThat(a.poolSize()).isEqualTo(10);
    List<Buffer> fromA = drain(a);
    List<Buffer> fromB = drain(b);
    assertThat(fromA).hasSize(10);
    assertThat(fromB).hasSize(10);
    CompletableFuture<Void> aAvailable = a.availableFuture();
    // excess 9 now: a and b shrink to 9 and 10, c gets its 1 but all 20 are out
    BufferPool c = pool(1, 1);
    assertThat(a.poolSize()).isEqualTo(9);
    assertThat(c.requestBuffer()).isNull();
    CompletableFuture<Void> cAvailable = c.availableFuture();
    assertThat(cAvailable).isNotDone();
    fromA.get(0).release(); // a is above its size: the segment goes to the global pool, then to c
    assertThat(cAvailable).isDone();
    Buffer forC = c.requestBuffer();
    assertThat(forC).isNotNull();
    assertThat(aAvailable).isNotDone();
    forC.release();
    releaseAll(fromA.subList(1, 10));
    releaseAll(fromB);
    a.destroy();
    b.destroy();
    c.destroy();
  }

  // ---------------------------------------------------------------- listeners

  @Test
  void aListenerGetsTheNextRecycledBuffer() {
    BufferPool pool = pool(1, 1);
    Buffer b = pool.requestBuffer();
    List<Buffer> received = new ArrayList<>();
    assertThat(pool.addBufferListener(listener(received, false))).isTrue();
    b.release();
    assertThat(received).hasSize(1);
    assertThat(pool.numberOfAvailableBuffers()).isZero();
    received.get(0).release();
    assertThat(pool.numberOfAvailableBuffers()).isEqualTo(1);
    pool.destroy();
  }

  @Test
  void addingAListenerWhileBuffersAreFreeReturnsFalse() {
    BufferPool pool = pool(2, 2);
    Buffer b = pool.requestBuffer();
    assertThat(pool.addBufferListener(listener(new ArrayList<>(), false))).isFalse();
    b.release();
    pool.destroy();
    assertThat(pool.addBufferListener(listener(new ArrayList<>(), false))).isFalse();
  }

  @Test
  void aListenerThatWantsMoreStaysRegistered() {
    BufferPool pool = pool(2, 2);
    List<Buffer> got = drain(pool);
    List<Buffer> received = new ArrayList<>();
    pool.addBufferListener(listener(received, true));
    releaseAll(got);
    assertThat(received).hasSize(2);
    releaseAll(new ArrayList<>(received));
    assertThat(received).hasSize(4); // it takes them back again, as it keeps asking
    AtomicInteger destroyed = new AtomicInteger();
    // destroy tells the still-registered listener
    BufferPool p2 = pool(1, 1);
    Buffer x = p2.requestBuffer();
    p2.addBufferListener(new BufferListener() {
      @Override
      public boolean notifyBufferAvailable(Buffer buffer) {
        return true;
      }

      @Override
      public void notifyBufferDestroyed() {
        destroyed.incrementAndGet();
      }
    });
    p2.destroy();
    assertThat(destroyed).hasValue(1);
    x.release();
    pool.destroy();
    received.subList(2, 4).forEach(Buffer::release);
  }

  @Test
  void listenersAreCalledOutsideTheLockSoTheyMayReenterThePool() throws Exception {
    BufferPool pool = pool(2, 2);
    List<Buffer> got = drain(pool);
    List<Buffer> reentrant = new ArrayList<>();
    CountDownLatch otherThreadDone = new CountDownLatch(1);
    pool.addBufferListener(new BufferListener() {
      @Override
      public boolean notifyBufferAvailable(Buffer buffer) {
        // re-entry from the notifying thread: request, recycle, query
        reentrant.add(buffer);
        assertThat(pool.requestBuffer()).isNull();
        assertThat(pool.isAvailable()).isFalse();
        // another thread can take the pool's lock while we are inside the callback
        Thread t = new Thread(() -> {
          pool.numberOfAvailableBuffers();
          otherThreadDone.countDown();
        });
        t.start();
        try {
          assertThat(otherThreadDone.await(5, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
          throw new AssertionError(e);
        }
        buffer.release(); // recycling from inside the callback
        return false;
      }

      @Override
      public void notifyBufferDestroyed() {}
    });
    got.get(0).release();
    assertThat(reentrant).hasSize(1);
    assertThat(pool.numberOfAvailableBuffers()).isEqualTo(1);
    got.get(1).release();
    pool.destroy();
  }

  @Test
  void aListenerMayDestroyThePoolFromItsCallback() {
    BufferPool pool = pool(1, 1);
    Buffer b = pool.requestBuffer();
    pool.addBufferListener(new BufferListener() {
      @Override
      public boolean notifyBufferAvailable(Buffer buffer) {
        pool.destroy();
        buffer.release();
        return true;
      }

      @Override
      public void notifyBufferDestroyed() {}
    });
    b.release();
    assertThat(pool.isDestroyed()).isTrue();
    assertThat(global.numberOfFreeSegments()).isEqualTo(20);
  }

  @Test
  void aThrowingListenerDoesNotLeakItsBuffer() {
    BufferPool pool = pool(1, 1);
    Buffer b = pool.requestBuffer();
    pool.addBufferListener(new BufferListener() {
      @Override
      public boolean notifyBufferAvailable(Buffer buffer) {
        throw new IllegalArgumentException("boom");
      }

      @Override
      public void notifyBufferDestroyed() {}
    });
    assertThatThrownBy(b::release).hasMessage("boom");
    assertThat(pool.numberOfAvailableBuffers()).isEqualTo(1);
    pool.destroy();
  }

  @Test
  void destroyNotifiesWaitingListeners() {
    BufferPool pool = pool(1, 1);
    Buffer b = pool.requestBuffer();
    AtomicInteger destroyed = new AtomicInteger();
    List<Buffer> received = new ArrayList<>();
    pool.addBufferListener(new BufferListener() {
      @Override
      public boolean notifyBufferAvailable(Buffer buffer) {
        received.add(buffer);
        return false;
      }

      @Override
      public void notifyBufferDestroyed() {
        destroyed.incrementAndGet();
      }
    });
    pool.destroy();
    assertThat(destroyed).hasValue(1);
    b.release();
    assertThat(received).isEmpty();
  }

  // ---------------------------------------------------------------- builders

  @Test
  void bufferBuildersComeFromThePoolAndGoBackWhenEveryReferenceIsReleased() {
    BufferPool pool = global.bufferPool(1, 1).subpartitions(1).maxOverdraftBuffers(0).create();
    BufferBuilder builder = pool.requestBufferBuilder(0);
    BufferConsumer consumer = builder.createBufferConsumer();
    assertThat(pool.requestBufferBuilder(0)).isNull();
    builder.append(new byte[] {1, 2, 3}, 0, 3);
    builder.finish();
    builder.close();
    Buffer slice = consumer.build();
    consumer.close();
    assertThat(pool.numberOfAvailableBuffers()).isZero();
    slice.release();
    assertThat(pool.numberOfAvailableBuffers()).isEqualTo(1);
    pool.destroy();
  }

  @Test
  void aRecycledBufferObjectIsLeasedAgainFreshAndAStaleReleaseWhileIdleThrows() {
    BufferPool pool = pool(2, 2);
    Buffer first = pool.requestBuffer();
    first.writeBytes(new byte[] {1, 2, 3}, 0, 3);
    first.setReaderIndex(1);
    first.setDataType(Buffer.DataType.EVENT);
    first.release();
    assertThatThrownBy(first::release).isInstanceOf(IllegalStateException.class).hasMessageContaining("recycled");
    assertThatThrownBy(first::segment).isInstanceOf(IllegalStateException.class);
    assertThat(pool.numberOfAvailableBuffers()).isEqualTo(2);

    Buffer again = pool.requestBuffer();
    assertThat(again).isSameAs(first); // pooled: no allocation per request
    assertThat(again.refCount()).isEqualTo(1);
    assertThat(again.readerIndex()).isZero();
    assertThat(again.writerIndex()).isZero();
    assertThat(again.isData()).isTrue();
    again.release();
    pool.destroy();
  }

  @Test
  void aPooledBuilderAndItsConsumerStartAfreshOnTheirNextLease() {
    BufferPool pool = pool(1, 1);
    BufferBuilder builder = pool.requestBufferBuilder(BufferPool.NO_SUBPARTITION);
    BufferConsumer consumer = builder.createBufferConsumer();
    builder.append(new byte[] {1, 2, 3}, 0, 3);
    builder.finish();
    Buffer slice = consumer.build();
    assertThat(slice.readableBytes()).isEqualTo(3);
    slice.release();
    builder.close();
    assertThat(consumer.isFullyConsumed()).isTrue();
    consumer.close();
    assertThat(pool.numberOfAvailableBuffers()).isEqualTo(1);

    BufferBuilder again = pool.requestBufferBuilder(BufferPool.NO_SUBPARTITION);
    assertThat(again).isSameAs(builder);
    assertThat(again.writtenBytes()).isZero();
    assertThat(again.isFinished()).isFalse();
    assertThat(again.capacity()).isEqualTo(SIZE);
    BufferConsumer next = again.createBufferConsumer();
    assertThat(next).isSameAs(consumer);
    assertThat(next.isFinished()).isFalse();
    assertThat(next.isDataAvailable()).isFalse();
    again.append(new byte[] {9}, 0, 1);
    again.commit();
    Buffer nextSlice = next.build();
    assertThat(nextSlice.offset()).isZero();
    assertThat(nextSlice.getByte(0)).isEqualTo((byte) 9);
    assertThat(nextSlice.readableBytes()).isEqualTo(1);
    nextSlice.release();
    again.close();
    next.close();
    assertThat(pool.numberOfAvailableBuffers()).isEqualTo(1);
    pool.destroy();
  }

  @Test
  void aBufferCountedAgainstASubpartitionIsNotCountedOnItsNextLease() {
    BufferPool pool = global.bufferPool(4, 4).subpartitions(1).maxBuffersPerSubpartition(1)
        .maxOverdraftBuffers(0).create();
    Buffer counted = pool.requestBuffer(0);
    assertThat(pool.isAvailable()).isFalse(); // subpartition 0 holds its maximum
    counted.release();
    assertThat(pool.isAvailable()).isTrue();
    List<Buffer> all = drain(pool); // leases without a subpartition, the recycled one among them
    assertThat(all).hasSize(4);
    releaseAll(all);
    assertThat(pool.isAvailable()).isTrue();
    Buffer again = pool.requestBuffer(0);
    assertThat(pool.isAvailable()).isFalse();
    again.release();
    pool.destroy();
  }

  @Test
  void theParkedBufferCountsAsFreeAndGoesBackOnShrinkAndDestroy() {
    BufferPool pool = global.bufferPool(1, 20).maxOverdraftBuffers(0).create();
    Buffer a = pool.requestBuffer();
    Buffer b = pool.requestBuffer();
    b.release(); // a third was fetched lazily, so the free list is not empty: a may be parked
    a.release();
    assertThat(pool.numberOfRequestedBuffers()).isEqualTo(3);
    assertThat(pool.numberOfAvailableBuffers()).isEqualTo(3);
    BufferPool other = pool(18, 18); // shrinks the first pool to 2: its 1 plus the one spare segment
    assertThat(pool.poolSize()).isEqualTo(2);
    assertThat(pool.numberOfRequestedBuffers()).isEqualTo(2);
    assertThat(pool.numberOfAvailableBuffers()).isEqualTo(2);
    assertThat(global.numberOfFreeSegments() + pool.numberOfRequestedBuffers() + other.numberOfRequestedBuffers())
        .isEqualTo(20);
    other.destroy();
    Buffer c = pool.requestBuffer();
    c.release();
    pool.destroy();
    assertThat(global.numberOfFreeSegments()).isEqualTo(20);
  }

  @Test
  void blockingRequestsOnASmallPoolNeverMissARecycledBuffer() throws Exception {
    BufferPool pool = global.bufferPool(2, 2).maxOverdraftBuffers(0).create();
    int threads = 4;
    int rounds = 20_000;
    AtomicReference<Throwable> failure = new AtomicReference<>();
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      Thread w = new Thread(() -> {
        try {
          for (int i = 0; i < rounds; i++) {
            Buffer b = pool.requestBufferBlocking(BufferPool.NO_SUBPARTITION, 10, TimeUnit.SECONDS);
            if (b == null) {
              throw new AssertionError("a blocking request waited 10 s on a pool of two buffers");
            }
            b.release();
          }
        } catch (Throwable e) {
          failure.compareAndSet(null, e);
        }
      });
      workers.add(w);
      w.start();
    }
    for (Thread w : workers) {
      w.join(60_000);
      assertThat(w.isAlive()).isFalse();
    }
    assertThat(failure.get()).isNull();
    assertThat(pool.numberOfAvailableBuffers()).isEqualTo(2);
    assertThat(pool.isAvailable()).isTrue();
    pool.destroy();
  }

  private static BufferListener listener(List<Buffer> received, boolean wantsMore) {
    return new BufferListener() {
      @Override
      public boolean notifyBufferAvailable(Buffer buffer) {
        received.add(buffer);
        return wantsMore;
      }

      @Override
      public void notifyBufferDestroyed() {}
    };
  }

  static void awaitWaiting(Thread t) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (t.getState() != Thread.State.WAITING && t.getState() != Thread.State.TIMED_WAITING) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("thread did not block: " + t.getState());
      }
      Thread.sleep(1);
    }
  }
}
