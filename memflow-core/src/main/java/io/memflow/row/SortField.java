package io.memflow.row;

import java.util.Objects;

/**
 * One key field of a row sort: the field's index, the direction, and where nulls go. Nulls go
 * first or last whatever the direction (as SQL's {@code NULLS FIRST} / {@code NULLS LAST}).
 * Immutable and thread-safe.
 *
 * @param field the index of the field in the schema
 * @param direction ascending or descending
 * @param nulls nulls before or after every value
 */
public record SortField(int field, Direction direction, Nulls nulls) {

  /** The direction of a key field. */
  public enum Direction {
    /** Smallest first. */
    ASCENDING,
    /** Largest first. */
    DESCENDING
  }

  /** Where nulls go, whatever the direction. */
  public enum Nulls {
    /** Before every value. */
    FIRST,
    /** After every value. */
    LAST
  }

  /** Checks that direction and nulls are present and the index is not negative. */
  public SortField {
    Objects.requireNonNull(direction, "direction");
    Objects.requireNonNull(nulls, "nulls");
    if (field < 0) {
      throw new IllegalArgumentException("field=" + field + " must not be negative");
    }
  }

  /** Field {@code field} ascending, nulls first. */
  public static SortField ascending(int field) {
    return new SortField(field, Direction.ASCENDING, Nulls.FIRST);
  }

  /** Field {@code field} descending, nulls last. */
  public static SortField descending(int field) {
    return new SortField(field, Direction.DESCENDING, Nulls.LAST);
  }

  /** This key field with nulls first. */
  public SortField nullsFirst() {
    return new SortField(field, direction, Nulls.FIRST);
  }

  /** This key field with nulls last. */
  public SortField nullsLast() {
    return new SortField(field, direction, Nulls.LAST);
  }

  /** Whether the field is descending. */
  public boolean isDescending() {
    return direction == Direction.DESCENDING;
  }
}
