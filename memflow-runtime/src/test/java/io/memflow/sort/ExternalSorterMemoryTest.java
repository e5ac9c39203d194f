package io.memflow.sort;

import static io.memflow.sort.SortAssertions.assertSortedLike;
import static io.memflow.sort.SortAssertions.drain;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.memflow.managed.AllocationPolicy;
import io.memflow.managed.MemoryAllocationException;
import io.memflow.managed.MemoryManager;
import io.memflow.memory.MemorySegment;
import io.memflow.memory.MemorySegments;
import io.memflow.serialization.RecordIterator;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The sorter as a consumer of managed memory: reclaim requests, registration, sharing under FAIR_SHARE. */
class ExternalSorterMemoryTest {

  static final int PAGE = 4096;
  final InMemoryRunStorage storage = new InMemoryRunStorage();
  final RecComparator comparator = new RecComparator(RecComparator.Kind.KEY_THEN_SECONDARY, false);

  static MemoryManager manager(AllocationPolicy policy, int pages) {
    return MemoryManager.builder().budget((long) pages * PAGE).pageSize(PAGE).policy(policy).build();
  }

  static List<Rec> records(Random random, long bytes) {
    return Rec.random(random, (int) (bytes / 40), 1000, 30);
  }

  @Test
  void aReclaimRequestTakesFreePagesAndSpillsToGiveBackMore() throws Exception {
    long offHeapBefore = MemorySegments.offHeapBytesInUse();
    try (MemoryManager manager = manager(AllocationPolicy.LRU_RECLAIM, 64)) {
      List<Rec> first = records(new Random(1), 100 * 1024);
      List<Rec> second = records(new Random(2), 200 * 1024);
      List<MemorySegment> taken;
      try (ExternalSorter<Rec> sorter = ExternalSorter.builder(manager, "sorter", comparator)
          .pages(40).spillThreshold(1.0).runStorage(storage).build()) {
        for (Rec r : first) {
          sorter.write(r);
        }
        assertThat(sorter.runsSpilled()).isZero();
        taken = manager.allocatePages("greedy", 44);
        assertThat(sorter.pages()).isLessThanOrEqualTo(20);
        assertThat(sorter.runsSpilled()).isPositive();
        assertThat(manager.metrics().owner("sorter").pages()).isEqualTo(sorter.pages());
        for (Rec r : second) {
          sorter.write(r);
        }
        List<Rec> all = new ArrayList<>(first);
        all.addAll(second);
        assertSortedLike(drain(sorter.sorted()), all, comparator);
      }
      manager.release(taken);
      assertThat(manager.verifyEmpty()).isTrue();
    }
    assertThat(storage.live.get()).isZero();
    assertThat(MemorySegments.offHeapBytesInUse()).isEqualTo(offHeapBefore);
  }

  @Test
  void aSorterNeverShrinksBelowItsMinimumNorGivesBackOnceTheInputHasEnded() throws Exception {
    try (MemoryManager manager = manager(AllocationPolicy.LRU_RECLAIM, 32)) {
      try (ExternalSorter<Rec> sorter = ExternalSorter.builder(manager, "sorter", comparator)
          .pages(24).runStorage(storage).build()) {
        assertThatThrownBy(() -> manager.allocatePages("greedy", 30)).isInstanceOf(MemoryAllocationException.class);
        assertThat(sorter.pages()).isEqualTo(PagePool.MIN_PAGES);
        manager.releaseAll("greedy");
        List<Rec> input = records(new Random(3), 100 * 1024);
        for (Rec r : input) {
          sorter.write(r);
        }
        RecordIterator<Rec> sorted = sorter.sorted();
        int before = sorter.pages();
        assertThatThrownBy(() -> manager.allocatePages("greedy", 30)).isInstanceOf(MemoryAllocationException.class);
        assertThat(sorter.pages()).isEqualTo(before);
        assertSortedLike(drain(sorted), input, comparator);
      }
      manager.releaseAll("greedy");
    }
  }

