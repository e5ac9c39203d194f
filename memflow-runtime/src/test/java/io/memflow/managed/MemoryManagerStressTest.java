package io.memflow.managed;

import static org.assertj.core.api.Assertions.assertThat;

import io.memflow.memory.MemorySegment;
import io.memflow.memory.MemorySegments;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Many owners and threads allocating, releasing (one page, collections, whole owners, from
 * other threads too), reserving and reclaiming at random for a bounded time, under each policy.
 * A monitor checks the budget invariants while they run; at the end every owner must hold
 * nothing and the process's native memory must be back where it started.
 */
class MemoryManagerStressTest {

  static final int PAGE = 4096;
  static final int BUDGET_PAGES = 64;
  static final int THREADS = 4;
  static final Duration RUN = Duration.ofMillis(700);

  final Object[] shared = {"s0", "s1", "s2", "s3", "s4"};
  final Queue<Throwable> errors = new ConcurrentLinkedQueue<>();
  final Queue<String> violations = new ConcurrentLinkedQueue<>();
  final AtomicLong granted = new AtomicLong();
  final AtomicLong refused = new AtomicLong();

  @ParameterizedTest
  @EnumSource(AllocationPolicy.class)
  void randomConcurrentUseKeepsTheInvariantsAndEndsAtZero(AllocationPolicy policy) throws Exception {
    long nativeAtStart = MemorySegments.offHeapBytesInUse();
    MemoryManager manager =
        MemoryManager.builder()
            .budget((long) BUDGET_PAGES * PAGE)
            .pageSize(PAGE)
            .policy(policy)
            .maxWait(Duration.ofMillis(2))
            .build();
    for (int i = 0; i < shared.length; i++) {
      Object owner = shared[i];
      manager.registerConsumer(owner, 1 + i % 3, bytes -> {
        manager.releaseAll(owner);
        return bytes;
      });
    }

    long deadline = System.nanoTime() + RUN.toNanos();
    CountDownLatch done = new CountDownLatch(THREADS);
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      Object own = "own" + t;
      threads.add(Thread.ofPlatform().start(() -> work(manager, own, deadline, done)));
    }
    try {
      while (done.getCount() > 0) {
        checkInvariants(manager, nativeAtStart);
        Thread.onSpinWait();
      }
    } finally {
      for (Thread thread : threads) {
        thread.join(); // even if a check threw: no worker may outlive its test into the next one
      }
    }
    for (Object owner : shared) {
      manager.releaseAll(owner);
    }

    assertThat(errors).isEmpty();
    assertThat(violations).isEmpty();
    assertThat(granted.get()).as("granted requests").isGreaterThan(100);
    assertThat(refused.get()).as("refused requests: the budget was under pressure").isPositive();
    MemoryManagerMetrics metrics = manager.metrics();
    assertThat(metrics.owners()).isEmpty();
    assertThat(metrics.usedBytes()).isZero();
    assertThat(metrics.reservedBytes()).isZero();
    assertThat(metrics.availableBytes()).isEqualTo(manager.budget());
    assertThat(metrics.waitingRequests()).isZero();
    assertThat(metrics.peakBytes()).isPositive().isLessThanOrEqualTo(manager.budget());
    assertThat(manager.verifyEmpty()).isTrue();
    manager.close();
    assertThat(MemorySegments.offHeapBytesInUse()).isEqualTo(nativeAtStart);
  }

  private void work(MemoryManager manager, Object own, long deadline, CountDownLatch done) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    List<MemorySegment> mine = new ArrayList<>();
    long reserved = 0;
    try {
      while (System.nanoTime() < deadline) {
        Object owner = random.nextBoolean() ? own : shared[random.nextInt(shared.length)];
        switch (random.nextInt(10)) {
          case 0, 1, 2, 3 -> allocate(manager, owner, 1 + random.nextInt(4), mine);
          case 4, 5 -> releaseOne(manager, mine, random);
          case 6 -> releaseSome(manager, mine, random);
          case 7 -> manager.releaseAll(shared[random.nextInt(shared.length)]);
          case 8 -> reserved += reserve(manager, own, 1 + random.nextInt(10_000));
          default -> reserved -= releaseReservation(manager, own, reserved, random);
        }
      }
      manager.release(mine);
      manager.releaseAll(own);
      manager.releaseMemory(own, reserved);
    } catch (Throwable t) {
      errors.add(t);
    } finally {
      done.countDown();
    }
  }

  private void allocate(MemoryManager manager, Object owner, int pages, List<MemorySegment> mine) {
    try {
      List<MemorySegment> got = manager.allocatePages(owner, pages);
      if (got.size() != pages) {
        violations.add("asked for " + pages + " pages, got " + got.size());
      }
      mine.addAll(got);
      granted.incrementAndGet();
    } catch (MemoryAllocationException e) {
      refused.incrementAndGet();
    }
  }

  private static void releaseOne(MemoryManager manager, List<MemorySegment> mine, ThreadLocalRandom random) {
    if (!mine.isEmpty()) {
      manager.release(mine.remove(random.nextInt(mine.size())));
    }
  }

  private static void releaseSome(MemoryManager manager, List<MemorySegment> mine, ThreadLocalRandom random) {
    List<MemorySegment> some = mine.subList(0, Math.min(mine.size(), random.nextInt(4)));
    manager.release(some); // clears the sub-list, so the pages leave mine too
  }

  private long reserve(MemoryManager manager, Object own, long bytes) {
    try {
      manager.reserveMemory(own, bytes);
      granted.incrementAndGet();
      return bytes;
    } catch (MemoryAllocationException e) {
      refused.incrementAndGet();
      return 0;
    }
  }

  private static long releaseReservation(
      MemoryManager manager, Object own, long reserved, ThreadLocalRandom random) {
    if (random.nextInt(8) == 0) {
      manager.releaseAllMemory(own);
      return reserved;
    }
    long bytes = reserved == 0 ? 0 : random.nextLong(reserved + 1);
    manager.releaseMemory(own, bytes);
    return bytes;
  }

  private void checkInvariants(MemoryManager manager, long nativeAtStart) {
    long available = manager.availableMemory();
    if (available < 0 || available > manager.budget()) {
      violations.add("available=" + available + " outside [0, " + manager.budget() + "]");
    }
    long nativeInUse = MemorySegments.offHeapBytesInUse() - nativeAtStart;
    if (nativeInUse > manager.budget()) {
      violations.add("native memory in use=" + nativeInUse + " exceeds budget=" + manager.budget());
    }
    // A snapshot reads the owners one after the other, so only each owner's figures are
    // consistent while requests run; the sums are checked exactly once everything has stopped.
    for (MemoryManagerMetrics.OwnerMetrics owner : manager.metrics().owners().values()) {
      if (owner.usedBytes() + owner.reservedBytes() > manager.budget() || owner.peakBytes() > manager.budget()) {
        violations.add(owner + " exceeds budget=" + manager.budget());
      }
    }
  }
}
