package io.memflow.managed;

import static org.assertj.core.api.Assertions.assertThat;

import io.memflow.memory.MemorySegment;
import io.memflow.memory.MemorySegments;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Races between releases of the same memory: it must come back exactly once, without errors. */
class ConcurrentReleaseTest {

  static final int PAGE = 4096;
  static final int ROUNDS = 300;

  final long nativeAtStart = MemorySegments.offHeapBytesInUse();
  final MemoryManager manager = MemoryManager.builder().budget(4L * PAGE).pageSize(PAGE).build();
  final ExecutorService pool = Executors.newFixedThreadPool(2);
  final CyclicBarrier barrier = new CyclicBarrier(2);

  @AfterEach
  void closeAll() {
    pool.shutdownNow();
    manager.close();
    assertThat(MemorySegments.offHeapBytesInUse()).isEqualTo(nativeAtStart);
  }

  @Test
  void twoThreadsReleasingOnePageReturnItOnce() throws Exception {
    for (int i = 0; i < ROUNDS; i++) {
      MemorySegment page = manager.allocatePages("t", 1).get(0);
      race(() -> manager.release(page), () -> manager.release(page));
      assertThat(manager.availableMemory()).isEqualTo(4L * PAGE);
    }
  }

  @Test
  void releasingAPageWhileItsOwnerIsReleasedReturnsItOnce() throws Exception {
    for (int i = 0; i < ROUNDS; i++) {
      List<MemorySegment> pages = manager.allocatePages("t", 2);
      race(() -> manager.release(pages.get(0)), () -> manager.releaseAll("t"));
      assertThat(manager.availableMemory()).isEqualTo(4L * PAGE);
      assertThat(pages).allMatch(MemorySegment::isFreed);
    }
  }

  @Test
  void releasingAllOfAnOwnerWhileItAllocatesLosesNothing() throws Exception {
    for (int i = 0; i < ROUNDS; i++) {
      manager.allocatePages("t", 1);
      race(() -> manager.allocatePages("t", 2), () -> manager.releaseAll("t"));
      manager.releaseAll("t");
      assertThat(manager.verifyEmpty()).isTrue();
    }
  }

  interface Action {
    void run() throws Exception;
  }

  private void race(Action first, Action second) throws Exception {
    Future<?> a = pool.submit(() -> runAfterBarrier(first));
    Future<?> b = pool.submit(() -> runAfterBarrier(second));
    a.get(5, TimeUnit.SECONDS);
    b.get(5, TimeUnit.SECONDS);
  }

  private Void runAfterBarrier(Action action) throws Exception {
    barrier.await(5, TimeUnit.SECONDS);
    action.run();
    return null;
  }
}
