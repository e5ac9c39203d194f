package io.memflow.row;

import static io.memflow.row.RowLayout.VAR_LENGTH_IN_SLOT;
import static io.memflow.row.RowLayout.VAR_OFFSET_IN_SLOT;

import io.memflow.memory.MemorySegment;
import io.memflow.memory.MemorySegments;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Objects;

/**
 * Builds rows of one schema field by field: {@link #reset()}, then set every field exactly once
 * (in any order), then {@link #writeTo} a {@link BinaryRow} or {@link #toRow()}. Variable-length
 * fields are appended to the variable part in the order they are set.
 *
 * <p>Reusable and not thread-safe; owns a heap buffer that grows to the largest row built. A
 * {@link #writeTo} copies, so the writer may be reset and reused right after.
 */
public final class RowWriter {

  /**
   * The little-endian ints and longs of the row buffer: slots are written through these, with the
   * array's own bounds checks, rather than through {@link #segment} (whose checks cost more per
   * field on the parsers' paths).
   */
  private static final VarHandle INT_LE =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle LONG_LE =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  /** Rows of up to this many fields have their slots copied by {@link #copyFields} one at a time. */
  private static final int SLOTS_COPIED_ONE_BY_ONE = 4;

  private final RowSchema schema;
  private final int fieldCount;
  private final int fixedBytes;
  private final boolean[] set;
  private byte[] buffer;
  private MemorySegment segment;
  private int end;

  /** A writer for rows of {@code schema}, reset and ready. */
  public RowWriter(RowSchema schema) {
    this.schema = Objects.requireNonNull(schema, "schema");
    this.fieldCount = schema.fieldCount();
    this.fixedBytes = RowLayout.fixedPartBytes(fieldCount);
    this.set = new boolean[fieldCount];
    this.buffer = new byte[Math.max(64, fixedBytes * 2)];
    this.segment = MemorySegments.wrap(buffer);
    reset();
  }

  /**
   * The row of {@code values} (Integer, Long, Double, String, byte[] or null by field type): a
   * convenience for tests and examples.
   *
   * @throws IllegalArgumentException if the number of values is not the field count
   * @throws ClassCastException if a value does not match its field's type
   */
  public static BinaryRow row(RowSchema schema, Object... values) {
    return new RowWriter(schema).setAll(values).toRow();
  }

  /** Starts a new row: every field unset. */
  public RowWriter reset() {
    Arrays.fill(buffer, 0, fixedBytes, (byte) 0);
    Arrays.fill(set, false);
    end = fixedBytes;
    return this;
  }

  /** Sets field {@code i} (an INT). */
  public RowWriter setInt(int i, int value) {
    INT_LE.set(buffer, slot(i, FieldType.INT), value);
    return this;
  }

  /** Sets field {@code i} (a LONG). */
  public RowWriter setLong(int i, long value) {
    LONG_LE.set(buffer, slot(i, FieldType.LONG), value);
    return this;
  }

  /** Sets field {@code i} (a DOUBLE); every NaN is stored as the canonical NaN. */
  public RowWriter setDouble(int i, double value) {
    LONG_LE.set(buffer, slot(i, FieldType.DOUBLE), Double.doubleToLongBits(value));
    return this;
  }

  /** Sets field {@code i} (a STRING) to {@code value}'s UTF-8 bytes, or to null if {@code value} is null. */
  public RowWriter setString(int i, String value) {
    if (value == null) {
      return setNull(i);
    }
    int slot = slot(i, FieldType.STRING);
    int size = Utf8.encodedLength(value);
    ensureCapacity(size);
    Utf8.encode(value, buffer, end, end + size);
    return putVariable(slot, size);
  }

  /**
   * Sets field {@code i} (a STRING) to {@code length} bytes of {@code utf8} from {@code offset},
   * taken as UTF-8 as they are (not checked): how parsers that read UTF-8 text set strings without
   * building a {@code String}.
   */
  public RowWriter setUtf8(int i, byte[] utf8, int offset, int length) {
    Objects.checkFromIndexSize(offset, length, utf8.length);
    int slot = slot(i, FieldType.STRING);
    ensureCapacity(length);
    System.arraycopy(utf8, offset, buffer, end, length);
    return putVariable(slot, length);
  }

