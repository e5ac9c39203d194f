package io.memflow.sort;

import static io.memflow.sort.SortAssertions.assertSortedLike;
import static io.memflow.sort.SortAssertions.drain;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.memflow.managed.MemoryManager;
import io.memflow.memory.MemorySegments;
import io.memflow.serialization.RecordIterator;
import io.memflow.serialization.SortComparator;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The external sorter's behaviour, run once per run storage (subclasses): results against {@code
 * List.sort}, spilling and merge passes, combining, and release of every page, run and thread.
 */
abstract class ExternalSorterContractTest {

  static final int PAGE = 4096;
  static final int PAGES = 16;

  final Object owner = "external-sorter";
  MemoryManager manager;
  long offHeapBefore;

  /** Gives the builder this test's run storage. */
  abstract <T> ExternalSorter.Builder<T> withStorage(ExternalSorter.Builder<T> builder);

  /** Runs (files) alive now. */
  abstract int liveRuns();

  MemoryManager newManager() {
    return MemoryManager.builder().budget(64L * PAGE).pageSize(PAGE).build();
  }

  @BeforeEach
  void createManager() {
    offHeapBefore = MemorySegments.offHeapBytesInUse();
    manager = newManager();
  }

  @AfterEach
  void nothingLeaks() throws InterruptedException {
    assertThat(manager.metrics().owner(owner).pages()).as("pages of the sorter").isZero();
    manager.close();
    assertThat(liveRuns()).as("live runs").isZero();
    assertNoSorterThreads();
    assertThat(MemorySegments.offHeapBytesInUse()).isEqualTo(offHeapBefore);
  }

  static void assertNoSorterThreads() throws InterruptedException {
    for (int i = 0; i < 100 && sorterThreads() > 0; i++) {
      Thread.sleep(10);
    }
    assertThat(sorterThreads()).as("live memflow-sort threads").isZero();
  }

