package io.memflow.managed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.memflow.memory.MemorySegment;
import io.memflow.memory.MemorySegments;
import io.memflow.memory.MemoryType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The rules every {@link MemoryManager} keeps, whatever its policy and memory type: one subclass
 * per configuration. The budget is 8 pages of 4 KiB; a request the budget cannot meet fails under
 * every policy here (no consumers registered, a short wait).
 */
abstract class MemoryManagerContractTest {

  static final int PAGE = 4096;
  static final int PAGES = 8;

  final Object task = "task";
  final Object other = "other";
  MemoryManager manager;
  long offHeapAtStart;

  abstract AllocationPolicy policy();

  MemoryType memoryType() {
    return MemoryType.OFF_HEAP;
  }

  @BeforeEach
  void build() {
    offHeapAtStart = MemorySegments.offHeapBytesInUse();
    manager =
        MemoryManager.builder()
            .budget((long) PAGES * PAGE)
            .pageSize(PAGE)
            .memoryType(memoryType())
            .policy(policy())
            .maxWait(Duration.ofMillis(20))
            .build();
  }

  @AfterEach
  void closeAndCheckNothingLeaked() {
    manager.close();
    assertThat(MemorySegments.offHeapBytesInUse()).isEqualTo(offHeapAtStart);
  }

  @Test
  void allocatedPagesHaveThePageSizeTypeAndOwner() throws Exception {
    List<MemorySegment> pages = manager.allocatePages(task, 3);

    assertThat(pages).hasSize(3).allSatisfy(p -> {
      assertThat(p.size()).isEqualTo(PAGE);
      assertThat(p.type()).isEqualTo(memoryType());
      assertThat(p.owner()).isSameAs(task);
    });
    assertThat(manager.availableMemory()).isEqualTo((PAGES - 3L) * PAGE);
    manager.release(pages);
  }

  @Test
  void allocationIntoACollectionAddsToWhatIsThere() throws Exception {
    List<MemorySegment> target = new ArrayList<>(manager.allocatePages(task, 1));
    manager.allocatePages(task, target, 2);

    assertThat(target).hasSize(3).doesNotHaveDuplicates();
    manager.release(target);
    assertThat(target).isEmpty();
    assertThat(manager.verifyEmpty()).isTrue();
  }

  @Test
  void allocationIsAllOrNothing() throws Exception {
    manager.allocatePages(task, PAGES - 2);

    assertThatThrownBy(() -> manager.allocatePages(other, 3))
        .isInstanceOf(MemoryAllocationException.class);
    assertThat(manager.availableMemory()).isEqualTo(2L * PAGE);
    assertThat(manager.metrics().owner(other).pages()).isZero();
    assertThat(manager.allocatePages(other, 2)).hasSize(2);
    manager.releaseAll(task);
    manager.releaseAll(other);
  }

  @Test
  void failureNamesTheRequestTheFreeBudgetAndTheOwnersHoldings() throws Exception {
    manager.allocatePages(task, 6);
    manager.reserveMemory(task, 100);

    assertThatThrownBy(() -> manager.allocatePages(task, 2))
        .isInstanceOfSatisfying(MemoryAllocationException.class, e -> {
          assertThat(e.requestedBytes()).isEqualTo(2L * PAGE);
          assertThat(e.availableBytes()).isEqualTo(2L * PAGE - 100);
          assertThat(e.ownerUsedBytes()).isEqualTo(6L * PAGE);
          assertThat(e.ownerReservedBytes()).isEqualTo(100);
          assertThat(e.getMessage())
              .contains("requested=8192", "available=8092", "budget=32768", "owner=task",
                  "used=24576", "reserved=100");
        });
    manager.releaseAll(task);
    manager.releaseAllMemory(task);
  }

  @Test
  void aRequestLargerThanTheWholeBudgetFails() {
    assertThatThrownBy(() -> manager.allocatePages(task, PAGES + 1))
        .isInstanceOf(MemoryAllocationException.class)
        .hasMessageContaining("requested=" + (PAGES + 1) * PAGE);
    assertThat(manager.verifyEmpty()).isTrue();
  }