  /** Sets field {@code i} (a BYTES) to a copy of {@code value}, or to null if {@code value} is null. */
  public RowWriter setBytes(int i, byte[] value) {
    if (value == null) {
      return setNull(i);
    }
    int slot = slot(i, FieldType.BYTES);
    ensureCapacity(value.length);
    System.arraycopy(value, 0, buffer, end, value.length);
    return putVariable(slot, value.length);
  }

  /**
   * Sets field {@code i} to field {@code j} of {@code from} (null if that is null), copying a string
   * or bytes value as its bytes, without decoding it.
   *
   * @throws IllegalArgumentException if the two fields' types differ, or the value is null and
   *     field {@code i} is not nullable
   */
  public RowWriter copyField(int i, BinaryRow from, int j) {
    FieldType type = from.schema().type(j);
    if (from.isNullAt(j)) {
      return setNull(i);
    }
    return switch (type) {
      case INT -> setInt(i, from.getInt(j));
      case LONG -> setLong(i, from.getLong(j));
      case DOUBLE -> setDouble(i, from.getDouble(j));
      case STRING, BYTES -> {
        int slot = slot(i, type);
        int length = from.fieldLength(j);
        ensureCapacity(length);
        from.segment().get(from.fieldOffset(j), buffer, end, length);
        yield putVariable(slot, length);
      }
    };
  }

  /**
   * Sets fields {@code at} to {@code at + n - 1} to the {@code n} fields of {@code from}, as {@link
   * #copyField} would one by one, but with one copy of {@code from}'s slots and one of its variable
   * part (whose offsets are then moved to where it lands): how a join builds its output rows.
   *
   * @throws IllegalArgumentException if a field's type differs, a null value meets a field that is
   *     not nullable, or a variable field of {@code from} lies outside its row
   * @throws IndexOutOfBoundsException if the fields do not fit from {@code at}
   */
  public RowWriter copyFields(int at, BinaryRow from) {
    RowSchema fromSchema = from.schema();
    int n = fromSchema.fieldCount();
    Objects.checkFromIndexSize(at, n, fieldCount);
    for (int k = 0; k < n; k++) {
      FieldType type = fromSchema.type(k);
      if (schema.type(at + k) != type) {
        throw new IllegalArgumentException(
            "field=" + (at + k) + " (" + schema.field(at + k) + ") is " + schema.type(at + k) + ", not " + type);
      }
      if (from.isNullAt(k)) {
        setNull(at + k);
      } else {
        markSet(at + k);
      }
    }
    int fromFixed = RowLayout.fixedPartBytes(n);
    int variableBytes = from.sizeInBytes() - fromFixed;
    ensureCapacity(variableBytes);
    int slots = RowLayout.slotOffset(fieldCount, at);
    MemorySegment source = from.segment();
    int fromSlots = from.offset() + RowLayout.bitmapBytes(n);
    if (n <= SLOTS_COPIED_ONE_BY_ONE) { // a bulk copy's fixed cost exceeds a few 8-byte moves
      for (int k = 0; k < n * RowLayout.SLOT_BYTES; k += RowLayout.SLOT_BYTES) {
        segment.putLongLittleEndian(slots + k, source.getLongLittleEndian(fromSlots + k));
      }
    } else {
      source.get(fromSlots, buffer, slots, n * RowLayout.SLOT_BYTES);
    }
    if (variableBytes > 0) {
      source.get(from.offset() + fromFixed, buffer, end, variableBytes);
    }
    moveVariableOffsets(at, fromSchema, fromFixed, from.sizeInBytes());
    end += variableBytes;
    return this;
  }

  /**
   * After {@link #copyFields}: points the slots of the copied non-null variable fields at their
   * bytes, which moved from offset {@code fromFixed} of a row of {@code fromLength} bytes to {@code
   * end} here.
   */
  private void moveVariableOffsets(int at, RowSchema fromSchema, int fromFixed, int fromLength) {
    int shift = end - fromFixed;
    for (int k = 0; k < fromSchema.fieldCount(); k++) {
      boolean isNull = (buffer[RowLayout.nullByteOffset(at + k)] & RowLayout.nullBitMask(at + k)) != 0;
      if (fromSchema.type(k).isFixedWidth() || isNull) {
        continue;
      }
      int slot = RowLayout.slotOffset(fieldCount, at + k);
      int start = (int) INT_LE.get(buffer, slot + VAR_OFFSET_IN_SLOT);
      int size = (int) INT_LE.get(buffer, slot + VAR_LENGTH_IN_SLOT);
      RowLayout.checkVariable(k, start, size, fromFixed, fromLength);
      INT_LE.set(buffer, slot + VAR_OFFSET_IN_SLOT, start + shift);
    }
  }


