package io.memflow.hash;

import io.memflow.hash.AggLayout.Op;
import io.memflow.hash.AggLayout.Slot;
import io.memflow.memory.MemorySegment;
import io.memflow.row.FieldType;
import io.memflow.row.RowLayout;
import io.memflow.row.RowSchema;
import java.util.Arrays;

/**
 * The updates of a group's fixed-width accumulators by one source row, compiled once per
 * aggregation into flat arrays: for each accumulator an operation code (the {@link Op} and the
 * value's type in one), the offsets of the source value's slot and null bit in the source row and
 * of the accumulator's slot and null bit in the group row. {@link #apply} then reads and writes
 * the two rows' bytes directly, where {@link AggLayout}'s generic path went through {@link
 * io.memflow.row.BinaryRow}'s checked accessors and a type lookup per value: the hot loop of
 * every hash aggregation and combiner. When both rows have at most 64 fields, each row's null
 * bitmap is one little-endian word (field {@code f} is bit {@code f}): {@link #apply} reads each
 * once and writes the group's back once if a first value cleared a bit, instead of a byte read
 * per accumulator. Each memory access through the FFM API costs its checks, so this took the
 * accesses of a count-sum-min-max row from 14 to 9.
 *
 * <p>Safety: the offsets come from the schemas and lie inside each row's fixed part, which {@code
 * BinaryRow.pointTo} checked against the row's length; the segments check their own bounds. A
 * source field that is not nullable never has its null bit set (row writers refuse a null there),
 * so its bit is not read.
 *
 * <p>Immutable and thread-safe.
 */
final class AccumulatorProgram {

  private static final int COUNT_ROWS = 0;
  private static final int COUNT_VALUE = 1;
  private static final int ADD_LONG = 2;
  private static final int SUM_INT = 3;
  private static final int SUM_LONG = 4;
  private static final int SUM_DOUBLE = 5;
  private static final int MIN_INT = 6;
  private static final int MIN_LONG = 7;
  private static final int MIN_DOUBLE = 8;
  private static final int MAX_INT = 9;
  private static final int MAX_LONG = 10;
  private static final int MAX_DOUBLE = 11;

  private final int[] codes;
  private final int[] sourceSlots;
  private final int[] sourceNullBytes; // -1: the source field is not nullable
  private final int[] sourceNullMasks;
  private final int[] groupSlots;
  private final int[] groupNullBytes;
  private final int[] groupNullMasks;
  /** Both rows have at most 64 fields: each null bitmap is one word, read once per {@link #apply}. */
  private final boolean wordBitmaps;
  private final boolean anySourceNullable;
  private final long[] sourceNullBits; // the source field's bit in its bitmap word; 0: not nullable
  private final long[] groupNullBits; // the accumulator's bit; 0: its null bit is never set (counts)

  /**
   * The program of {@code slots} (fixed-width accumulators of a group row of {@code groupSchema})
   * fed from rows of {@code sourceSchema}: input rows ({@code merging} false: each slot's input
   * field and input operation) or partial rows (each slot's own field and merge operation).
   */
  AccumulatorProgram(Slot[] slots, RowSchema sourceSchema, RowSchema groupSchema, boolean merging) {
    int n = slots.length;
    codes = new int[n];
    sourceSlots = new int[n];
    sourceNullBytes = new int[n];
    sourceNullMasks = new int[n];
    groupSlots = new int[n];
    groupNullBytes = new int[n];
    groupNullMasks = new int[n];
    sourceNullBits = new long[n];
    groupNullBits = new long[n];
    int sourceBitmap = RowLayout.bitmapBytes(sourceSchema.fieldCount());
    int groupBitmap = RowLayout.bitmapBytes(groupSchema.fieldCount());
    for (int i = 0; i < n; i++) {
      Slot slot = slots[i];
      Op op = merging ? slot.mergeOp() : slot.inputOp();
      int field = merging ? slot.index() : slot.inputField();
      FieldType sourceType = field < 0 ? null : sourceSchema.type(field);
      codes[i] = code(op, slot.type(), sourceType);
      sourceSlots[i] = field < 0 ? 0 : sourceBitmap + field * RowLayout.SLOT_BYTES;
      boolean nullable = field >= 0 && sourceSchema.field(field).nullable();
      sourceNullBytes[i] = nullable ? RowLayout.nullByteOffset(field) : -1;
      sourceNullMasks[i] = nullable ? RowLayout.nullBitMask(field) : 0;
      groupSlots[i] = groupBitmap + slot.index() * RowLayout.SLOT_BYTES;
      groupNullBytes[i] = RowLayout.nullByteOffset(slot.index());
      groupNullMasks[i] = RowLayout.nullBitMask(slot.index());
      sourceNullBits[i] = nullable ? 1L << (field & 63) : 0L;
      boolean startsNull = codes[i] >= SUM_INT; // sums and extremes: null until their first value
      groupNullBits[i] = startsNull ? 1L << (slot.index() & 63) : 0L;
    }
    wordBitmaps = sourceSchema.fieldCount() <= 64 && groupSchema.fieldCount() <= 64;
    anySourceNullable = Arrays.stream(sourceNullBits).anyMatch(bits -> bits != 0);
  }