  static long sorterThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().startsWith("memflow-sort-") && t.isAlive()).count();
  }

  <T> ExternalSorter.Builder<T> builder(SortComparator<T> comparator, int pages) {
    return withStorage(ExternalSorter.builder(manager, owner, comparator).pages(pages));
  }

  <T> List<T> sort(ExternalSorter.Builder<T> builder, List<T> input) throws Exception {
    try (ExternalSorter<T> sorter = builder.build()) {
      for (T t : input) {
        sorter.write(t);
      }
      try (RecordIterator<T> sorted = sorter.sorted()) {
        return drain(sorted);
      }
    }
  }

  /** Records of about {@code times} the sorter's memory. */
  static List<Rec> recordsOf(Random random, double times, int keyRange, int maxPayload) {
    long bytes = (long) (times * PAGES * PAGE);
    int perRecord = 12 + 1 + maxPayload / 2 + 8 + 8;
    return Rec.random(random, (int) (bytes / perRecord), keyRange, maxPayload);
  }

  @Test
  void anInputThatFitsIsSortedWithoutSpilling() throws Exception {
    RecComparator comparator = new RecComparator(RecComparator.Kind.KEY_THEN_SECONDARY, false);
    List<Rec> input = recordsOf(new Random(1), 0.5, 1000, 30);
    try (ExternalSorter<Rec> sorter = builder(comparator, PAGES).build()) {
      for (Rec r : input) {
        sorter.write(r);
      }
      assertSortedLike(drain(sorter.sorted()), input, comparator);
      assertThat(sorter.runsSpilled()).isZero();
      assertThat(liveRuns()).isZero();
    }
  }

  @Test
  void sortsOneFourAndTwentyTimesTheMemoryForEveryComparator() throws Exception {
    Random random = new Random(2);
    for (RecComparator.Kind kind : RecComparator.Kind.values()) {
      for (boolean descending : new boolean[] {false, true}) {
        RecComparator comparator = new RecComparator(kind, descending);
        for (double times : new double[] {1, 4, 20}) {
          List<Rec> input = recordsOf(random, times, times == 20 ? 0 : 200, 40);
          assertSortedLike(sort(builder(comparator, PAGES), input), input, comparator);
        }
      }
    }
  }

  @Test
  void smallFanInForcesSeveralMergePasses() throws Exception {
    RecComparator comparator = new RecComparator(RecComparator.Kind.KEY_THEN_SECONDARY, false);
    for (int fanIn = 2; fanIn <= 4; fanIn++) {
      List<Rec> input = recordsOf(new Random(fanIn), 12, 500, 30);
      try (ExternalSorter<Rec> sorter = builder(comparator, PAGES).maxFanIn(fanIn).build()) {
        for (Rec r : input) {
          sorter.write(r);
        }
        assertSortedLike(drain(sorter.sorted()), input, comparator);
        assertThat(sorter.runsSpilled()).isGreaterThan(fanIn * 2);
        assertThat(sorter.mergePasses()).isPositive();
      }
    }
  }

  @Test
  void stringsAndRecordsLargerThanAPageAreSortedThroughSpills() throws Exception {
    Random random = new Random(3);
    List<String> strings = new ArrayList<>();
    for (int i = 0; i < 4000; i++) {
      strings.add("k" + random.nextInt(1000) + "-" + Rec.payload(random, random.nextInt(60)));
    }
    StringComparator descending = new StringComparator(true);
    assertSortedLike(sort(builder(descending, PAGES).maxFanIn(3), strings), strings, descending);

    List<Rec> large = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      large.add(new Rec(random.nextInt(20), 0, Rec.payload(random, PAGE + random.nextInt(PAGE))));
    }
    RecComparator comparator = new RecComparator(RecComparator.Kind.NO_PREFIX, false);
    assertSortedLike(sort(builder(comparator, PAGES), large), large, comparator);
  }

  @Test
  void emptyInputOneRecordAndAllEqualKeys() throws Exception {
    RecComparator comparator = new RecComparator(RecComparator.Kind.KEY_DECIDES, false);
    assertThat(sort(builder(comparator, PAGES), List.<Rec>of())).isEmpty();
    assertThat(sort(builder(comparator, PAGES), List.of(new Rec(1, 2, "x")))).containsExactly(new Rec(1, 2, "x"));
    List<Rec> equal = new ArrayList<>();
    for (int i = 0; i < 8000; i++) {
      equal.add(new Rec(42, i, "same"));
    }
    assertSortedLike(sort(builder(comparator, PAGES), equal), equal, comparator);
  }

  static final Combiner<Rec> SUM = (a, b) -> new Rec(a.key(), a.secondary() + b.secondary(), "");

  static Map<Long, Integer> sums(List<Rec> records) {
    Map<Long, Integer> sums = new TreeMap<>();
    records.forEach(r -> sums.merge(r.key(), r.secondary(), Integer::sum));
    return sums;
  }

  @Test
  void aCombinerLeavesOneRecordPerKeyInMemoryAndThroughSpillsAndMerges() throws Exception {
    RecComparator comparator = new RecComparator(RecComparator.Kind.KEY_DECIDES, false);
    for (double times : new double[] {0.3, 8}) {
      List<Rec> input = recordsOf(new Random(4), times, 300, 20);
      List<Rec> out = sort(builder(comparator, PAGES).maxFanIn(2).combiner(SUM), input);
      assertThat(out).extracting(Rec::key).isSorted().doesNotHaveDuplicates();
      Map<Long, Integer> actual = new TreeMap<>();
      out.forEach(r -> actual.put(r.key(), r.secondary()));
      assertThat(actual).isEqualTo(sums(input));
    }
  }

  @Test
  void aFailingComparatorReachesTheCallerWithItsCauseAndNothingLeaks() throws Exception {
    RecComparator failing = new RecComparator(RecComparator.Kind.KEY_THEN_SECONDARY, false) {
      @Override
      public int compareSerialized(io.memflow.memory.view.DataInputView a, io.memflow.memory.view.DataInputView b) {
        throw new IllegalStateException("injected comparator failure");
      }

      @Override
      public SortComparator<Rec> duplicate() {
        return this;
      }
    };
    List<Rec> input = recordsOf(new Random(5), 4, 10, 10);
    ExternalSorter<Rec> sorter = builder(failing, PAGES).build();
    try {
      assertThatThrownBy(() -> {
        for (Rec r : input) {
          sorter.write(r);
        }
        sorter.sorted();
      }).isInstanceOf(IOException.class)
          .hasMessageContaining("background thread failed")
          .hasRootCauseMessage("injected comparator failure");
      assertThatThrownBy(() -> sorter.write(input.getFirst())).isInstanceOf(IOException.class);
    } finally {
      sorter.close();
    }
  }

  @Test
  void closingMidInputFromAnotherThreadReleasesEverything() throws Exception {
    RecComparator comparator = new RecComparator(RecComparator.Kind.KEY_DECIDES, false);
    ExternalSorter<Rec> sorter = builder(comparator, PAGES).build();
    List<Rec> input = recordsOf(new Random(6), 50, 0, 20);
    Thread writer = Thread.ofPlatform().start(() -> {
      try {
        for (Rec r : input) {
          sorter.write(r);
        }
      } catch (IOException | IllegalStateException expected) {
        // closed under our feet
      }
    });
    while (sorter.runsSpilled() < 2 && writer.isAlive()) {
      Thread.sleep(1);
    }
    sorter.close();
    writer.join(10_000);
    assertThat(writer.isAlive()).isFalse();
    assertThatThrownBy(() -> sorter.write(input.getFirst())).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void closingMidMergeFromTheConsumerReleasesEverything() throws Exception {
    RecComparator comparator = new RecComparator(RecComparator.Kind.KEY_DECIDES, false);
    List<Rec> input = recordsOf(new Random(7), 10, 0, 20);
    ExternalSorter<Rec> sorter = builder(comparator, PAGES).maxFanIn(3).build();
    for (Rec r : input) {
      sorter.write(r);
    }
    RecordIterator<Rec> sorted = sorter.sorted();
    for (int i = 0; i < input.size() / 2; i++) {
      assertThat(sorted.next()).isNotNull();
    }
    sorter.close();
    assertThatThrownBy(sorted::next).isInstanceOf(IllegalStateException.class);
    sorted.close();
  }

  @Test
  void closingBeforeAnyInputOrTwiceIsFine() throws Exception {
    ExternalSorter<String> sorter = builder(new StringComparator(false), PAGES).build();
    sorter.close();
    sorter.close();
    assertThatThrownBy(sorter::sorted).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void theBuilderChecksItsOptions() {
    StringComparator comparator = new StringComparator(false);
    assertThatThrownBy(() -> builder(comparator, 7).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("pages=7");
    assertThatThrownBy(() -> builder(comparator, PAGES).maxFanIn(1).build())
        .hasMessageContaining("maxFanIn=1");
    assertThatThrownBy(() -> builder(comparator, PAGES).spillThreshold(0).build())
        .hasMessageContaining("spillThreshold=0.0");
    assertThatThrownBy(() -> builder(comparator, PAGES).sortBuffers(1).build())
        .hasMessageContaining("sortBuffers=1");
    assertThatThrownBy(() -> withStorage(ExternalSorter.builder(manager, owner, comparator)).build())
        .hasMessageContaining("memory is not set");
    assertThatThrownBy(() -> builder(comparator, 65).build())
        .isInstanceOf(io.memflow.managed.MemoryAllocationException.class);
    assertThat(manager.metrics().owner(owner).pages()).isZero();
  }

  @Test
  void aRecordLargerThanASortBufferIsRejectedAndTheSorterGoesOn() throws Exception {
    RecComparator comparator = new RecComparator(RecComparator.Kind.KEY_DECIDES, false);
    try (ExternalSorter<Rec> sorter = builder(comparator, PAGES).build()) {
      sorter.write(new Rec(2, 0, "b"));
      assertThatThrownBy(() -> sorter.write(new Rec(1, 0, Rec.payload(new Random(1), PAGES * PAGE))))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("does not fit an empty sort buffer");
      sorter.write(new Rec(1, 0, "a"));
      assertThat(drain(sorter.sorted())).containsExactly(new Rec(1, 0, "a"), new Rec(2, 0, "b"));
    }
  }
}
