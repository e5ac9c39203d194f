package io.memflow.row;

import io.memflow.memory.MemorySegment;
import io.memflow.memory.view.DataInputView;
import io.memflow.serialization.Serializers;
import io.memflow.serialization.SortComparator;
import io.memflow.serialization.TypeSerializer;
import java.io.IOException;
import java.util.Arrays;

/** The comparators of {@link SortComparators} for plain longs, ints and strings. */
final class PlainSortComparators {

  private PlainSortComparators() {}

  static void checkNumBytes(int numBytes, int keyLength) {
    if (numBytes < 0 || numBytes > keyLength) {
      throw new IllegalArgumentException("numBytes=" + numBytes + " must be in [0, normalizedKeyLength=" + keyLength + "]");
    }
  }

  /**
   * Numbers of one fixed width (longs or ints) in their serializer's layout: the key is the value's
   * order-preserving encoding ({@link NormalizedKeys}), which decides the order. Stateless and
   * thread-safe.
   */
  static final class FixedWidth<T extends Comparable<T>> implements SortComparator<T> {
    private final String name;
    private final TypeSerializer<T> serializer;
    private final int width;
    private final java.util.function.ToLongFunction<T> encode;

    private FixedWidth(String name, TypeSerializer<T> serializer, int width, java.util.function.ToLongFunction<T> encode) {
      this.name = name;
      this.serializer = serializer;
      this.width = width;
      this.encode = encode;
    }

    static FixedWidth<Long> longs() {
      return new FixedWidth<>("SortComparators.longs()", Serializers.LONG, Long.BYTES, NormalizedKeys::ofLong);
    }

    static FixedWidth<Integer> ints() {
      return new FixedWidth<>("SortComparators.ints()", Serializers.INT, Integer.BYTES, NormalizedKeys::ofInt);
    }

    @Override
    public TypeSerializer<T> serializer() {
      return serializer;
    }

    @Override
    public int normalizedKeyLength() {
      return width;
    }

    @Override
    public boolean normalizedKeyDecidesOrder(int numBytes) {
      return numBytes >= width;
    }

    @Override
    public void putNormalizedKey(T record, MemorySegment target, int offset, int numBytes) {
      checkNumBytes(numBytes, width);
      NormalizedKeys.putBigEndian(encode.applyAsLong(record), width, target, offset, numBytes);
    }

    @Override
    public int compare(T a, T b) {
      return a.compareTo(b);
    }

    @Override
    public int compareSerialized(DataInputView a, DataInputView b) throws IOException {
      return compare(serializer.deserialize(a), serializer.deserialize(b));
    }

    @Override
    public SortComparator<T> duplicate() {
      return this;
    }

    @Override
    public String toString() {
      return name;
    }
  }

  /**
   * Strings (null first) in {@link Serializers#STRING}'s layout, in UTF-8 byte order (code point
   * order). Key: a null indicator byte, then the first 16 UTF-8 bytes; it never decides alone. Not
   * thread-safe: scratch arrays for keys and serialized comparison.
   */
  static final class Strings implements SortComparator<String> {
    private static final int KEY_LENGTH = 1 + NormalizedKeys.VARIABLE_PREFIX_BYTES;
    private final byte[] keyScratch = new byte[NormalizedKeys.VARIABLE_PREFIX_BYTES];
    private byte[] scratchA = new byte[64];
    private byte[] scratchB = new byte[64];

    @Override
    public TypeSerializer<String> serializer() {
      return Serializers.STRING;
    }

    @Override
    public int normalizedKeyLength() {
      return KEY_LENGTH;
    }

    @Override
    public boolean normalizedKeyDecidesOrder(int numBytes) {
      return false;
    }

    @Override
    public void putNormalizedKey(String record, MemorySegment target, int offset, int numBytes) {
      checkNumBytes(numBytes, KEY_LENGTH);
      if (numBytes == 0) {
        return;
      }
      target.put(offset, record == null ? NormalizedKeys.NULL_FIRST : NormalizedKeys.VALUE_AFTER_NULLS);
      int count = record == null ? 0 : Utf8.encode(record, keyScratch, 0, numBytes - 1);
      target.put(offset + 1, keyScratch, 0, count);
      target.fill(offset + 1 + count, numBytes - 1 - count, (byte) 0);
    }

    @Override
    public int compare(String a, String b) {
      if (a == null || b == null) {
        return Boolean.compare(b == null, a == null);
      }
      return Integer.signum(Utf8.compare(a, b));
    }

    @Override
    public int compareSerialized(DataInputView a, DataInputView b) throws IOException {
      int lengthA = readPrefix(a) - 1;
      if (lengthA >= 0) {
        scratchA = fill(a, scratchA, lengthA);
      }
      int lengthB = readPrefix(b) - 1;
      if (lengthB >= 0) {
        scratchB = fill(b, scratchB, lengthB);
      }
      if (lengthA < 0 || lengthB < 0) {
        return Boolean.compare(lengthB < 0, lengthA < 0);
      }
      return Integer.signum(Arrays.compareUnsigned(scratchA, 0, lengthA, scratchB, 0, lengthB));
    }

    private static int readPrefix(DataInputView in) throws IOException {
      int prefix = in.readVarInt();
      if (prefix < 0) {
        throw new IOException("malformed string length prefix=" + Integer.toUnsignedString(prefix) + ", at most " + Integer.MAX_VALUE);
      }
      return prefix;
    }

    private static byte[] fill(DataInputView in, byte[] scratch, int length) throws IOException {
      byte[] target = scratch.length >= length ? scratch : new byte[Math.max(length, 2 * scratch.length)];
      in.readFully(target, 0, length);
      return target;
    }

    @Override
    public SortComparator<String> duplicate() {
      return new Strings();
    }

    @Override
    public String toString() {
      return "SortComparators.strings()";
    }
  }
}
