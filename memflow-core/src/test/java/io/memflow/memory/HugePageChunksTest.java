package io.memflow.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Pages carved from huge-page chunks: distinct, inside their chunks, and every chunk given back. */
class HugePageChunksTest {

  private static final long PAGE = 32 * 1024;
  private static final int PER_CHUNK = (int) (HugePageChunks.CHUNK / PAGE);

  @BeforeEach
  void onlyWhereTheKernelOffersHugePages() {
    assumeTrue(HugePageChunks.available(), "no transparent huge pages here");
  }

  @Test
  void pagesAreDistinctAlignedInsideTheirChunksAndChunksAreUnmappedWhenAllComeBack() {
    HugePageChunks chunks = HugePageChunks.forPageSize(PAGE);
    long[] pages = new long[200];
    int filled = chunks.allocate(pages, 0, 150);
    assertThat(filled).isEqualTo(150);
    for (int i = 150; i < 200; i++) {
      pages[i] = chunks.allocate();
    }
    Set<Long> distinct = new HashSet<>();
    Set<Long> bases = new HashSet<>();
    for (long page : pages) {
      assertThat(page % PAGE).isZero();
      assertThat(distinct.add(page)).isTrue();
      bases.add(page & -HugePageChunks.CHUNK);
    }
    assertThat(bases).hasSize((200 + PER_CHUNK - 1) / PER_CHUNK);
    assertThat(chunks.freeBytes()).isEqualTo((bases.size() * PER_CHUNK - 200) * PAGE);

    for (int i = 0; i < pages.length; i++) { // every byte of every page is ours to write
      java.lang.foreign.MemorySegment memory = NativeMemory.slice(pages[i], PAGE);
      memory.set(ValueLayout.JAVA_INT_UNALIGNED, 0, i);
      memory.set(ValueLayout.JAVA_INT_UNALIGNED, PAGE - 4, ~i);
    }
    for (int i = 0; i < pages.length; i++) {
      java.lang.foreign.MemorySegment memory = NativeMemory.slice(pages[i], PAGE);
      assertThat(memory.get(ValueLayout.JAVA_INT_UNALIGNED, 0)).isEqualTo(i);
      assertThat(memory.get(ValueLayout.JAVA_INT_UNALIGNED, PAGE - 4)).isEqualTo(~i);
    }

    assertThat(chunks.release(pages, 0, 199)).isZero();
    // the chunks all of whose pages came back are gone; the last page's chunk stays, the rest of it free
    assertThat(chunks.freeBytes()).isEqualTo((PER_CHUNK - 1) * PAGE);
    assertThat(chunks.release(pages, 199, 200)).isZero();
    assertThat(chunks.freeBytes()).isZero();
  }

  @Test
  void pagesFromElsewhereAreHandedBackToTheCaller() {
    HugePageChunks chunks = HugePageChunks.forPageSize(PAGE);
    long own = chunks.allocate();
    long foreignA = NativeMemory.allocate(1000); // not a cached size: from malloc
    long foreignB = NativeMemory.allocate(1000);
    long[] mixed = {foreignA, own, foreignB};
    assertThat(chunks.release(mixed, 0, 3)).isEqualTo(2);
    assertThat(mixed[0]).isEqualTo(foreignA);
    assertThat(mixed[1]).isEqualTo(foreignB);
    assertThat(chunks.freeBytes()).isZero();
    NativeMemory.free(foreignA, 1000);
    NativeMemory.free(foreignB, 1000);
  }

  @Test
  void everyCachedPageSizeFillsWholeChunks() {
    for (long size = 4096; size <= 1 << 20; size <<= 1) {
      HugePageChunks chunks = HugePageChunks.forPageSize(size);
      int perChunk = (int) (HugePageChunks.CHUNK / size);
      long[] pages = new long[perChunk + 1];
      assertThat(chunks.allocate(pages, 0, pages.length)).isEqualTo(pages.length);
      assertThat(pages[perChunk - 1] - pages[0]).as("size %s", size).isEqualTo((perChunk - 1) * size);
      assertThat(pages[perChunk] & -HugePageChunks.CHUNK).isNotEqualTo(pages[0] & -HugePageChunks.CHUNK);
      assertThat(chunks.release(pages, 0, pages.length)).isZero();
      assertThat(chunks.freeBytes()).isZero();
    }
  }

  @Test
  void threadsAllocatingAndReleasingAtRandomNeverShareAPage() throws Exception {
    HugePageChunks chunks = HugePageChunks.forPageSize(PAGE);
    Set<Long> live = ConcurrentHashMap.newKeySet();
    ExecutorService threads = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        long seed = t;
        done.add(threads.submit(() -> {
          Random random = new Random(seed);
          List<Long> mine = new ArrayList<>();
          for (int op = 0; op < 50_000; op++) {
            if (mine.isEmpty() || (mine.size() < 300 && random.nextBoolean())) {
              long[] batch = new long[1 + random.nextInt(8)];
              int n = chunks.allocate(batch, 0, batch.length);
              for (int i = 0; i < n; i++) {
                assertThat(live.add(batch[i])).as("page handed out twice").isTrue();
                mine.add(batch[i]);
              }
            } else {
              long page = mine.remove(random.nextInt(mine.size()));
              assertThat(live.remove(page)).isTrue();
              assertThat(chunks.release(new long[] {page}, 0, 1)).isZero();
            }
          }
          for (long page : mine) {
            live.remove(page);
            chunks.release(new long[] {page}, 0, 1);
          }
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      threads.shutdownNow();
    }
    assertThat(live).isEmpty();
    assertThat(chunks.freeBytes()).isZero();
  }
}
