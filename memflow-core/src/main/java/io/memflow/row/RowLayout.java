package io.memflow.row;

import io.memflow.memory.MemorySegment;

/**
 * The binary layout of one row, in the spirit of Flink's BinaryRowData: the one place where its
 * offsets live.
 *
 * <pre>
 *  0                        B = bitmapBytes(n)         F = B + 8 * n                     length
 *  +------------------------+--------------------------+---------------------------------+
 *  | null bitmap            | fixed part: one 8-byte   | variable part: the bytes of the  |
 *  | ceil(n / 64) 8-byte    | slot per field, slot i   | STRING and BYTES fields, back to |
 *  | words; bit i set =     | at B + 8 * i             | back, in the order they were set |
 *  | field i is null        |                          |                                  |
 *  +------------------------+--------------------------+---------------------------------+
 *
 *  bit i: byte B_i = i / 8 of the bitmap, bit (i % 8) of that byte (value 1 << (i % 8))
 *
 *  slot of INT     | int, bytes 0..3        | 0 0 0 0              |
 *  slot of LONG    | long, bytes 0..7                              |
 *  slot of DOUBLE  | Double.doubleToLongBits (canonical NaN), 0..7 |
 *  slot of STRING, | offset of the bytes from   | length in bytes  |   STRING: UTF-8 (an unpaired
 *  slot of BYTES   | the row's start, 0..3      | 4..7             |   surrogate as 3 bytes, WTF-8)
 *  a null field's slot is all zero (so equal rows have equal bytes)
 * </pre>
 *
 * <p><b>Byte order: little-endian</b>, fixed (not the platform's), so that rows written on one
 * machine read the same on another (spill files, network), and on x86-64 and AArch64, both
 * little-endian, a slot read is a plain load. Nothing compares slots as raw bytes: ordering goes
 * through normalized keys ({@link NormalizedKeys}), which are big-endian by construction.
 *
 * <p>A row's length is at least {@code F}; every variable field lies inside {@code [F, length)}.
 * Public so that operators which keep rows in their own pages and update them in place (hash
 * aggregation) address the same offsets instead of repeating them. Stateless and thread-safe.
 */
public final class RowLayout {

  /** Bytes per bitmap word; the bitmap is a whole number of words. */
  public static final int BITMAP_WORD_BYTES = 8;

  /** Bytes per fixed slot. */
  public static final int SLOT_BYTES = 8;

  /** In the slot of a STRING or BYTES field: where the offset (from the row's start) is. */
  public static final int VAR_OFFSET_IN_SLOT = 0;

  /** In the slot of a STRING or BYTES field: where the length is. */
  public static final int VAR_LENGTH_IN_SLOT = 4;

  private RowLayout() {}

  /** The size of the null bitmap of a row of {@code fieldCount} fields. */
  public static int bitmapBytes(int fieldCount) {
    return (fieldCount + 63) / 64 * BITMAP_WORD_BYTES;
  }

  /** The offset of field {@code index}'s slot from the row's start. */
  public static int slotOffset(int fieldCount, int index) {
    return bitmapBytes(fieldCount) + index * SLOT_BYTES;
  }

  /** The size of bitmap plus fixed part: the smallest row of {@code fieldCount} fields. */
  public static int fixedPartBytes(int fieldCount) {
    return bitmapBytes(fieldCount) + fieldCount * SLOT_BYTES;
  }

  /** The offset of the bitmap byte that holds field {@code index}'s null bit. */
  public static int nullByteOffset(int index) {
    return index >>> 3;
  }

  /** The mask of field {@code index}'s null bit in its bitmap byte. */
  public static int nullBitMask(int index) {
    return 1 << (index & 7);
  }

  /**
   * Checks that the {@code length} bytes at {@code offset} of {@code segment} are a well-formed
   * row of {@code schema}: long enough for the fixed part, and every non-null variable field
   * inside the variable part.
   *
   * @throws IllegalArgumentException naming the field and every operand if not
   */
  static void check(RowSchema schema, MemorySegment segment, int offset, int length) {
    int fields = schema.fieldCount();
    int fixed = fixedPartBytes(fields);
    if (length < fixed) {
      throw new IllegalArgumentException(
          "row length=" + length + " is less than its fixed part=" + fixed + " for fieldCount=" + fields);
    }
    for (int i = 0; i < fields; i++) {
      boolean isNull = (segment.get(offset + nullByteOffset(i)) & nullBitMask(i)) != 0;
      if (!schema.type(i).isFixedWidth() && !isNull) {
        int slot = offset + slotOffset(fields, i);
        checkVariable(i, segment.getIntLittleEndian(slot + VAR_OFFSET_IN_SLOT),
            segment.getIntLittleEndian(slot + VAR_LENGTH_IN_SLOT), fixed, length);
      }
    }
  }

  /** Checks that a variable field's bytes {@code [start, start + size)} lie in {@code [fixed, length)}. */
  static void checkVariable(int field, int start, int size, int fixed, int length) {
    if (start < fixed || size < 0 || size > length - start) {
      throw new IllegalArgumentException(
          "field=" + field + " offset=" + start + " length=" + size
              + " is outside the variable part [" + fixed + ", " + length + ") of the row");
    }
  }
}
