package io.memflow.hash;

import io.memflow.hash.AggLayout.Op;
import io.memflow.hash.AggLayout.Slot;
import io.memflow.memory.MemorySegment;
import io.memflow.row.FieldType;
import io.memflow.row.RowLayout;
import io.memflow.row.RowSchema;

/**
 * The updates of a group's fixed-width accumulators by one source row, compiled once per
 * aggregation into flat arrays: for each accumulator an operation code (the {@link Op} and the
 * value's type in one), the offsets of the source value's slot and null bit in the source row and
 * of the accumulator's slot and null bit in the group row. {@link #apply} then reads and writes
 * the two rows' bytes directly, where {@link AggLayout}'s generic path went through {@link
 * io.memflow.row.BinaryRow}'s checked accessors and a type lookup per value: the hot loop of
 * every hash aggregation and combiner.
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
    }
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
    for (int i = 0; i < codes.length; i++) {
      int code = codes[i];
      int at = groupOffset + groupSlots[i];
      if (code == COUNT_ROWS) {
        group.putLongLittleEndian(at, group.getLongLittleEndian(at) + 1);
        continue;
      }
      int nullByte = sourceNullBytes[i];
      if (nullByte >= 0 && (source.get(sourceOffset + nullByte) & sourceNullMasks[i]) != 0) {
        continue; // a null value changes no accumulator
      }
      int from = sourceOffset + sourceSlots[i];
      if (code <= SUM_DOUBLE) {
        add(code, source, from, group, groupOffset, at, i);
      } else {
        extreme(code, source, from, group, groupOffset, at, i);
      }
    }
  }

  private void add(int code, MemorySegment source, int from, MemorySegment group, int groupOffset, int at, int i) {
    switch (code) {
      case COUNT_VALUE -> group.putLongLittleEndian(at, group.getLongLittleEndian(at) + 1);
      case ADD_LONG -> group.putLongLittleEndian(at, group.getLongLittleEndian(at) + source.getLongLittleEndian(from));
      default -> {
        boolean first = clearNull(group, groupOffset, i);
        long current = first ? 0L : group.getLongLittleEndian(at);
        long sum = switch (code) {
          case SUM_INT -> current + source.getIntLittleEndian(from);
          case SUM_LONG -> current + source.getLongLittleEndian(from);
          default -> Double.doubleToLongBits((first ? 0.0 : Double.longBitsToDouble(current))
              + Double.longBitsToDouble(source.getLongLittleEndian(from)));
        };
        group.putLongLittleEndian(at, sum);
      }
    }
  }

  private void extreme(int code, MemorySegment source, int from, MemorySegment group, int groupOffset, int at, int i) {
    boolean first = clearNull(group, groupOffset, i);
    boolean better;
    long bits;
    if (code == MIN_INT || code == MAX_INT) {
      int value = source.getIntLittleEndian(from);
      bits = value & 0xFFFF_FFFFL;
      better = first || (code == MIN_INT ? value < group.getIntLittleEndian(at) : value > group.getIntLittleEndian(at));
    } else if (code == MIN_LONG || code == MAX_LONG) {
      bits = source.getLongLittleEndian(from);
      long current = group.getLongLittleEndian(at);
      better = first || (code == MIN_LONG ? bits < current : bits > current);
    } else {
      double value = Double.longBitsToDouble(source.getLongLittleEndian(from));
      bits = Double.doubleToLongBits(value); // one NaN, as a row writer stores it
      int c = Double.compare(value, Double.longBitsToDouble(group.getLongLittleEndian(at)));
      better = first || (code == MIN_DOUBLE ? c < 0 : c > 0);
    }
    if (better) {
      group.putLongLittleEndian(at, bits);
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
