package io.memflow.hash;

import static org.assertj.core.api.Assertions.assertThat;

import io.memflow.memory.MemorySegment;
import io.memflow.memory.MemorySegments;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The bloom filter of spilled partitions: no false negatives, and the false-positive rate its sizing promises. */
class HashJoinBloomFilterTest {

  @Test
  void everyAddedHashIsFoundAndFewOthersAre() {
    MemorySegment page = MemorySegments.allocateHeap(32 * 1024);
    BloomFilter filter = new BloomFilter(page);
    Random random = new Random(3);
    Set<Integer> added = new HashSet<>();
    while (added.size() < 20_000) {
      int hash = random.nextInt() << 5 | 7; // one partition's hashes share their low bits
      added.add(hash);
      filter.add(hash);
    }
    added.forEach(hash -> assertThat(filter.mightContain(hash)).isTrue());
    int positives = 0;
    int tried = 0;
    while (tried < 200_000) {
      int hash = random.nextInt() << 5 | 7;
      if (!added.contains(hash)) {
        tried++;
        positives += filter.mightContain(hash) ? 1 : 0;
      }
    }
    // 262,144 bits for 20,000 keys, 3 hashes: (1 - e^(-3 * 20000 / 262144))^3 = 0.8 %
    assertThat(positives / (double) tried).isBetween(0.002, 0.02);
  }

  @Test
  void aNewFilterContainsNothing() {
    MemorySegment page = MemorySegments.allocateHeap(4096);
    page.putLong(0, -1L);
    BloomFilter filter = new BloomFilter(page);
    Random random = new Random(4);
    for (int i = 0; i < 10_000; i++) {
      assertThat(filter.mightContain(random.nextInt())).isFalse();
    }
  }
}
