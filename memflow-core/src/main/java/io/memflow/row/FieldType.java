package io.memflow.row;

/**
 * The type of a row field. Fixed-width types live in their 8-byte slot; {@link #STRING} and
 * {@link #BYTES} live in the row's variable-length part, their slot holding offset and length.
 */
public enum FieldType {
  /** A 32-bit signed {@code int}. */
  INT(true),
  /** A 64-bit signed {@code long}. */
  LONG(true),
  /** A 64-bit IEEE 754 {@code double}, ordered as {@link Double#compare}. */
  DOUBLE(true),
  /** A {@code String}, stored as UTF-8 and ordered by its UTF-8 bytes (code point order). */
  STRING(false),
  /** A {@code byte[]}, ordered as unsigned bytes, lexicographically. */
  BYTES(false);

  private final boolean fixedWidth;

  FieldType(boolean fixedWidth) {
    this.fixedWidth = fixedWidth;
  }

  /** Whether the value lives entirely in its 8-byte slot. */
  public boolean isFixedWidth() {
    return fixedWidth;
  }
}
