package io.memflow.sort;

import static io.memflow.sort.SortAssertions.drain;
import static org.assertj.core.api.Assertions.assertThat;

import io.memflow.managed.MemoryManager;
import io.memflow.memory.MemorySegment;
import io.memflow.memory.view.DataInputView;
import io.memflow.serialization.RecordIterator;
import io.memflow.serialization.Serializers;
import io.memflow.serialization.SortComparator;
import io.memflow.serialization.TypeSerializer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The index entry layout of {@link NormalizedKeySorter} (key words, padding, 48-bit pointer) for
 * every key length, at page boundaries, with ties on the whole prefix and keys that differ only in
 * their last prefix byte: each sort is checked against {@code List.sort}.
 */
class IndexEntryLayoutTest {

  static final int PAGE = 4096;
  final Object owner = "layout";
  final MemoryManager manager = MemoryManager.builder().budget(2048L * PAGE).pageSize(PAGE).build();

  @AfterEach
  void noLeaks() {
    assertThat(manager.metrics().owner(owner).pages()).isZero();
    manager.close();
  }

  /**
   * Orders byte arrays by their first {@code keyLength} bytes as unsigned bytes; the normalized
   * key is those bytes, so it decides the order exactly when all of them fit in the prefix. The
   * rest of a record is payload that never takes part.
   */
  record KeyComparator(int keyLength) implements SortComparator<byte[]> {

    @Override
    public TypeSerializer<byte[]> serializer() {
      return Serializers.BYTE_ARRAY;
    }

    @Override
    public int normalizedKeyLength() {
      return keyLength;
    }

    @Override
    public boolean normalizedKeyDecidesOrder(int numBytes) {
      return numBytes >= keyLength;
    }

    @Override
    public void putNormalizedKey(byte[] record, MemorySegment target, int offset, int numBytes) {
      target.put(offset, record, 0, numBytes);
    }

    @Override
    public int compare(byte[] a, byte[] b) {
      return Arrays.compareUnsigned(a, 0, keyLength, b, 0, keyLength);
    }

    @Override
    public int compareSerialized(DataInputView a, DataInputView b) throws IOException {
      return compare(Serializers.BYTE_ARRAY.deserialize(a), Serializers.BYTE_ARRAY.deserialize(b));
    }

    @Override
    public SortComparator<byte[]> duplicate() {
      return this;
    }
  }

