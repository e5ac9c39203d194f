package io.memflow.managed;

import static org.assertj.core.api.Assertions.assertThat;

import io.memflow.memory.MemorySegment;
import io.memflow.memory.MemorySegments;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PageSetTest {

  @Test
  void randomAddsAndRemovesAgreeWithAnIdentitySet() {
    Random random = new Random(42);
    List<MemorySegment> universe = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      universe.add(MemorySegments.allocateHeap(1));
    }
    PageSet set = new PageSet();
    Set<MemorySegment> reference = Collections.newSetFromMap(new IdentityHashMap<>());
    for (int step = 0; step < 200_000; step++) {
      MemorySegment page = universe.get(random.nextInt(universe.size()));
      if (random.nextInt(3) == 0) {
        assertThat(set.remove(page)).isEqualTo(reference.remove(page));
      } else {
        assertThat(set.add(page)).isEqualTo(reference.add(page));
      }
      assertThat(set.size()).isEqualTo(reference.size());
      if (step % 10_000 == 0) {
        assertThat(contents(set)).containsExactlyInAnyOrderElementsOf(reference);
      }
    }
    assertThat(contents(set)).containsExactlyInAnyOrderElementsOf(reference);
    for (MemorySegment page : universe) {
      assertThat(set.remove(page)).isEqualTo(reference.remove(page));
    }
    assertThat(set.isEmpty()).isTrue();
  }

  @Test
  void clearEmptiesAndTheSetWorksAfterwards() {
    PageSet set = new PageSet();
    List<MemorySegment> pages = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      pages.add(MemorySegments.allocateHeap(1));
      assertThat(set.add(pages.get(i))).isTrue();
    }
    set.clear();
    assertThat(set.size()).isZero();
    assertThat(contents(set)).isEmpty();
    assertThat(set.remove(pages.get(0))).isFalse();
    assertThat(set.add(pages.get(0))).isTrue();
    assertThat(contents(set)).containsExactly(pages.get(0));
  }

  private static List<MemorySegment> contents(PageSet set) {
    List<MemorySegment> out = new ArrayList<>();
    set.forEach(out::add);
    return out;
  }
}