  @Test
  void theOwnerIsRegisteredWhileTheSorterLivesAndAFailedBuildLeavesNothing() throws Exception {
    try (MemoryManager manager = manager(AllocationPolicy.FAIR_SHARE, 32)) {
      ExternalSorter<Rec> sorter = ExternalSorter.builder(manager, "sorter", comparator).pages(16).build();
      assertThatThrownBy(() -> manager.registerConsumer("sorter", bytes -> 0))
          .isInstanceOf(IllegalArgumentException.class);
      sorter.close();
      manager.registerConsumer("sorter", bytes -> 0);
      manager.unregisterConsumer("sorter");
      assertThatThrownBy(() -> ExternalSorter.builder(manager, "big", comparator).pages(40).build())
          .isInstanceOf(MemoryAllocationException.class);
      manager.registerConsumer("big", bytes -> 0);
      manager.unregisterConsumer("big");
      assertThat(manager.verifyEmpty()).isTrue();
    }
  }

  /**
   * Stress: sorters on two threads share one manager under FAIR_SHARE. One thread's sorters borrow
   * beyond their share; the other's requests within its share make them give memory back. Every
   * result must be right and every page must come back.
   */
  @Test
  void sortersSharingOneManagerUnderFairShareStayCorrectAndGiveMemoryBack() throws Exception {
    long offHeapBefore = MemorySegments.offHeapBytesInUse();
    AtomicInteger shrunk = new AtomicInteger();
    List<Throwable> failures = new ArrayList<>();
    try (MemoryManager manager = manager(AllocationPolicy.FAIR_SHARE, 64)) {
      Thread big = Thread.ofPlatform().name("stress-big").start(() -> runSorters(manager, "big", 44, 6, shrunk, failures));
      Thread small = Thread.ofPlatform().name("stress-small").start(() -> runSorters(manager, "small", 30, 10, shrunk, failures));
      big.join();
      small.join();
      assertThat(failures).isEmpty();
      assertThat(manager.verifyEmpty()).isTrue();
    }
    assertThat(shrunk.get()).as("sorters that gave memory back").isPositive();
    assertThat(storage.live.get()).isZero();
    assertThat(MemorySegments.offHeapBytesInUse()).isEqualTo(offHeapBefore);
    ExternalSorterContractTest.assertNoSorterThreads();
  }

  private void runSorters(MemoryManager manager, String name, int pages, int rounds, AtomicInteger shrunk,
      List<Throwable> failures) {
    Random random = new Random(name.hashCode());
    try {
      for (int round = 0; round < rounds; round++) {
        String owner = name + "-" + round;
        ExternalSorter<Rec> sorter = build(manager, owner, pages);
        try (sorter) {
          List<Rec> input = records(random, 150 * 1024 + random.nextInt(150 * 1024));
          for (Rec r : input) {
            sorter.write(r);
          }
          if (sorter.pages() < pages) {
            shrunk.incrementAndGet();
          }
          assertSortedLike(drain(sorter.sorted()), input, comparator);
        }
        assertThat(manager.metrics().owner(owner).pages()).isZero();
      }
    } catch (Throwable e) {
      synchronized (failures) {
        failures.add(e);
      }
    }
  }

  /** Builds with {@code pages}, falling back to smaller requests while the manager is short. */
  private ExternalSorter<Rec> build(MemoryManager manager, String owner, int pages) throws Exception {
    for (int attempt = 0; ; attempt++) {
      try {
        return ExternalSorter.builder(manager, owner, comparator)
            .pages(Math.max(PagePool.MIN_PAGES, pages - 4 * attempt)).runStorage(storage).build();
      } catch (MemoryAllocationException e) {
        if (attempt > 200) {
          throw e;
        }
        Thread.sleep(1);
      }
    }
  }
}
