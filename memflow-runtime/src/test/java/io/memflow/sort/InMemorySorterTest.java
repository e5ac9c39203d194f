package io.memflow.sort;

import static io.memflow.sort.SortAssertions.assertSortedLike;
import static io.memflow.sort.SortAssertions.drain;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.memflow.managed.MemoryManager;
import io.memflow.memory.MemorySegments;
import io.memflow.memory.MemoryType;
import io.memflow.memory.view.SeekableInputView;
import io.memflow.memory.view.SeekableOutputView;
import io.memflow.serialization.RecordIterator;
import io.memflow.serialization.SortComparator;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class InMemorySorterTest {

  static final int PAGE = 4096;
  final Object owner = "sorter";
  final MemoryManager manager = MemoryManager.builder().budget(256L * PAGE).pageSize(PAGE).build();

  @AfterEach
  void noLeaks() {
    assertThat(manager.metrics().owner(owner).pages()).isZero();
    manager.close();
  }

  static List<SortComparator<Rec>> recComparators() {
    List<SortComparator<Rec>> list = new ArrayList<>();
    for (RecComparator.Kind kind : RecComparator.Kind.values()) {
      list.add(new RecComparator(kind, false));
      list.add(new RecComparator(kind, true));
    }
    return list;
  }

  <T> List<T> sortAll(List<T> input, SortComparator<T> comparator, int pages) throws Exception {
    try (InMemorySorter<T> sorter = InMemorySorter.create(manager, owner, pages, comparator)) {
      for (T t : input) {
        assertThat(sorter.write(t)).as("write %s", t).isTrue();
      }
      assertThat(sorter.size()).isEqualTo(input.size());
      sorter.sort();
      try (RecordIterator<T> it = sorter.iterator()) {
        return drain(it);
      }
    }
  }

  @Test
  void sortsRandomRecordsLikeListSortForEveryComparatorAndDirection() throws Exception {
    Random random = new Random(42);
    for (SortComparator<Rec> comparator : recComparators()) {
      for (int keyRange : new int[] {0, 1, 3, 50, 1000}) {
        List<Rec> input = Rec.random(random, 2000, keyRange, 40);
        assertSortedLike(sortAll(input, comparator, 200), input, comparator);
      }
    }
  }

  @Property(tries = 60)
  void sortsLikeListSort(
      @ForAll @Size(max = 300) List<@IntRange(min = -20, max = 20) Integer> keys,
      @ForAll RecComparator.Kind kind,
      @ForAll boolean descending) throws Exception {
    try (MemoryManager local = MemoryManager.builder().budget(64L * PAGE).pageSize(PAGE).build()) {
      List<Rec> input = new ArrayList<>();
      for (int i = 0; i < keys.size(); i++) {
        input.add(new Rec(keys.get(i), i % 3, "p" + i));
      }
      RecComparator comparator = new RecComparator(kind, descending);
      try (InMemorySorter<Rec> sorter = InMemorySorter.create(local, "p", 64, comparator)) {
        for (Rec r : input) {
          assertThat(sorter.write(r)).isTrue();
        }
        sorter.sort();
        assertSortedLike(drain(sorter.iterator()), input, comparator);
      }
    }
  }

  @Property(tries = 60)
  void sortsStringsLikeListSort(@ForAll @Size(max = 200) List<String> input, @ForAll boolean descending)
      throws Exception {
    try (MemoryManager local = MemoryManager.builder().budget(64L * PAGE).pageSize(PAGE).build()) {
      StringComparator comparator = new StringComparator(descending);
      try (InMemorySorter<String> sorter = InMemorySorter.create(local, "s", 64, comparator)) {
        for (String s : input) {
          assertThat(sorter.write(s)).isTrue();
        }
        sorter.sort();
        assertSortedLike(drain(sorter.iterator()), input, comparator);
      }
    }
  }

  @Test
  void sortsStringsWithLongCommonPrefixes() throws Exception {
    Random random = new Random(7);
    List<String> input = new ArrayList<>();
    for (int i = 0; i < 3000; i++) {
      input.add("same-prefix-of-twenty-" + random.nextInt(500) + (random.nextBoolean() ? "\0" : ""));
    }
    for (boolean descending : new boolean[] {false, true}) {
      StringComparator comparator = new StringComparator(descending);
      assertSortedLike(sortAll(input, comparator, 100), input, comparator);
    }
  }

  @Test
  void emptyInputAndOneRecord() throws Exception {
    RecComparator comparator = new RecComparator(RecComparator.Kind.KEY_THEN_SECONDARY, false);
    assertThat(sortAll(List.of(), comparator, 2)).isEmpty();
    List<Rec> one = List.of(new Rec(5, 1, "x"));
    assertThat(sortAll(one, comparator, 2)).isEqualTo(one);
  }

  @Test
  void allEqualKeysAndSortedAndReversedInputs() throws Exception {
    RecComparator comparator = new RecComparator(RecComparator.Kind.KEY_DECIDES, false);
    List<Rec> equal = new ArrayList<>();
    List<Rec> ascending = new ArrayList<>();
    for (int i = 0; i < 5000; i++) {
      equal.add(new Rec(7, i, ""));
      ascending.add(new Rec(i, 0, ""));
    }
    List<Rec> descending = new ArrayList<>(ascending);
    Collections.reverse(descending);
    for (List<Rec> input : List.of(equal, ascending, descending)) {
      assertSortedLike(sortAll(input, comparator, 100), input, comparator);
    }
  }

  @ParameterizedTest
  @EnumSource(RecComparator.Kind.class)
  void recordsLargerThanAPageAreSortedAndReadBack(RecComparator.Kind kind) throws Exception {
    Random random = new Random(3);
    List<Rec> input = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      input.add(new Rec(random.nextInt(10), random.nextInt(3), Rec.payload(random, random.nextInt(3 * PAGE))));
    }
    RecComparator comparator = new RecComparator(kind, false);
    assertSortedLike(sortAll(input, comparator, 100), input, comparator);
  }

  @Test
  void fullComparisonsHappenOnlyOnPrefixTiesThatDoNotDecide() throws Exception {
    Random random = new Random(11);
    List<Rec> input = Rec.random(random, 3000, 100, 5);
    RecComparator deciding = new RecComparator(RecComparator.Kind.KEY_DECIDES, false);
    sortAll(input, deciding, 100);
    assertThat(deciding.fullCompares.get()).isZero();

    List<Rec> distinct = new ArrayList<>();
    for (int i = 0; i < 3000; i++) {
      distinct.add(new Rec((long) random.nextInt() << 32, 0, ""));
    }
    RecComparator partial = new RecComparator(RecComparator.Kind.KEY_THEN_SECONDARY, false);
    sortAll(distinct, partial, 100);
    long distinctTops = distinct.stream().map(r -> r.key() >>> 32).distinct().count();
    assertThat(distinctTops).isGreaterThan(2990);
    assertThat(partial.fullCompares.get()).isLessThan(200);
  }

  @Test
  void writeReturnsFalseWhenMemoryIsFullAndKeepsWhatItHas() throws Exception {
    RecComparator comparator = new RecComparator(RecComparator.Kind.KEY_THEN_SECONDARY, true);
    Random random = new Random(5);
    try (InMemorySorter<Rec> sorter = InMemorySorter.create(manager, owner, 4, comparator)) {
      List<Rec> accepted = new ArrayList<>();
      Rec next;
      while (sorter.write(next = new Rec(random.nextInt(100), 0, Rec.payload(random, 50)))) {
        accepted.add(next);
      }
      assertThat(accepted).hasSizeGreaterThan(100);
      assertThat(sorter.size()).isEqualTo(accepted.size());
      assertThat(sorter.occupancy()).isLessThanOrEqualTo(sorter.capacity()).isLessThanOrEqualTo(4L * PAGE);
      assertThat(sorter.write(new Rec(1, 1, Rec.payload(random, 5 * PAGE)))).isFalse();
      sorter.sort();
      assertSortedLike(drain(sorter.iterator()), accepted, comparator);

      sorter.reset();
      assertThat(sorter.isEmpty()).isTrue();
      List<Rec> second = Rec.random(random, 50, 10, 10);
      for (Rec r : second) {
        assertThat(sorter.write(r)).isTrue();
      }
      sorter.sort();
      assertSortedLike(drain(sorter.iterator()), second, comparator);
    }
  }

  @Test
  void aRecordLargerThanTheWholeMemoryIsRefusedWithoutDamage() throws Exception {
    RecComparator comparator = new RecComparator(RecComparator.Kind.NO_PREFIX, false);
    try (InMemorySorter<Rec> sorter = InMemorySorter.create(manager, owner, 3, comparator)) {
      assertThat(sorter.write(new Rec(1, 0, "a"))).isTrue();
      assertThat(sorter.write(new Rec(0, 0, Rec.payload(new Random(1), 3 * PAGE)))).isFalse();
      assertThat(sorter.write(new Rec(0, 0, "b"))).isTrue();
      sorter.sort();
      assertThat(drain(sorter.iterator())).containsExactly(new Rec(0, 0, "b"), new Rec(1, 0, "a"));
    }
  }

  @Test
  void writeToCopiesTheSortedRecordsAsBytes() throws Exception {
    Random random = new Random(9);
    List<Rec> input = Rec.random(random, 500, 30, 3000);
    RecComparator comparator = new RecComparator(RecComparator.Kind.KEY_THEN_SECONDARY, false);
    SeekableOutputView out = new SeekableOutputView(PAGE, () -> MemorySegments.allocateHeap(PAGE));
    try (InMemorySorter<Rec> sorter = InMemorySorter.create(manager, owner, 200, comparator)) {
      for (Rec r : input) {
        assertThat(sorter.write(r)).isTrue();
      }
      sorter.sort();
      sorter.writeTo(out);
    }
    SeekableInputView in = out.toInputView(out.getWritePosition());
    List<Rec> read = new ArrayList<>();
    while (in.remaining() > 0) {
      read.add(Rec.SERIALIZER.deserialize(in));
    }
    assertSortedLike(read, input, comparator);
  }

  @Test
  void closeReleasesEveryPageAndIsIdempotent() throws Exception {
    long offHeapBefore = MemorySegments.offHeapBytesInUse();
    InMemorySorter<Rec> sorter =
        InMemorySorter.create(manager, owner, 10, new RecComparator(RecComparator.Kind.KEY_DECIDES, false));
    assertThat(manager.metrics().owner(owner).pages()).isEqualTo(10);
    sorter.write(new Rec(1, 1, "x"));
    sorter.close();
    sorter.close();
    assertThat(manager.metrics().owner(owner).pages()).isZero();
    assertThat(MemorySegments.offHeapBytesInUse()).isEqualTo(offHeapBefore);
    assertThatThrownBy(() -> sorter.write(new Rec(1, 1, "x"))).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void worksOnHeapPages() throws Exception {
    try (MemoryManager heap =
        MemoryManager.builder().budget(32L * PAGE).pageSize(PAGE).memoryType(MemoryType.HEAP).build()) {
      RecComparator comparator = new RecComparator(RecComparator.Kind.KEY_THEN_SECONDARY, false);
      List<Rec> input = Rec.random(new Random(2), 400, 20, 100);
      try (InMemorySorter<Rec> sorter = InMemorySorter.create(heap, "h", 32, comparator)) {
        for (Rec r : input) {
          assertThat(sorter.write(r)).isTrue();
        }
        sorter.sort();
        assertSortedLike(drain(sorter.iterator()), input, comparator);
      }
    }
  }

  @Test
  void tooFewPagesAreRejected() {
    assertThatThrownBy(() -> InMemorySorter.create(manager, owner, 1, new StringComparator(false)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("numberOfPages=1");
  }

  @Test
  void nullRecordsAreRejected() throws Exception {
    try (InMemorySorter<String> sorter = InMemorySorter.create(manager, owner, 2, new StringComparator(false))) {
      assertThatThrownBy(() -> sorter.write(null)).isInstanceOf(NullPointerException.class);
      assertThat(Arrays.asList(sorter.size())).containsExactly(0);
    }
  }
}