  private static int code(Op op, FieldType slotType, FieldType sourceType) {
    return switch (op) {
      case COUNT_ROWS -> COUNT_ROWS;
      case COUNT_VALUE -> COUNT_VALUE;
      case ADD_LONG -> ADD_LONG;
      case SUM, PLAIN_SUM -> sourceType == FieldType.DOUBLE ? SUM_DOUBLE : sourceType == FieldType.INT ? SUM_INT : SUM_LONG;
      case MIN -> byType(slotType, MIN_INT, MIN_LONG, MIN_DOUBLE);
      case MAX -> byType(slotType, MAX_INT, MAX_LONG, MAX_DOUBLE);
    };
  }

  private static int byType(FieldType type, int ifInt, int ifLong, int ifDouble) {
    return switch (type) {
      case INT -> ifInt;
      case LONG -> ifLong;
      case DOUBLE -> ifDouble;
      case STRING, BYTES -> throw new IllegalArgumentException("variable-width " + type + " is not a fixed accumulator");
    };
  }

  /** Updates the accumulators of the group row at {@code group[groupOffset]} by the source row at {@code source[sourceOffset]}. */
  void apply(MemorySegment source, int sourceOffset, MemorySegment group, int groupOffset) {
    long sourceNulls = wordBitmaps && anySourceNullable ? source.getLongLittleEndian(sourceOffset) : 0L;
    long groupNulls = wordBitmaps ? group.getLongLittleEndian(groupOffset) : 0L;
    long nulls = groupNulls;
    for (int i = 0; i < codes.length; i++) {
      boolean first;
      if (wordBitmaps) {
        if ((sourceNulls & sourceNullBits[i]) != 0) {
          continue; // a null value changes no accumulator
        }
        first = (nulls & groupNullBits[i]) != 0;
        nulls &= ~groupNullBits[i];
      } else {
        int nullByte = sourceNullBytes[i];
        if (nullByte >= 0 && (source.get(sourceOffset + nullByte) & sourceNullMasks[i]) != 0) {
          continue;
        }
        first = groupNullBits[i] != 0 && clearNull(group, groupOffset, i);
      }
      int at = groupOffset + groupSlots[i];
      int from = sourceOffset + sourceSlots[i];
      switch (codes[i]) {
        case COUNT_ROWS, COUNT_VALUE -> group.putLongLittleEndian(at, group.getLongLittleEndian(at) + 1);
        case ADD_LONG -> group.putLongLittleEndian(at, group.getLongLittleEndian(at) + source.getLongLittleEndian(from));
        case SUM_INT -> sumLong(group, at, first, source.getIntLittleEndian(from));
        case SUM_LONG -> sumLong(group, at, first, source.getLongLittleEndian(from));
        case SUM_DOUBLE -> sumDouble(group, at, first, source.getLongLittleEndian(from));
        case MIN_INT -> extremeInt(group, at, first, source.getIntLittleEndian(from), -1);
        case MAX_INT -> extremeInt(group, at, first, source.getIntLittleEndian(from), 1);
        case MIN_LONG -> extremeLong(group, at, first, source.getLongLittleEndian(from), -1);
        case MAX_LONG -> extremeLong(group, at, first, source.getLongLittleEndian(from), 1);
        case MIN_DOUBLE -> extremeDouble(group, at, first, source.getLongLittleEndian(from), -1);
        default -> extremeDouble(group, at, first, source.getLongLittleEndian(from), 1);
      }
    }
    if (nulls != groupNulls) {
      group.putLongLittleEndian(groupOffset, nulls);
    }
  }

  private static void sumLong(MemorySegment group, int at, boolean first, long value) {
    group.putLongLittleEndian(at, (first ? 0L : group.getLongLittleEndian(at)) + value);
  }

  private static void sumDouble(MemorySegment group, int at, boolean first, long valueBits) {
    double sum = (first ? 0.0 : Double.longBitsToDouble(group.getLongLittleEndian(at))) + Double.longBitsToDouble(valueBits);
    group.putLongLittleEndian(at, Double.doubleToLongBits(sum));
  }

  /** Keeps {@code value} if it is the first or compares to the current as {@code sign} (-1: smaller, 1: larger). */
  private static void extremeInt(MemorySegment group, int at, boolean first, int value, int sign) {
    if (first || Integer.signum(Integer.compare(value, group.getIntLittleEndian(at))) == sign) {
      group.putLongLittleEndian(at, value & 0xFFFF_FFFFL);
    }
  }

  private static void extremeLong(MemorySegment group, int at, boolean first, long value, int sign) {
    if (first || Integer.signum(Long.compare(value, group.getLongLittleEndian(at))) == sign) {
      group.putLongLittleEndian(at, value);
    }
  }

  private static void extremeDouble(MemorySegment group, int at, boolean first, long valueBits, int sign) {
    double value = Double.longBitsToDouble(valueBits);
    if (first || Integer.signum(Double.compare(value, Double.longBitsToDouble(group.getLongLittleEndian(at)))) == sign) {
      group.putLongLittleEndian(at, Double.doubleToLongBits(value)); // one NaN, as a row writer stores it
    }
  }

  /** Clears accumulator {@code i}'s null bit in the group; true if it was set (the first value). */
  private boolean clearNull(MemorySegment group, int groupOffset, int i) {
    int at = groupOffset + groupNullBytes[i];
    byte bits = group.get(at);
    if ((bits & groupNullMasks[i]) == 0) {
      return false;
    }
    group.put(at, (byte) (bits & ~groupNullMasks[i]));
    return true;
  }
}
