package io.memflow.managed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SharedResourceTest {

  static final long BUDGET = 1 << 20;

  final MemoryManager manager = MemoryManager.builder().budget(BUDGET).pageSize(4096).build();
  final AtomicInteger created = new AtomicInteger();
  final AtomicInteger disposed = new AtomicInteger();

  /** A resource that counts its creations and disposals. */
  final class Cache implements AutoCloseable {
    final long bytes;

    Cache(long bytes) {
      this.bytes = bytes;
      created.incrementAndGet();
    }

    @Override
    public void close() {
      disposed.incrementAndGet();
    }
  }

  @AfterEach
  void nothingLeaks() {
    manager.close();
  }

  @Test
  void theFirstLeaseCreatesAndReservesLaterLeasesShare() throws Exception {
    SharedResource<Cache> first = manager.getSharedResource("rocksdb", 1000, Cache::new);
    SharedResource<Cache> second = manager.getSharedResource("rocksdb", 5000, Cache::new);

    assertThat(second.resource()).isSameAs(first.resource());
    assertThat(first.resource().bytes).isEqualTo(1000);
    assertThat(second.size()).isEqualTo(1000);
    assertThat(created).hasValue(1);
    assertThat(manager.availableMemory()).isEqualTo(BUDGET - 1000);
    assertThat(manager.metrics().reservedBytes()).isEqualTo(1000);
    first.close();
    second.close();
  }

  @Test
  void theLastLeaseToCloseDisposesAndUnreserves() throws Exception {
    SharedResource<Cache> first = manager.getSharedResource("rocksdb", 1000, Cache::new);
    SharedResource<Cache> second = manager.getSharedResource("rocksdb", 1000, Cache::new);

    first.close();
    first.close(); // idempotent: does not count as the second lease closing
    assertThat(disposed).hasValue(0);
    assertThat(manager.availableMemory()).isEqualTo(BUDGET - 1000);

    second.close();
    assertThat(disposed).hasValue(1);
    assertThat(manager.verifyEmpty()).isTrue();
    assertThatThrownBy(first::resource).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void aNewLeaseAfterDisposalCreatesAgain() throws Exception {
    manager.getSharedResource("rocksdb", 1000, Cache::new).close();
    try (SharedResource<Cache> again = manager.getSharedResource("rocksdb", 2000, Cache::new)) {
      assertThat(created).hasValue(2);
      assertThat(again.size()).isEqualTo(2000);
    }
    assertThat(manager.verifyEmpty()).isTrue();
  }

  @Test
  void typesAreIndependent() throws Exception {
    try (SharedResource<Cache> a = manager.getSharedResource("a", 100, Cache::new);
        SharedResource<Cache> b = manager.getSharedResource("b", 200, Cache::new)) {
      assertThat(a.resource()).isNotSameAs(b.resource());
      assertThat(manager.metrics().reservedBytes()).isEqualTo(300);
    }
  }

  @Test
  void aFailingInitializerUnreservesAndPropagates() {
    assertThatThrownBy(
            () -> manager.getSharedResource("rocksdb", 1000, bytes -> {
              throw new IOException("cannot open store");
            }))
        .isInstanceOf(IOException.class)
        .hasMessage("cannot open store");
    assertThat(manager.verifyEmpty()).isTrue();
  }

  @Test
  void afterAFailingInitializerTheNextLeaseTriesAgain() throws Exception {
    assertThatThrownBy(() -> manager.getSharedResource("x", 10, bytes -> {
      throw new IllegalStateException("boom");
    })).hasMessage("boom");
    try (SharedResource<Cache> lease = manager.getSharedResource("x", 10, Cache::new)) {
      assertThat(lease.resource()).isNotNull();
    }
  }

  @Test
  void aReservationTheBudgetCannotMeetFailsWithoutCallingTheInitializer() {
    assertThatThrownBy(() -> manager.getSharedResource("big", BUDGET + 1, Cache::new))
        .isInstanceOf(MemoryAllocationException.class);
    assertThat(created).hasValue(0);
  }

  @Test
  void aFailingDisposalStillUnreserves() throws Exception {
    SharedResource<String> lease =
        manager.getSharedResource("x", 10, new SharedResource.Initializer<>() {
          @Override
          public String initialize(long bytes) {
            return "resource";
          }

          @Override
          public void dispose(String resource) throws Exception {
            throw new IOException("cannot close " + resource);
          }
        });

    assertThatThrownBy(lease::close)
        .isInstanceOf(IllegalStateException.class)
        .hasRootCauseMessage("cannot close resource");
    assertThat(manager.verifyEmpty()).isTrue();
  }

  @Test
  void concurrentFirstLeasesCreateTheResourceOnce() throws Exception {
    int threads = 8;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    try {
      List<Future<SharedResource<Cache>>> leases = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        leases.add(pool.submit(() -> {
          start.await();
          return manager.getSharedResource("rocksdb", 1000, bytes -> {
            Thread.sleep(20); // a slow initializer widens the window for a second creation
            return new Cache(bytes);
          });
        }));
      }
      start.countDown();
      List<SharedResource<Cache>> all = new ArrayList<>();
      for (Future<SharedResource<Cache>> lease : leases) {
        all.add(lease.get(10, TimeUnit.SECONDS));
      }
      assertThat(created).hasValue(1);
      assertThat(all).extracting(SharedResource::resource).containsOnly(all.get(0).resource());
      assertThat(manager.metrics().reservedBytes()).isEqualTo(1000);
      all.forEach(SharedResource::close);
      assertThat(disposed).hasValue(1);
      assertThat(manager.verifyEmpty()).isTrue();
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void anOpenLeaseIsReportedWhenTheManagerCloses() throws Exception {
    SharedResource<Cache> lease = manager.getSharedResource("rocksdb", 1000, Cache::new);
    assertThat(lease).isNotNull();
    assertThatThrownBy(manager::close)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("shared resource 'rocksdb' (1 leases)")
        .hasMessageContaining("reserved=1000");
  }
}