  @Test
  void zeroPagesIsAnEmptyListAndNegativeIsRejected() throws Exception {
    assertThat(manager.allocatePages(task, 0)).isEmpty();
    assertThatThrownBy(() -> manager.allocatePages(task, -1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("numberOfPages=-1");
    assertThatThrownBy(() -> manager.allocatePages(null, 1)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void releasingAPageTwiceReturnsItsMemoryOnce() throws Exception {
    List<MemorySegment> pages = manager.allocatePages(task, 2);
    MemorySegment page = pages.get(0);

    manager.release(page);
    manager.release(page);

    assertThat(page.isFreed()).isTrue();
    assertThat(manager.availableMemory()).isEqualTo((PAGES - 1L) * PAGE);
    assertThat(manager.metrics().owner(task).pages()).isEqualTo(1);
    manager.releaseAll(task);
    manager.release(pages);
    assertThat(manager.verifyEmpty()).isTrue();
  }

  @Test
  void aPageFromAnotherManagerIsRejected() throws Exception {
    try (MemoryManager second = MemoryManager.builder().budget(PAGE).pageSize(PAGE).build()) {
      MemorySegment foreign = second.allocatePages(task, 1).get(0);
      manager.allocatePages(task, 1);

      assertThatThrownBy(() -> manager.release(foreign))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("not allocated by this memory manager");
      assertThat(foreign.isFreed()).isFalse();
      assertThat(manager.availableMemory()).isEqualTo((PAGES - 1L) * PAGE);
      second.release(foreign);
      manager.releaseAll(task);
    }
  }

  @Test
  void aSegmentWithoutOwnerIsRejected() {
    MemorySegment stray = MemorySegments.allocateHeap(PAGE);
    assertThatThrownBy(() -> manager.release(stray)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void releasingACollectionWithAForeignPageReleasesTheOthersAndNamesTheCount() throws Exception {
    List<MemorySegment> pages = new ArrayList<>(manager.allocatePages(task, 2));
    MemorySegment stray = MemorySegments.allocateHeap(PAGE, task);
    pages.add(stray);

    assertThatThrownBy(() -> manager.release(pages))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("1 of 3 pages");
    assertThat(manager.verifyEmpty()).isTrue();
  }

  @Test
  void releasingAnOwnerReturnsAllItsPagesAndOnlyIts() throws Exception {
    List<MemorySegment> mine = manager.allocatePages(task, 3);
    manager.allocatePages(other, 2);

    manager.releaseAll(task);

    assertThat(mine).allMatch(MemorySegment::isFreed);
    assertThat(manager.availableMemory()).isEqualTo((PAGES - 2L) * PAGE);
    assertThat(manager.metrics().owners()).containsOnlyKeys(other);
    manager.release(mine.get(0)); // released with the owner: a no-op now
    manager.releaseAll(task); // again: nothing left
    manager.releaseAll(other);
    assertThat(manager.verifyEmpty()).isTrue();
  }

  @Test
  void anOwnerCanAllocateAgainAfterReleasingAll() throws Exception {
    manager.allocatePages(task, 2);
    manager.releaseAll(task);
    List<MemorySegment> again = manager.allocatePages(task, 2);

    assertThat(manager.metrics().owner(task).pages()).isEqualTo(2);
    manager.release(again);
    assertThat(manager.verifyEmpty()).isTrue();
  }

  @Test
  void reservationsShareTheBudgetWithPages() throws Exception {
    manager.reserveMemory(task, 5L * PAGE + 1);

    assertThat(manager.availableMemory()).isEqualTo(3L * PAGE - 1);
    assertThatThrownBy(() -> manager.allocatePages(other, 3)).isInstanceOf(MemoryAllocationException.class);
    assertThat(manager.allocatePages(other, 2)).hasSize(2);
    assertThatThrownBy(() -> manager.reserveMemory(other, PAGE)).isInstanceOf(MemoryAllocationException.class);

    manager.releaseMemory(task, 1);
    manager.reserveMemory(other, PAGE);
    manager.releaseAllMemory(task);
    manager.releaseAllMemory(other);
    manager.releaseAll(other);
    assertThat(manager.verifyEmpty()).isTrue();
  }

  @Test
  void releasingMoreThanReservedFailsAndChangesNothing() throws Exception {
    manager.reserveMemory(task, 100);

    assertThatThrownBy(() -> manager.releaseMemory(task, 101))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("cannot release 101 bytes of owner=task: it has reserved 100");
    assertThatThrownBy(() -> manager.releaseMemory(other, 1)).isInstanceOf(IllegalStateException.class);
    assertThat(manager.metrics().owner(task).reservedBytes()).isEqualTo(100);
    manager.releaseMemory(task, 100);
    assertThat(manager.verifyEmpty()).isTrue();
  }

  @Test
  void releasingAllPagesKeepsReservationsAndViceVersa() throws Exception {
    manager.allocatePages(task, 1);
    manager.reserveMemory(task, 10);

    manager.releaseAll(task);
    assertThat(manager.metrics().owner(task).reservedBytes()).isEqualTo(10);
    manager.allocatePages(task, 1);
    manager.releaseAllMemory(task);
    assertThat(manager.metrics().owner(task).pages()).isEqualTo(1);
    assertThat(manager.metrics().owner(task).reservedBytes()).isZero();
    manager.releaseAll(task);
    assertThat(manager.verifyEmpty()).isTrue();
  }

  @Test
  void metricsShowUsedReservedAndPeakPerOwnerAndPerManager() throws Exception {
    List<MemorySegment> pages = manager.allocatePages(task, 4);
    manager.reserveMemory(other, 1000);
    manager.release(pages.subList(0, 3));

    MemoryManagerMetrics metrics = manager.metrics();
    assertThat(metrics.budgetBytes()).isEqualTo((long) PAGES * PAGE);
    assertThat(metrics.pageSize()).isEqualTo(PAGE);
    assertThat(metrics.usedBytes()).isEqualTo(PAGE);
    assertThat(metrics.reservedBytes()).isEqualTo(1000);
    assertThat(metrics.availableBytes()).isEqualTo((PAGES - 1L) * PAGE - 1000);
    assertThat(metrics.peakBytes()).isEqualTo(4L * PAGE + 1000);
    assertThat(metrics.owner(task)).isEqualTo(new MemoryManagerMetrics.OwnerMetrics(task, 1, PAGE, 0, 4L * PAGE));
    assertThat(metrics.owner(other).reservedBytes()).isEqualTo(1000);
    assertThatThrownBy(() -> metrics.owners().clear()).isInstanceOf(UnsupportedOperationException.class);
    manager.releaseAll(task);
    manager.releaseAllMemory(other);
  }

  @Test
  void closingWithMemoryOutstandingThrowsNamingOwnersAndCountsAndFreesIt() throws Exception {
    List<MemorySegment> pages = manager.allocatePages(task, 2);
    manager.reserveMemory(other, 77);

    assertThatThrownBy(manager::close)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("owner=task pages=2 (8192 bytes) reserved=0")
        .hasMessageContaining("owner=other pages=0 (0 bytes) reserved=77");
    assertThat(pages).allMatch(MemorySegment::isFreed);
    assertThat(MemorySegments.offHeapBytesInUse()).isEqualTo(offHeapAtStart);
    manager.close(); // again: nothing
  }

  @Test
  void aClosedManagerRefusesRequestsButToleratesLateReleases() throws Exception {
    MemorySegment page = manager.allocatePages(task, 1).get(0);
    manager.release(page);
    manager.close();

    assertThatThrownBy(() -> manager.allocatePages(task, 1)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
    assertThatThrownBy(() -> manager.reserveMemory(task, 1)).isInstanceOf(IllegalStateException.class);
    manager.release(page);
    manager.releaseAll(task);
    manager.releaseAllMemory(task);
  }

  @Test
  void fractionsGiveWholePagesAndBytesOfTheBudget() {
    assertThat(manager.computeMemorySize(1.0)).isEqualTo((long) PAGES * PAGE);
    assertThat(manager.computeMemorySize(0.3)).isEqualTo((long) Math.floor(PAGES * PAGE * 0.3));
    assertThat(manager.computeNumberOfPages(0.3)).isEqualTo(2);
    assertThat(manager.computeNumberOfPages(0.1)).isZero();
    for (double bad : new double[] {0, -0.5, 1.01, Double.NaN}) {
      assertThatThrownBy(() -> manager.computeNumberOfPages(bad))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("fraction=" + bad + " must be in (0, 1]");
    }
  }

  @Test
  void describesItsConfiguration() {
    assertThat(manager.budget()).isEqualTo((long) PAGES * PAGE);
    assertThat(manager.pageSize()).isEqualTo(PAGE);
    assertThat(manager.memoryType()).isEqualTo(memoryType());
    assertThat(manager.policy()).isEqualTo(policy());
    assertThat(manager.toString()).contains("budget=32768", "pageSize=4096", policy().name());
  }
}
