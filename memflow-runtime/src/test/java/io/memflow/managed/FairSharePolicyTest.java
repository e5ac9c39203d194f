package io.memflow.managed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FairSharePolicyTest {

  static final int PAGE = 4096;

  final List<String> log = new CopyOnWriteArrayList<>();
  final List<Object> owners = new ArrayList<>();
  MemoryManager manager = manager(8);

  static MemoryManager manager(int pages) {
    return MemoryManager.builder()
        .budget((long) pages * PAGE)
        .pageSize(PAGE)
        .policy(AllocationPolicy.FAIR_SHARE)
        .build();
  }

  SpillingConsumer consumer(String name, int weight) {
    SpillingConsumer consumer = new SpillingConsumer(name, manager, log).register(weight);
    owners.add(consumer);
    return consumer;
  }

  @AfterEach
  void releaseEverything() {
    owners.forEach(manager::releaseAll);
    manager.releaseAll("stranger");
    manager.close();
  }

  @Test
  void aConsumerMayBorrowIdleMemoryBeyondItsShare() throws Exception {
    SpillingConsumer small = consumer("small", 1);
    consumer("large", 3);

    small.allocate(8); // its share is 2 pages

    assertThat(small.held()).isEqualTo(8);
    assertThat(log).isEmpty();
  }

  @Test
  void borrowedMemoryIsReclaimedWhenAnotherAsksForItsGuaranteedShare() throws Exception {
    SpillingConsumer small = consumer("small", 1);
    SpillingConsumer large = consumer("large", 3);
    small.allocate(8);

    large.allocate(6); // exactly its share of 6 pages

    assertThat(large.held()).isEqualTo(6);
    assertThat(small.held()).isEqualTo(2);
    assertThat(log).containsExactly("small:24576");
  }

  @Test
  void reclaimingNeverPushesABorrowerBelowItsShare() throws Exception {
    SpillingConsumer small = consumer("small", 1);
    SpillingConsumer large = consumer("large", 3);
    small.allocate(3); // borrowed 1
    large.allocate(5);

    large.allocate(1); // within share: lacks 1 page, small gives back its borrowed page only

    assertThat(log).containsExactly("small:4096");
    assertThat(small.held()).isEqualTo(2);
    assertThat(large.held()).isEqualTo(6);
  }

  @Test
  void aRequestBeyondTheShareThatDoesNotFitFailsWithoutReclaiming() throws Exception {
    SpillingConsumer small = consumer("small", 1);
    SpillingConsumer large = consumer("large", 3);
    large.allocate(7); // borrowed 1
    small.allocate(1);

    assertThatThrownBy(() -> small.allocate(2))
        .isInstanceOf(MemoryAllocationException.class)
        .hasMessageContaining("exceeds the owner's guaranteed share=8192 (it holds 4096)");
    assertThat(log).isEmpty();
    assertThat(small.held()).isEqualTo(1);
  }

  @Test
  void theMostBorrowedAreAskedFirstAndOnlyForWhatTheyBorrowed() throws Exception {
    manager.close();
    manager = manager(9);
    SpillingConsumer x = consumer("x", 1);
    SpillingConsumer y = consumer("y", 1);
    SpillingConsumer z = consumer("z", 1); // each is guaranteed 3 pages
    y.allocate(4); // borrowed 1
    x.allocate(5); // borrowed 2

    z.allocate(3);

    assertThat(log).containsExactly("x:8192", "y:4096");
    assertThat(List.of(x.held(), y.held(), z.held())).containsExactly(3, 3, 3);
  }

  @Test
  void sharesFollowTheRegisteredWeights() throws Exception {
    SpillingConsumer only = consumer("only", 5);
    only.allocate(8);
    SpillingConsumer late = consumer("late", 5); // shares are now 4 pages each

    late.allocate(4);

    assertThat(log).containsExactly("only:16384");
    assertThat(only.held()).isEqualTo(4);
    assertThatThrownBy(() -> late.allocate(1)).hasMessageContaining("guaranteed share=16384");

    manager.unregisterConsumer(only); // late is alone: its share is the whole budget
    assertThatThrownBy(() -> late.allocate(1)).hasMessageContaining("borrowers did not give back enough");
  }

  @Test
  void anUnregisteredOwnerBorrowsButHasNoShare() throws Exception {
    SpillingConsumer member = consumer("member", 1);
    manager.allocatePages("stranger", 6);

    assertThatThrownBy(() -> manager.allocatePages("stranger", 3))
        .hasMessageContaining("guaranteed share=0");
    member.allocate(2);
    // member's share is the whole budget, but the stranger cannot be asked to give back
    assertThatThrownBy(() -> member.allocate(1))
        .isInstanceOf(MemoryAllocationException.class)
        .hasMessageContaining("borrowers did not give back enough");
    assertThat(log).isEmpty();
  }

  @Test
  void aBorrowerThatRefusesMakesTheRequestFail() throws Exception {
    SpillingConsumer small = consumer("small", 1);
    SpillingConsumer large = consumer("large", 1);
    small.allocate(8);
    small.refuses = true;

    assertThatThrownBy(() -> large.allocate(1)).isInstanceOf(MemoryAllocationException.class);
    assertThat(log).containsExactly("small:4096");
  }
}
