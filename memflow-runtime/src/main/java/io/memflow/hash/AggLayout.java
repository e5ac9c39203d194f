package io.memflow.hash;

import io.memflow.hash.AggregateFunction.Kind;
import io.memflow.memory.MemorySegment;
import io.memflow.memory.MemorySegments;
import io.memflow.row.BinaryRow;
import io.memflow.row.FieldType;
import io.memflow.row.KeyFields;
import io.memflow.row.RowLayout;
import io.memflow.row.RowSchema;
import io.memflow.row.RowWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * The bytes of one group in the table: a binary row (the {@code io.memflow.row} layout, see
 * docs/records.md) of the <em>partial schema</em>, the group's key fields followed by one
 * accumulator field per slot. The same bytes are what a spill file holds (so a spilled group is
 * written and read back as it is) and, when no avg is asked for, what {@link
 * HashAggregator#result()} returns (the output schema then has the same layout).
 *
 * <pre>
 *  0            B = 8 * ceil(n / 64)     B + 8 * k          F = B + 8 * n              length
 *  +------------+------------------------+------------------+--------------------------+
 *  | null bits  | key slots (k fields)   | accumulator slots| key strings/bytes, then   |
 *  | keys, accs | as the input's slots   | updated in place | STRING/BYTES min/max      |
 *  +------------+------------------------+------------------+--------------------------+
 *
 *  accumulator slots:  count(*), count(f)  LONG, not null, starts at 0
 *                      sum(f)              LONG (INT/LONG f) or DOUBLE, null bit until a value
 *                      min(f), max(f)      f's type, null bit until a value
 *                      avg(f)              two slots: sum (LONG or DOUBLE, not null), count (LONG)
 * </pre>
 *
 * <p>Accumulator fields are named after their output field: {@code sum_price#partial}, and an
 * avg's two {@code avg_qty#sum} and {@code avg_qty#count}. The partial schema is public through
 * {@link HashAggregator#partialSchema}: it is what a {@link HashCombiner} emits.
 *
 * <p>Fixed-width accumulators change in place. A STRING/BYTES min or max that changes needs a
 * different length, so the table re-appends the whole group ({@link #relocatedLength}, {@link
 * #relocate}) and the old bytes become garbage until the table is cleared.
 *
 * <p>The bitmap and slot offsets are {@link RowLayout}'s; {@code HashAggregatorLayoutTest} checks
 * group rows against rows a {@link RowWriter} builds. Not thread-safe (scratch state): one per
 * aggregator.
 */
final class AggLayout {

  private static final int SLOT_BYTES = RowLayout.SLOT_BYTES;
  private static final int VAR_LENGTH_IN_SLOT = RowLayout.VAR_LENGTH_IN_SLOT;

  /** How a slot takes a value in. */
  enum Op { COUNT_ROWS, COUNT_VALUE, ADD_LONG, SUM, PLAIN_SUM, MIN, MAX }

  /** One accumulator slot: partial field {@code index}, fed from input field {@code inputField}. */
  record Slot(int index, Op inputOp, int inputField, Op mergeOp, FieldType type) {
    boolean isVariable() {
      return !type.isFixedWidth();
    }
  }

  private final RowSchema inputSchema;
  private final KeyFields inputKey;
  private final KeyFields partialKey;
  private final RowSchema partialSchema;
  private final RowSchema outputSchema;
  private final List<AggregateFunction> functions;
  private final int[] functionSlot; // per function, the index of its first slot
  private final Slot[] slots;
  private final Slot[] fixedSlots;
  private final Slot[] variableSlots;
  private final int[] variableFields; // partial fields that are STRING/BYTES, in order
  private final int bitmapBytes;
  private final int fixedBytes;
  private final boolean[] replace; // scratch for relocation, per partial field
  private final boolean rawKeys; // every key field INT or LONG: keys compare as slot bits
  private final int[] inputKeySlots; // per key field, its slot offset in an input row
  private final int[] inputKeyFields;
  private final int[] partialKeySlots; // per key field, its slot offset in a group row
  private final int[] partialKeyFields;
  private final BinaryRow scratch;
  private final AccumulatorProgram inputProgram;
  private final AccumulatorProgram mergeProgram;
  /**
   * The fixed part of a new group before its keys and first values, when every key is INT or LONG
   * and no accumulator is variable-width (then a new group is this, its key slots and one update):
   * null bits set for sum, min and max, everything else zero. Null otherwise.
   */
  private final MemorySegment newGroupTemplate;
  private final boolean[] inputKeyNullable;

  AggLayout(RowSchema inputSchema, int[] groupFields, List<AggregateFunction> functions) {
    this.inputSchema = inputSchema;
    this.inputKey = KeyFields.of(inputSchema, groupFields);
    this.functions = List.copyOf(functions);
    RowSchema.Builder partial = RowSchema.builder();
    RowSchema.Builder output = RowSchema.builder();
    for (int field : groupFields) {
      partial.add(inputSchema.field(field));
      output.add(inputSchema.field(field));
    }
    List<Slot> slotList = new ArrayList<>();
    this.functionSlot = new int[functions.size()];
    for (int f = 0; f < functions.size(); f++) {
      functionSlot[f] = groupFields.length + slotList.size();
      addSlots(functions.get(f), groupFields.length, slotList, partial, output);
    }
    this.partialSchema = partial.build();
    this.outputSchema = output.build();
    this.partialKey = KeyFields.of(partialSchema, range(groupFields.length));
    this.slots = slotList.toArray(Slot[]::new);
    this.fixedSlots = slotList.stream().filter(s -> !s.isVariable()).toArray(Slot[]::new);
    this.variableSlots = slotList.stream().filter(Slot::isVariable).toArray(Slot[]::new);
    this.variableFields = java.util.stream.IntStream.range(0, partialSchema.fieldCount())
        .filter(i -> !partialSchema.type(i).isFixedWidth()).toArray();
    int n = partialSchema.fieldCount();
    this.bitmapBytes = RowLayout.bitmapBytes(n);
    this.fixedBytes = bitmapBytes + n * SLOT_BYTES;
    this.replace = new boolean[n];
    this.scratch = new BinaryRow(partialSchema);
    this.rawKeys = java.util.Arrays.stream(groupFields).mapToObj(inputSchema::type)
        .allMatch(t -> t == FieldType.INT || t == FieldType.LONG);
    int inputBitmap = RowLayout.bitmapBytes(inputSchema.fieldCount());
    this.inputKeyFields = groupFields.clone();
    this.inputKeySlots = java.util.Arrays.stream(groupFields).map(f -> inputBitmap + f * SLOT_BYTES).toArray();
    this.partialKeyFields = range(groupFields.length);
    this.partialKeySlots = java.util.Arrays.stream(partialKeyFields).map(this::slotOffset).toArray();
    this.inputProgram = new AccumulatorProgram(fixedSlots, inputSchema, partialSchema, false);
    this.mergeProgram = new AccumulatorProgram(fixedSlots, partialSchema, partialSchema, true);
    this.inputKeyNullable = new boolean[groupFields.length];
    for (int k = 0; k < groupFields.length; k++) {
      inputKeyNullable[k] = inputSchema.field(groupFields[k]).nullable();
    }
    this.newGroupTemplate = rawKeys && variableSlots.length == 0 ? template() : null;
  }

  private MemorySegment template() {
    MemorySegment template = MemorySegments.allocateHeap(fixedBytes);
    for (Slot slot : slots) {
      if (slot.inputOp() == Op.SUM || slot.inputOp() == Op.MIN || slot.inputOp() == Op.MAX) {
        setNull(template, 0, slot.index());
      }
    }
    return template;
  }

  private void addSlots(AggregateFunction function, int base, List<Slot> slots,
      RowSchema.Builder partial, RowSchema.Builder output) {
    int in = function.resolveField(inputSchema);
    FieldType inType = in < 0 ? null : inputSchema.type(in);
    String outName = function.outputName(in < 0 ? null : inputSchema.field(in).name());
    int at = base + slots.size();
    String internal = outName + "#partial"; // readable in error messages; unique as the output names are
    FieldType sumType = inType == FieldType.DOUBLE ? FieldType.DOUBLE : FieldType.LONG;
    switch (function.kind()) {
      case COUNT_ROWS, COUNT -> {
        Op op = function.kind() == Kind.COUNT_ROWS ? Op.COUNT_ROWS : Op.COUNT_VALUE;
        slots.add(new Slot(at, op, in, Op.ADD_LONG, FieldType.LONG));
        partial.field(internal, FieldType.LONG);
        output.field(outName, FieldType.LONG);
      }
      case SUM -> {
        slots.add(new Slot(at, Op.SUM, in, Op.SUM, sumType));
        partial.nullableField(internal, sumType);
        output.nullableField(outName, sumType);
      }
      case MIN, MAX -> {
        Op op = function.kind() == Kind.MIN ? Op.MIN : Op.MAX;
        slots.add(new Slot(at, op, in, op, inType));
        partial.nullableField(internal, inType);
        output.nullableField(outName, inType);
      }
      case AVG -> {
        slots.add(new Slot(at, Op.PLAIN_SUM, in, Op.PLAIN_SUM, sumType));
        slots.add(new Slot(at + 1, Op.COUNT_VALUE, in, Op.ADD_LONG, FieldType.LONG));
        partial.field(outName + "#sum", sumType).field(outName + "#count", FieldType.LONG);
        output.nullableField(outName, FieldType.DOUBLE);
      }
    }
  }

  private static int[] range(int n) {
    return java.util.stream.IntStream.range(0, n).toArray();
  }

  RowSchema partialSchema() {
    return partialSchema;
  }

  RowSchema outputSchema() {
    return outputSchema;
  }

  KeyFields inputKey() {
    return inputKey;
  }

  KeyFields partialKey() {
    return partialKey;
  }

  /** Whether result rows are the group bytes as they are (no avg: same layout as the output). */
  boolean outputIsPartial() {
    return partialSchema.fieldCount() == outputSchema.fieldCount();
  }

  // ---------------------------------------------------------------- key equality

  /**
   * Whether the key of {@code row} (an input row, or a group row when {@code merging}) equals the
   * key of the group row at {@code offset}, in an {@link AggTable} record (whose header holds the
   * row's length). With INT/LONG keys only, compares slot bits and null bits in place (equal values
   * have equal slots, a null's slot is zero) without reading the length; otherwise through {@link
   * KeyFields#equal}.
   */
  boolean keyEquals(BinaryRow row, boolean merging, MemorySegment segment, int offset) {
    if (!rawKeys) {
      scratch.pointTo(segment, offset, segment.getInt(offset - AggTable.RECORD_HEADER));
      return (merging ? partialKey : inputKey).equal(row, partialKey, scratch);
    }
    int[] slots = merging ? partialKeySlots : inputKeySlots;
    int[] fields = merging ? partialKeyFields : inputKeyFields;
    MemorySegment rowSegment = row.segment();
    int rowOffset = row.offset();
    for (int k = 0; k < slots.length; k++) {
      if (rowSegment.getLong(rowOffset + slots[k]) != segment.getLong(offset + partialKeySlots[k])
          || isNull(rowSegment, rowOffset, fields[k]) != isNull(segment, offset, k)) {
        return false;
      }
    }
    return true;
  }

  /** The bytes of a group's row before its variable-length part: null bits, keys, accumulators. */
  int fixedBytes() {
    return fixedBytes;
  }

  // ---------------------------------------------------------------- new groups

  /** The length of the row a new group of {@code input} starts as. */
  int newLength(BinaryRow input) {
    if (newGroupTemplate != null) {
      return fixedBytes;
    }
    int length = fixedBytes;
    for (int k = 0; k < inputKey.size(); k++) {
      length += variableLength(input, inputKey.field(k));
    }
    for (Slot slot : variableSlots) {
      length += variableLength(input, slot.inputField());
    }
    return length;
  }

  private static int variableLength(BinaryRow row, int field) {
    return row.schema().type(field).isFixedWidth() || row.isNullAt(field) ? 0 : row.fieldLength(field);
  }

  /** Writes the new group of {@code input} at {@code offset} ({@link #newLength} bytes), accumulated once. */
  void writeNew(BinaryRow input, MemorySegment segment, int offset) {
    if (newGroupTemplate != null) {
      writeNewFixed(input, segment, offset);
      return;
    }
    segment.fill(offset, fixedBytes, (byte) 0);
    int end = fixedBytes;
    for (int k = 0; k < inputKey.size(); k++) {
      end = copyField(input, inputKey.field(k), segment, offset, k, end);
    }
    for (Slot slot : slots) {
      if (slot.inputOp() == Op.SUM || slot.inputOp() == Op.MIN || slot.inputOp() == Op.MAX) {
        setNull(segment, offset, slot.index());
      }
    }
    for (Slot slot : variableSlots) {
      if (!input.isNullAt(slot.inputField())) {
        end = copyField(input, slot.inputField(), segment, offset, slot.index(), end);
      }
    }
    accumulate(input, segment, offset);
  }

  /**
   * {@link #writeNew} with INT/LONG keys and fixed-width accumulators only: the template, the key
   * slots as they are (an INT's slot holds it zero-extended, a null's slot is zero, as {@link
   * #keyEquals} relies on) with their null bits, then one update.
   */
  private void writeNewFixed(BinaryRow input, MemorySegment segment, int offset) {
    newGroupTemplate.copyTo(0, segment, offset, fixedBytes);
    MemorySegment source = input.segment();
    int from = input.offset();
    for (int k = 0; k < inputKeySlots.length; k++) {
      segment.putLong(offset + partialKeySlots[k], source.getLong(from + inputKeySlots[k]));
      if (inputKeyNullable[k] && isNull(source, from, inputKeyFields[k])) {
        setNull(segment, offset, k);
      }
    }
    inputProgram.apply(source, from, segment, offset);
  }

  /** Copies field {@code from} of {@code source} into field {@code to} of the row at {@code offset}; returns the new end. */
  private int copyField(BinaryRow source, int from, MemorySegment segment, int offset, int to, int end) {
    int slot = offset + slotOffset(to);
    if (source.isNullAt(from)) {
      setNull(segment, offset, to);
      segment.putLongLittleEndian(slot, 0L);
      return end;
    }
    clearNull(segment, offset, to);
    switch (source.schema().type(from)) {
      case INT -> segment.putLongLittleEndian(slot, source.getInt(from) & 0xFFFF_FFFFL);
      case LONG -> segment.putLongLittleEndian(slot, source.getLong(from));
      case DOUBLE -> segment.putLongLittleEndian(slot, Double.doubleToLongBits(source.getDouble(from)));
      case STRING, BYTES -> {
        int length = source.fieldLength(from);
        source.segment().copyTo(source.fieldOffset(from), segment, offset + end, length);
        segment.putIntLittleEndian(slot, end);
        segment.putIntLittleEndian(slot + VAR_LENGTH_IN_SLOT, length);
        return end + length;
      }
    }
    return end;
  }

  // ---------------------------------------------------------------- updates in place

  /** Adds input row {@code input} to the fixed accumulators of the group at {@code offset}. */
  void accumulate(BinaryRow input, MemorySegment segment, int offset) {
    inputProgram.apply(input.segment(), input.offset(), segment, offset);
  }

  /** Merges partial row {@code partial} (same key) into the fixed accumulators of the group at {@code offset}. */
  void merge(BinaryRow partial, MemorySegment segment, int offset) {
    mergeProgram.apply(partial.segment(), partial.offset(), segment, offset);
  }

  // ---------------------------------------------------------------- STRING/BYTES min and max

  /** Whether a group has a STRING or BYTES min or max, whose update may change its row's length. */
  boolean hasVariableAccumulators() {
    return variableSlots.length > 0;
  }

  /**
   * The length the group at {@code offset} ({@code length} bytes) must grow or shrink to because
   * a STRING/BYTES min or max of {@code src} (an input row, or a partial row when {@code
   * merging}) replaces the current one; -1 if none changes (then nothing needs to move).
   */
  int relocatedLength(BinaryRow src, boolean merging, MemorySegment segment, int offset, int length) {
    if (variableSlots.length == 0) {
      return -1;
    }
    scratch.pointTo(segment, offset, length);
    boolean any = false;
    int newLength = length;
    for (Slot slot : variableSlots) {
      int field = merging ? slot.index() : slot.inputField();
      boolean change = !src.isNullAt(field) && (scratch.isNullAt(slot.index())
          || betterBytes(slot.inputOp(), src, field, scratch, slot.index()));
      replace[slot.index()] = change;
      if (change) {
        any = true;
        newLength += src.fieldLength(field) - (scratch.isNullAt(slot.index()) ? 0 : scratch.fieldLength(slot.index()));
      }
    }
    return any ? newLength : -1;
  }

  private static boolean betterBytes(Op op, BinaryRow src, int field, BinaryRow group, int index) {
    int c = src.compareFieldBytes(field, group, index);
    return op == Op.MIN ? c < 0 : c > 0;
  }

  /**
   * Writes the group at {@code from} ({@code length} bytes) anew at {@code to} with the
   * STRING/BYTES min/max values the last {@link #relocatedLength} call chose taken from {@code
   * src}; then the fixed accumulators are to be updated at {@code to}.
   */
  void relocate(BinaryRow src, boolean merging, MemorySegment fromSegment, int from, int length,
      MemorySegment toSegment, int to) {
    scratch.pointTo(fromSegment, from, length);
    fromSegment.copyTo(from, toSegment, to, fixedBytes);
    int end = fixedBytes;
    for (int field : variableFields) {
      Slot slot = slotAt(field);
      if (slot != null && replace[field]) {
        end = copyField(src, merging ? field : slot.inputField(), toSegment, to, field, end);
      } else {
        end = copyField(scratch, field, toSegment, to, field, end);
      }
    }
    java.util.Arrays.fill(replace, false);
  }

  private Slot slotAt(int field) {
    int first = partialKey.size();
    return field < first ? null : slots[field - first];
  }

  // ---------------------------------------------------------------- output

  /** Writes the result row of {@code group} (a row of the partial schema) with {@code writer}. */
  void writeOutput(BinaryRow group, RowWriter writer) {
    writer.reset();
    int keys = partialKey.size();
    for (int k = 0; k < keys; k++) {
      writer.copyField(k, group, k);
    }
    for (int f = 0; f < functions.size(); f++) {
      int at = functionSlot[f];
      if (functions.get(f).kind() == Kind.AVG) {
        long count = group.getLong(at + 1);
        if (count == 0) {
          writer.setNull(keys + f);
        } else {
          double sum = partialSchema.type(at) == FieldType.DOUBLE ? group.getDouble(at) : group.getLong(at);
          writer.setDouble(keys + f, sum / count);
        }
      } else {
        writer.copyField(keys + f, group, at);
      }
    }
  }

  // ---------------------------------------------------------------- bits

  int slotOffset(int field) {
    return bitmapBytes + field * SLOT_BYTES;
  }

  private static boolean isNull(MemorySegment segment, int offset, int field) {
    return (segment.get(offset + RowLayout.nullByteOffset(field)) & RowLayout.nullBitMask(field)) != 0;
  }

  private static void setNull(MemorySegment segment, int offset, int field) {
    int at = offset + RowLayout.nullByteOffset(field);
    segment.put(at, (byte) (segment.get(at) | RowLayout.nullBitMask(field)));
  }

  private static void clearNull(MemorySegment segment, int offset, int field) {
    int at = offset + RowLayout.nullByteOffset(field);
    segment.put(at, (byte) (segment.get(at) & ~RowLayout.nullBitMask(field)));
  }
}
