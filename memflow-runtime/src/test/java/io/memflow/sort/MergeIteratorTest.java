package io.memflow.sort;

import static org.assertj.core.api.Assertions.assertThat;

import io.memflow.serialization.RecordIterator;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * The tournament merge against a stable sort of the concatenated sources: any number of sources
 * (none, one, some empty), duplicates across and within sources, every comparator flavour and
 * direction, read with and without reuse. Equal records must come out in source order, so the
 * expected result is exactly the stable sort of the sources' concatenation.
 */
class MergeIteratorTest {

  @Property(tries = 300)
  void mergesLikeAStableSortOfTheConcatenation(
      @ForAll @IntRange(min = 0, max = 17) int sourceCount,
      @ForAll @IntRange(min = 0, max = 40) int maxPerSource,
      @ForAll @IntRange(min = 1, max = 30) int keyRange,
      @ForAll RecComparator.Kind kind,
      @ForAll boolean descending,
      @ForAll boolean reuse,
      @ForAll long seed) throws IOException {
    Random random = new Random(seed);
    RecComparator comparator = new RecComparator(kind, descending);
    List<List<Rec>> sources = new ArrayList<>();
    List<Rec> concatenation = new ArrayList<>();
    for (int s = 0; s < sourceCount; s++) {
      List<Rec> source = Rec.random(random, random.nextInt(maxPerSource + 1), keyRange, 3);
      source.sort(comparator::compare);
      sources.add(source);
      concatenation.addAll(source);
    }
    List<Rec> expected = new ArrayList<>(concatenation);
    expected.sort(comparator::compare); // stable: equal records keep source order

    assertThat(merge(sources, comparator, reuse)).containsExactlyElementsOf(expected);
  }

  @Example
  void exhaustedSourcesStayExhaustedAndEveryOneIsClosed() throws IOException {
    RecComparator comparator = new RecComparator(RecComparator.Kind.KEY_DECIDES, false);
    List<ListIterator> iterators = List.of(
        new ListIterator(List.of()), new ListIterator(List.of(rec(1), rec(4))), new ListIterator(List.of(rec(2))));
    MergeIterator<Rec> merge = new MergeIterator<>(iterators, comparator);

    assertThat(SortAssertions.drain(merge)).extracting(Rec::key).containsExactly(1L, 2L, 4L);
    assertThat(merge.next()).isNull();
    merge.close();
    assertThat(iterators).allMatch(i -> i.closed);
  }

  private static Rec rec(long key) {
    return new Rec(key, 0, "");
  }

  private static List<Rec> merge(List<List<Rec>> sources, RecComparator comparator, boolean reuse)
      throws IOException {
    List<ListIterator> iterators = sources.stream().map(ListIterator::new).toList();
    List<Rec> out = new ArrayList<>();
    try (MergeIterator<Rec> merge = new MergeIterator<>(iterators, comparator)) {
      for (Rec r = reuse ? merge.next(null) : merge.next(); r != null; r = reuse ? merge.next(r) : merge.next()) {
        out.add(r);
      }
    }
    return out;
  }

  /** A sorted source from a list; records closing. */
  private static final class ListIterator implements RecordIterator<Rec> {
    private final List<Rec> records;
    private int next;
    boolean closed;

    ListIterator(List<Rec> records) {
      this.records = records;
    }

    @Override
    public Rec next() {
      return next < records.size() ? records.get(next++) : null;
    }

    @Override
    public void close() {
      closed = true;
    }
  }
}
