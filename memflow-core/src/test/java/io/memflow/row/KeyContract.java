package io.memflow.row;

import static org.assertj.core.api.Assertions.assertThat;

import io.memflow.memory.MemorySegment;
import io.memflow.memory.MemorySegments;
import io.memflow.memory.view.SeekableOutputView;
import io.memflow.serialization.SortComparator;
import io.memflow.serialization.TypeSerializer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;

/**
 * Checks the {@link SortComparator} contract for every pair of a list of records against an
 * oracle: prefixes of several lengths, decidesOrder, compare, compareSerialized.
 */
final class KeyContract {

  private KeyContract() {}

  /** The prefix lengths the contract is checked at: 0, 1, 4, 8, 16 and the full key, where they fit. */
  static List<Integer> prefixLengths(int keyLength) {
    TreeSet<Integer> lengths = new TreeSet<>(List.of(0, 1, 4, 8, 16, keyLength));
    lengths.removeIf(n -> n > keyLength);
    return List.copyOf(lengths);
  }

  /**
   * Checks every ordered pair of {@code records}; {@code oracle} orders the same records as
   * {@code values} (index by index).
   */
  static <T, V> void checkAllPairs(SortComparator<T> comparator, List<T> records, List<V> values, Comparator<V> oracle)
      throws IOException {
    int keyLength = comparator.normalizedKeyLength();
    List<byte[]> serialized = serializeAll(comparator.serializer(), records);
    for (int n : prefixLengths(keyLength)) {
      List<byte[]> keys = keys(comparator, records, n);
      for (int i = 0; i < records.size(); i++) {
        for (int j = 0; j < records.size(); j++) {
          String pair = "n=" + n + " a=" + values.get(i) + " b=" + values.get(j) + " " + comparator;
          int expected = Integer.signum(oracle.compare(values.get(i), values.get(j)));
          int actual = Integer.signum(comparator.compare(records.get(i), records.get(j)));
          assertThat(actual).as("compare agrees with the oracle: " + pair).isEqualTo(expected);
          int prefix = Integer.signum(java.util.Arrays.compareUnsigned(keys.get(i), keys.get(j)));
          if (prefix != 0) {
            assertThat(actual).as("a differing prefix decides: " + pair).isEqualTo(prefix);
          } else if (comparator.normalizedKeyDecidesOrder(n)) {
            assertThat(actual).as("an equal deciding prefix means equal: " + pair).isZero();
          }
        }
      }
    }
    checkSerialized(comparator, serialized, records);
  }

  private static <T> void checkSerialized(SortComparator<T> comparator, List<byte[]> serialized, List<T> records)
      throws IOException {
    SortComparator<T> duplicate = comparator.duplicate();
    for (int i = 0; i < records.size(); i++) {
      for (int j = 0; j < records.size(); j++) {
        int expected = Integer.signum(comparator.compare(records.get(i), records.get(j)));
        int actual = Integer.signum(duplicate.compareSerialized(Views.input(serialized.get(i)), Views.input(serialized.get(j))));
        assertThat(actual).as("compareSerialized agrees with compare: %s %s", records.get(i), records.get(j))
            .isEqualTo(expected);
      }
    }
  }

  /** Each record's key of {@code n} bytes, written after a junk byte to check the offset is honoured. */
  private static <T> List<byte[]> keys(SortComparator<T> comparator, List<T> records, int n) {
    List<byte[]> keys = new ArrayList<>();
    MemorySegment target = MemorySegments.allocateHeap(n + 2);
    for (T record : records) {
      target.fill(0, n + 2, (byte) 0x5A);
      comparator.putNormalizedKey(record, target, 1, n);
      assertThat(target.get(0)).isEqualTo((byte) 0x5A);
      assertThat(target.get(n + 1)).isEqualTo((byte) 0x5A);
      byte[] key = new byte[n];
      target.get(1, key);
      keys.add(key);
    }
    return keys;
  }

  private static <T> List<byte[]> serializeAll(TypeSerializer<T> serializer, List<T> records) throws IOException {
    List<byte[]> all = new ArrayList<>();
    for (T record : records) {
      all.add(Views.serialize(serializer, record));
    }
    return all;
  }

  /** Views over heap pages for serialized records: small pages so records span pages. */
  static final class Views {
    private static final int PAGE_SIZE = 24;

    static <T> byte[] serialize(TypeSerializer<T> serializer, T record) throws IOException {
      SeekableOutputView out = new SeekableOutputView(PAGE_SIZE, () -> MemorySegments.allocateHeap(PAGE_SIZE));
      serializer.serialize(record, out);
      byte[] bytes = new byte[(int) out.getWritePosition()];
      out.toInputView(bytes.length).readFully(bytes);
      return bytes;
    }

    static io.memflow.memory.view.SeekableInputView input(byte[] bytes) {
      List<MemorySegment> pages = new ArrayList<>();
      for (int at = 0; at < bytes.length; at += PAGE_SIZE) {
        MemorySegment page = MemorySegments.allocateHeap(PAGE_SIZE);
        page.put(0, bytes, at, Math.min(PAGE_SIZE, bytes.length - at));
        pages.add(page);
      }
      return new io.memflow.memory.view.SeekableInputView(pages, PAGE_SIZE, bytes.length);
    }
  }
}
