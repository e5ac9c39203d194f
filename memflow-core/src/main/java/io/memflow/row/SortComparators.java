package io.memflow.row;

import io.memflow.serialization.SortComparator;

/**
 * The built-in {@link SortComparator}s: rows by key fields, and plain longs, ints and strings over
 * the serializers of {@link io.memflow.serialization.Serializers}. Key encodings are in {@code
 * docs/records.md}.
 *
 * <p>Each call returns a comparator for one thread; {@link SortComparator#duplicate()} gives more.
 * The comparators own no memory.
 */
public final class SortComparators {

  private static final SortComparator<Long> LONGS = PlainSortComparators.FixedWidth.longs();
  private static final SortComparator<Integer> INTS = PlainSortComparators.FixedWidth.ints();

  private SortComparators() {}

  /**
   * Rows of {@code schema} ordered by {@code keys}: the first key field decides, ties go to the
   * next. The normalized key holds the key fields up to and including the first STRING or BYTES
   * one (a 16-byte prefix of it); it decides the order only if every key field is fixed-width.
   * Strings order by their UTF-8 bytes, which is code point order, not {@link String#compareTo}.
   *
   * @throws IllegalArgumentException if there are no keys or a field appears twice
   * @throws IndexOutOfBoundsException if a key names a field the schema does not have
   */
  public static SortComparator<BinaryRow> rows(RowSchema schema, SortField... keys) {
    return new RowSortComparator(schema, keys);
  }

  /** Longs ({@code Serializers.LONG}), ascending; an 8-byte key that decides. Thread-safe. */
  public static SortComparator<Long> longs() {
    return LONGS;
  }

  /** Ints ({@code Serializers.INT}), ascending; a 4-byte key that decides. Thread-safe. */
  public static SortComparator<Integer> ints() {
    return INTS;
  }

  /**
   * Strings ({@code Serializers.STRING}), ascending in UTF-8 byte order (code point order), null
   * first; a 17-byte key (null indicator and 16 UTF-8 bytes) that never decides alone.
   */
  public static SortComparator<String> strings() {
    return new PlainSortComparators.Strings();
  }
}