  /** Records of {@code keyLength} key bytes drawn from {@code alphabet}, then a payload naming the record. */
  static List<byte[]> records(Random random, int n, int keyLength, byte[] alphabet, int payload) {
    List<byte[]> list = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      byte[] r = new byte[keyLength + payload + 4];
      for (int k = 0; k < keyLength; k++) {
        r[k] = alphabet[random.nextInt(alphabet.length)];
      }
      for (int k = keyLength; k < keyLength + payload; k++) {
        r[k] = (byte) random.nextInt();
      }
      r[r.length - 4] = (byte) (i >>> 24);
      r[r.length - 3] = (byte) (i >>> 16);
      r[r.length - 2] = (byte) (i >>> 8);
      r[r.length - 1] = (byte) i;
      list.add(r);
    }
    return list;
  }

  List<byte[]> sortAll(List<byte[]> input, KeyComparator comparator) throws Exception {
    try (InMemorySorter<byte[]> sorter = InMemorySorter.create(manager, owner, 2048, comparator)) {
      for (byte[] r : input) {
        assertThat(sorter.write(r)).isTrue();
      }
      sorter.sort();
      try (RecordIterator<byte[]> it = sorter.iterator()) {
        return drain(it);
      }
    }
  }

  /** Sorted like {@code List.sort}, and the same records (each is unique by its payload). */
  static void assertSorted(List<byte[]> actual, List<byte[]> input, KeyComparator comparator, String what) {
    List<byte[]> expected = new ArrayList<>(input);
    expected.sort(comparator::compare);
    assertThat(actual).as(what).hasSameSizeAs(expected);
    for (int i = 0; i < expected.size(); i++) {
      if (comparator.compare(actual.get(i), expected.get(i)) != 0) {
        throw new AssertionError(what + " position " + i + ": actual=" + Arrays.toString(actual.get(i))
            + " expected=" + Arrays.toString(expected.get(i)));
      }
    }
    List<String> a = actual.stream().map(Arrays::toString).sorted().toList();
    List<String> e = input.stream().map(Arrays::toString).sorted().toList();
    assertThat(a).as(what + ": the same records").isEqualTo(e);
  }

  @Test
  void entriesAreWholeWordsHoldingTheKeyAndASixBytePointer() {
    assertThat(NormalizedKeySorter.entryBytes(0)).isEqualTo(8);
    assertThat(NormalizedKeySorter.entryBytes(2)).isEqualTo(8);
    assertThat(NormalizedKeySorter.entryBytes(3)).isEqualTo(16);
    assertThat(NormalizedKeySorter.entryBytes(10)).isEqualTo(16);
    assertThat(NormalizedKeySorter.entryBytes(11)).isEqualTo(24);
    assertThat(NormalizedKeySorter.entryBytes(NormalizedKeySorter.MAX_KEY_BYTES)).isEqualTo(24);
  }

  @Test
  void sortsLikeListSortForEveryKeyLengthAndPageBoundary() throws Exception {
    Random random = new Random(17);
    byte[] few = {0, 1, (byte) 0x80, (byte) 0xFF};
    for (int keyLength : new int[] {0, 1, 2, 3, 7, 8, 9, 10, 11, 15, 16, 17, 24}) {
      int perPage = PAGE / NormalizedKeySorter.entryBytes(Math.min(keyLength, 16));
      for (int n : new int[] {0, 1, 2, perPage - 1, perPage, perPage + 1, 2 * perPage, 3 * perPage + 7}) {
        KeyComparator comparator = new KeyComparator(keyLength);
        List<byte[]> input = records(random, n, keyLength, few, 3);
        assertSorted(sortAll(input, comparator), input, comparator, "key=" + keyLength + " n=" + n);
      }
    }
  }

  @Test
  void keysThatDifferOnlyInTheLastPrefixByteOrAfterIt() throws Exception {
    Random random = new Random(18);
    for (int keyLength : new int[] {1, 2, 8, 10, 16, 20}) {
      KeyComparator comparator = new KeyComparator(keyLength);
      List<byte[]> input = records(random, 5000, keyLength, new byte[] {7}, 2);
      for (byte[] r : input) {
        int last = Math.min(keyLength, NormalizedKeySorter.MAX_KEY_BYTES) - 1;
        r[last] = (byte) random.nextInt(256); // the last prefix byte decides...
        r[keyLength - 1] = (byte) random.nextInt(3); // ...unless the key runs past the prefix
      }
      assertSorted(sortAll(input, comparator), input, comparator, "key=" + keyLength);
    }
  }

  @Test
  void allEqualAscendingAndDescendingKeys() throws Exception {
    for (int keyLength : new int[] {2, 10, 16}) {
      KeyComparator comparator = new KeyComparator(keyLength);
      List<byte[]> equal = records(new Random(1), 20_000, keyLength, new byte[] {(byte) 0xAB}, 1);
      List<byte[]> ascending = new ArrayList<>();
      for (int i = 0; i < 20_000; i++) {
        byte[] r = new byte[keyLength];
        for (int k = 0; k < Math.min(keyLength, 4); k++) {
          r[keyLength - 1 - k] = (byte) (i >>> (8 * k));
        }
        ascending.add(r);
      }
      List<byte[]> descending = new ArrayList<>(ascending.reversed());
      for (List<byte[]> input : List.of(equal, ascending, descending)) {
        assertSorted(sortAll(input, comparator), input, comparator, "key=" + keyLength);
      }
    }
  }

  @Test
  void theFirstRadixPassGoesOutOfPlaceOnlyWithRoomForASecondIndex() throws Exception {
    Random random = new Random(20);
    byte[] all = new byte[256];
    for (int b = 0; b < 256; b++) {
      all[b] = (byte) b;
    }
    KeyComparator comparator = new KeyComparator(10);
    int n = NormalizedKeySorter.OUT_OF_PLACE_MIN_ENTRIES + 1000;
    List<byte[]> input = records(random, n, 10, all, 1);
    try (InMemorySorter<byte[]> sorter = InMemorySorter.create(manager, owner, 2048, comparator)) {
      input.forEach(r -> assertThat(write(sorter, r)).isTrue());
      long capacity = sorter.capacity();
      int[] start = new int[257];
      assertThat(((NormalizedKeySorter<byte[]>) sorter).distributeByFirstByte(start)).isTrue();
      assertThat(sorter.capacity()).isEqualTo(capacity); // the old index pages went back
      assertThat(start[0]).isZero();
      assertThat(start[256]).isEqualTo(n);
      List<byte[]> distributed = drain(sorter.iterator());
      for (int i = 0; i < n; i++) {
        int b = Byte.toUnsignedInt(distributed.get(i)[0]);
        assertThat(i).as("entry %d of byte %d", i, b).isBetween(start[b], start[b + 1] - 1);
      }
      sorter.sort();
      assertSorted(drain(sorter.iterator()), input, comparator, "out of place");
    }
    try (InMemorySorter<byte[]> full = InMemorySorter.create(manager, owner, 300, comparator)) {
      List<byte[]> accepted = new ArrayList<>();
      for (byte[] r : records(random, 100_000, 10, all, 1)) {
        if (!write(full, r)) {
          break;
        }
        accepted.add(r);
      }
      assertThat(accepted.size()).isGreaterThan(NormalizedKeySorter.OUT_OF_PLACE_MIN_ENTRIES);
      assertThat(((NormalizedKeySorter<byte[]>) full).distributeByFirstByte(new int[257])).isFalse();
      full.sort();
      assertSorted(drain(full.iterator()), accepted, comparator, "in place");
    }
  }

  private static boolean write(InMemorySorter<byte[]> sorter, byte[] record) {
    try {
      return sorter.write(record);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void manyRandomRecordsOverManyIndexPages() throws Exception {
    Random random = new Random(19);
    byte[] all = new byte[256];
    for (int b = 0; b < 256; b++) {
      all[b] = (byte) b;
    }
    for (int keyLength : new int[] {4, 10, 16}) {
      KeyComparator comparator = new KeyComparator(keyLength);
      List<byte[]> input = records(random, 150_000, keyLength, all, 0);
      assertSorted(sortAll(input, comparator), input, comparator, "key=" + keyLength);
    }
  }
}
