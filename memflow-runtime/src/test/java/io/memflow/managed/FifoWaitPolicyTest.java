package io.memflow.managed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.memflow.memory.MemorySegment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FifoWaitPolicyTest {

  static final int PAGE = 4096;

  MemoryManager manager = manager(Duration.ofSeconds(10));
  final List<MemoryManager> replaced = new ArrayList<>();
  final List<Thread> threads = new ArrayList<>();

  static MemoryManager manager(Duration maxWait) {
    return MemoryManager.builder()
        .budget(8L * PAGE)
        .pageSize(PAGE)
        .policy(AllocationPolicy.FIFO_WAIT)
        .maxWait(maxWait)
        .build();
  }

  @AfterEach
  void cleanUp() throws InterruptedException {
    for (Thread thread : threads) {
      thread.join(5_000);
    }
    manager.close();
    replaced.forEach(MemoryManager::close);
  }

  void replaceManager(Duration maxWait) {
    replaced.add(manager);
    manager = manager(maxWait);
  }

  /** Requests {@code pages} for {@code owner} in a new thread; the future completes with them. */
  CompletableFuture<List<MemorySegment>> request(Object owner, int pages) {
    CompletableFuture<List<MemorySegment>> result = new CompletableFuture<>();
    Thread thread = Thread.ofPlatform().name("request-" + owner).start(() -> {
      try {
        result.complete(manager.allocatePages(owner, pages));
      } catch (Throwable t) {
        result.completeExceptionally(t);
      }
    });
    threads.add(thread);
    return result;
  }

  void awaitWaiting(int count) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (manager.metrics().waitingRequests() != count) {
      assertThat(System.nanoTime()).as("waiting requests never reached %d", count).isLessThan(deadline);
      Thread.sleep(1);
    }
  }

  @Test
  void aWaitingRequestIsServedWhenMemoryReturns() throws Exception {
    List<MemorySegment> held = manager.allocatePages("a", 8);
    CompletableFuture<List<MemorySegment>> waiting = request("b", 2);
    awaitWaiting(1);
    assertThat(waiting).isNotDone();

    manager.release(held.subList(0, 2));

    assertThat(waiting.get(5, TimeUnit.SECONDS)).hasSize(2);
    assertThat(manager.metrics().waitingRequests()).isZero();
    manager.releaseAll("a");
    manager.releaseAll("b");
  }

  @Test
  void aRequestTimesOutAfterTheMaximumWaitHavingTakenNothing() throws Exception {
    replaceManager(Duration.ofMillis(100));
    manager.allocatePages("a", 7);
    long start = System.nanoTime();

    assertThatThrownBy(() -> manager.allocatePages("b", 2))
        .isInstanceOf(MemoryAllocationException.class)
        .hasMessageContaining("timed out after 100 ms")
        .hasMessageContaining("requested=8192 available=4096");
    assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(100));
    assertThat(manager.metrics().waitingRequests()).isZero();
    assertThat(manager.availableMemory()).isEqualTo(PAGE);
    manager.releaseAll("a");
  }

  @Test
  void aZeroWaitFailsAtOnce() throws Exception {
    replaceManager(Duration.ZERO);
    manager.allocatePages("a", 8);
    assertThatThrownBy(() -> manager.allocatePages("b", 1)).hasMessageContaining("timed out after 0 ms");
    manager.releaseAll("a");
  }

  @Test
  void anInterruptEndsTheWaitKeepsTheFlagAndTakesNothing() throws Exception {
    manager.allocatePages("a", 8);
    CompletableFuture<Boolean> flagAfterFailure = new CompletableFuture<>();
    CompletableFuture<Throwable> failure = new CompletableFuture<>();
    Thread waiter = Thread.ofPlatform().start(() -> {
      try {
        manager.allocatePages("b", 1);
      } catch (MemoryAllocationException e) {
        flagAfterFailure.complete(Thread.currentThread().isInterrupted());
        failure.complete(e);
      }
    });
    threads.add(waiter);
    awaitWaiting(1);

    waiter.interrupt();

    assertThat(failure.get(5, TimeUnit.SECONDS))
        .hasMessageContaining("interrupted while waiting")
        .hasCauseInstanceOf(InterruptedException.class);
    assertThat(flagAfterFailure.get()).isTrue();
    assertThat(manager.metrics().waitingRequests()).isZero();
    manager.releaseAll("a");
    assertThat(manager.verifyEmpty()).isTrue();
  }

  @Test
  void aLaterSmallRequestDoesNotOvertakeAnEarlierLargeOne() throws Exception {
    List<MemorySegment> held = new ArrayList<>(manager.allocatePages("a", 8));
    CompletableFuture<List<MemorySegment>> large = request("large", 4);
    awaitWaiting(1);
    CompletableFuture<List<MemorySegment>> small = request("small", 1);
    awaitWaiting(2);

    releaseFirst(held, 2); // 2 free: the small one would fit, but the large one is first
    Thread.sleep(50);
    assertThat(large).isNotDone();
    assertThat(small).isNotDone();
    assertThat(manager.availableMemory()).isEqualTo(2L * PAGE);

    releaseFirst(held, 2); // 4 free: the large one is served, the small one waits for more
    assertThat(large.get(5, TimeUnit.SECONDS)).hasSize(4);
    Thread.sleep(50);
    assertThat(small).isNotDone();

    releaseFirst(held, 1);
    assertThat(small.get(5, TimeUnit.SECONDS)).hasSize(1);
    for (Object owner : List.of("a", "large", "small")) {
      manager.releaseAll(owner);
    }
  }

  @Test
  void aNewRequestQueuesBehindAWaiterEvenIfItFits() throws Exception {
    List<MemorySegment> held = new ArrayList<>(manager.allocatePages("a", 6));
    CompletableFuture<List<MemorySegment>> large = request("large", 4);
    awaitWaiting(1);

    // 2 pages are free, yet the request of "late" waits behind "large"
    CompletableFuture<List<MemorySegment>> late = request("late", 1);
    awaitWaiting(2);
    Thread.sleep(20);
    assertThat(manager.availableMemory()).isEqualTo(2L * PAGE);
    assertThat(late).isNotDone();

    releaseFirst(held, 2);
    assertThat(large.get(5, TimeUnit.SECONDS)).hasSize(4);
    releaseFirst(held, 1);
    assertThat(late.get(5, TimeUnit.SECONDS)).hasSize(1);
    for (Object owner : List.of("a", "large", "late")) {
      manager.releaseAll(owner);
    }
  }

  @Test
  void waitersAreServedInArrivalOrder() throws Exception {
    List<MemorySegment> held = new ArrayList<>(manager.allocatePages("a", 8));
    List<Object> served = new CopyOnWriteArrayList<>();
    List<CompletableFuture<List<MemorySegment>>> requests = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      String owner = "w" + i;
      requests.add(request(owner, 1).whenComplete((pages, failure) -> served.add(owner)));
      awaitWaiting(i + 1);
    }

    for (int i = 0; i < 5; i++) {
      releaseFirst(held, 1);
      requests.get(i).get(5, TimeUnit.SECONDS);
    }

    assertThat(served).containsExactly("w0", "w1", "w2", "w3", "w4");
    manager.releaseAll("a");
    for (int i = 0; i < 5; i++) {
      manager.releaseAll("w" + i);
    }
  }

  @Test
  void aWaiterThatGivesUpLetsTheNextOneBeServed() throws Exception {
    List<MemorySegment> held = new ArrayList<>(manager.allocatePages("a", 8));
    CompletableFuture<List<MemorySegment>> large = request("large", 6);
    awaitWaiting(1);
    Thread largeThread = threads.getLast();
    CompletableFuture<List<MemorySegment>> small = request("small", 1);
    awaitWaiting(2);
    releaseFirst(held, 2);
    Thread.sleep(20);
    assertThat(small).isNotDone();

    largeThread.interrupt();

    assertThatThrownBy(() -> large.get(5, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(MemoryAllocationException.class);
    assertThat(small.get(5, TimeUnit.SECONDS)).hasSize(1);
    manager.releaseAll("a");
    manager.releaseAll("small");
  }

  @Test
  void reservationsWaitInTheSameQueue() throws Exception {
    manager.reserveMemory("a", 8L * PAGE);
    CompletableFuture<Void> reservation = CompletableFuture.runAsync(() -> {
      try {
        manager.reserveMemory("b", 100);
      } catch (MemoryAllocationException e) {
        throw new RuntimeException(e);
      }
    });
    awaitWaiting(1);
    manager.releaseMemory("a", 100);
    reservation.get(5, TimeUnit.SECONDS);
    assertThat(manager.metrics().owner("b").reservedBytes()).isEqualTo(100);
    manager.releaseAllMemory("a");
    manager.releaseAllMemory("b");
  }

  @Test
  void closingTheManagerFailsTheWaiters() throws Exception {
    manager.allocatePages("a", 8);
    CompletableFuture<List<MemorySegment>> waiting = request("b", 1);
    awaitWaiting(1);

    assertThatThrownBy(manager::close).isInstanceOf(IllegalStateException.class);

    assertThatThrownBy(() -> waiting.get(5, TimeUnit.SECONDS))
        .hasCauseInstanceOf(MemoryAllocationException.class)
        .hasMessageContaining("closed while the request waited");
  }

  @Test
  void withoutWaitersARequestThatFitsDoesNotWait() throws Exception {
    CompletableFuture<List<MemorySegment>> request = request("a", 8);
    assertThat(request.get(5, TimeUnit.SECONDS)).hasSize(8);
    CompletableFuture<List<MemorySegment>> next = request("b", 1);
    assertThatThrownBy(() -> next.get(50, TimeUnit.MILLISECONDS)).isInstanceOf(TimeoutException.class);
    manager.releaseAll("a");
    assertThat(next.get(5, TimeUnit.SECONDS)).hasSize(1);
    manager.releaseAll("b");
  }

  private void releaseFirst(List<MemorySegment> held, int count) {
    List<MemorySegment> first = held.subList(0, count);
    manager.release(new ArrayList<>(first));
    first.clear();
  }
}