  /**
   * Sets field {@code i} to null.
   *
   * @throws IllegalArgumentException if the field is not nullable
   */
  public RowWriter setNull(int i) {
    if (!schema.isNullable(i)) {
      throw new IllegalArgumentException("field=" + i + " (" + schema.field(i) + ") is not nullable");
    }
    markSet(i);
    buffer[RowLayout.nullByteOffset(i)] |= (byte) RowLayout.nullBitMask(i);
    return this;
  }

  /** Sets every field from {@code values}, as {@link #row} describes. */
  public RowWriter setAll(Object... values) {
    if (values.length != fieldCount) {
      throw new IllegalArgumentException("values=" + values.length + " fieldCount=" + fieldCount);
    }
    for (int i = 0; i < fieldCount; i++) {
      setValue(i, values[i]);
    }
    return this;
  }

  private void setValue(int i, Object value) {
    if (value == null) {
      setNull(i);
      return;
    }
    switch (schema.type(i)) {
      case INT -> setInt(i, (Integer) value);
      case LONG -> setLong(i, (Long) value);
      case DOUBLE -> setDouble(i, (Double) value);
      case STRING -> setString(i, (String) value);
      case BYTES -> setBytes(i, (byte[]) value);
    }
  }

  /** The size of the row built so far, in bytes. */
  public int sizeInBytes() {
    return end;
  }

  /**
   * Copies the row into {@code target}'s own buffer and points {@code target} at it.
   *
   * @throws IllegalStateException if a field was not set
   */
  public void writeTo(BinaryRow target) {
    checkComplete();
    target.buffer(end);
    System.arraycopy(buffer, 0, target.bufferArray(), 0, end);
    target.pointToBuffer(end);
  }

  /**
   * Points {@code target} at the row built so far in this writer's own buffer, without copying:
   * valid only until this writer's next {@link #reset()} or set call, and read-only (writing
   * through the row would change the writer's buffer).
   *
   * @throws IllegalStateException if a field is not set
   */
  public void view(BinaryRow target) {
    checkComplete();
    target.pointTo(segment, 0, end);
  }

  /** A new row holding a copy of the row built so far (see {@link #writeTo}). */
  public BinaryRow toRow() {
    BinaryRow row = new BinaryRow(schema);
    writeTo(row);
    return row;
  }

  // ---------------------------------------------------------------- internals

  private int slot(int i, FieldType type) {
    FieldType actual = schema.type(i);
    if (actual != type) {
      throw new IllegalArgumentException("field=" + i + " (" + schema.field(i) + ") is " + actual + ", not " + type);
    }
    markSet(i);
    return RowLayout.slotOffset(fieldCount, i);
  }

  private void markSet(int i) {
    if (set[i]) {
      throw new IllegalStateException("field=" + i + " (" + schema.field(i) + ") is already set since reset()");
    }
    set[i] = true;
  }

  private RowWriter putVariable(int slot, int size) {
    INT_LE.set(buffer, slot + VAR_OFFSET_IN_SLOT, end);
    INT_LE.set(buffer, slot + VAR_LENGTH_IN_SLOT, size);
    end += size;
    return this;
  }

  private void ensureCapacity(int more) {
    if (more > Integer.MAX_VALUE - 8 - end) {
      throw new IllegalArgumentException("row of " + end + " bytes cannot grow by " + more + " bytes, max=" + (Integer.MAX_VALUE - 8));
    }
    if (end + more > buffer.length) {
      buffer = Arrays.copyOf(buffer, (int) Math.max(end + more, Math.min(Integer.MAX_VALUE - 8, 2L * buffer.length)));
      segment = MemorySegments.wrap(buffer);
    }
  }

  private void checkComplete() {
    for (int i = 0; i < fieldCount; i++) {
      if (!set[i]) {
        throw new IllegalStateException("field=" + i + " (" + schema.field(i) + ") was not set since reset()");
      }
    }
  }
}
