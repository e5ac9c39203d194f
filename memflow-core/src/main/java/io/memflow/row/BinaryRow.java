package io.memflow.row;

import static io.memflow.row.RowLayout.SLOT_BYTES;
import static io.memflow.row.RowLayout.VAR_LENGTH_IN_SLOT;
import static io.memflow.row.RowLayout.VAR_OFFSET_IN_SLOT;

import io.memflow.memory.MemorySegment;
import io.memflow.memory.MemorySegments;
import java.util.Arrays;

/**
 * A flyweight view over the bytes of one row of a {@link RowSchema}, in the {@link RowLayout}
 * format: each getter reads one field straight from memory, without deserializing the row.
 *
 * <p><b>Where the bytes are.</b> A row is always contiguous: it points either at a range of a
 * {@link MemorySegment} ({@link #pointTo}) or at its own growable heap buffer, which {@link
 * #copyFrom}, {@link RowWriter#writeTo} and {@link BinaryRowSerializer#deserialize(BinaryRow,
 * io.memflow.memory.view.DataInputView)} fill. A row that spans pages in a paged view is copied
 * into that buffer when read, so field access never crosses a page boundary; rows of any size up
 * to 2 GiB work, whatever the page size.
 *
 * <p><b>Threads and ownership.</b> Not thread-safe (repointing is a plain write). The row owns
 * its heap buffer but never the segment it points at: that segment's owner must keep it alive,
 * and unchanged, while the row points at it. Invariant: the bytes pointed at are at least the
 * fixed part long ({@link #pointTo} checks), and a variable field's bytes are checked to lie in
 * the row when read.
 */
public final class BinaryRow {

  private final RowSchema schema;
  private final int fieldCount;
  private final int bitmapBytes;
  private final int fixedBytes;
  private MemorySegment segment;
  private int offset;
  private int length;
  private byte[] buffer = new byte[0];
  private MemorySegment bufferSegment = MemorySegments.wrap(buffer);

  /** An empty row of {@code schema}: point it at bytes before reading fields. */
  public BinaryRow(RowSchema schema) {
    this.schema = schema;
    this.fieldCount = schema.fieldCount();
    this.bitmapBytes = RowLayout.bitmapBytes(fieldCount);
    this.fixedBytes = RowLayout.fixedPartBytes(fieldCount);
  }

  /** The schema of this row. */
  public RowSchema schema() {
    return schema;
  }

  /**
   * Points this row at the {@code length} bytes at {@code offset} of {@code segment}.
   *
   * @throws IllegalArgumentException if {@code length} is less than the fixed part
   * @throws IndexOutOfBoundsException if the range is outside the segment
   */
  public void pointTo(MemorySegment segment, int offset, int length) {
    if (length < fixedBytes || offset < 0 || offset > segment.size() - length) {
      throw length < fixedBytes
          ? new IllegalArgumentException("row length=" + length + " is less than its fixed part=" + fixedBytes)
          : new IndexOutOfBoundsException("offset=" + offset + " length=" + length + " size=" + segment.size());
    }
    this.segment = segment;
    this.offset = offset;
    this.length = length;
  }

  /** The segment this row's bytes are in (this row's own buffer after a copy); null before any. */
  public MemorySegment segment() {
    return segment;
  }

  /** The offset of this row's first byte in {@link #segment()}. */
  public int offset() {
    return offset;
  }

  /** The number of bytes of this row. */
  public int sizeInBytes() {
    return length;
  }

  /**
   * A heap segment of at least {@code size} bytes owned by this row, for filling and then {@link
   * #pointToBuffer}; grows (allocating) only when too small.
   */
  MemorySegment buffer(int size) {
    if (buffer.length < size) {
      int grown = (int) Math.min(Integer.MAX_VALUE - 8, 2L * buffer.length);
      buffer = new byte[Math.max(size, grown)];
      bufferSegment = MemorySegments.wrap(buffer);
    }
    return bufferSegment;
  }

  /** The heap array behind {@link #buffer(int)}. */
  byte[] bufferArray() {
    return buffer;
  }

  /** Points this row at the first {@code size} bytes of its own buffer. */
  void pointToBuffer(int size) {
    pointTo(bufferSegment, 0, size);
  }

  /** Copies {@code other}'s bytes into this row's own buffer and points at them. */
  public void copyFrom(BinaryRow other) {
    other.checkPointed();
    MemorySegment target = buffer(other.length);
    other.segment.copyTo(other.offset, target, 0, other.length);
    pointToBuffer(other.length);
  }

  /** A new row with its own copy of this row's bytes. */
  public BinaryRow copy() {
    BinaryRow copy = new BinaryRow(schema);
    copy.copyFrom(this);
    return copy;
  }

  // ---------------------------------------------------------------- fields

  /** Whether field {@code i} is null (always false for a field that is not nullable). */
  public boolean isNullAt(int i) {
    checkPointed();
    schema.checkIndex(i);
    return (segment.get(offset + RowLayout.nullByteOffset(i)) & RowLayout.nullBitMask(i)) != 0;
  }

  /** Field {@code i}, an {@link FieldType#INT}; 0 if the field is null. */
  public int getInt(int i) {
    return segment.getIntLittleEndian(slot(i, FieldType.INT));
  }

  /** Field {@code i}, a {@link FieldType#LONG}; 0 if the field is null. */
  public long getLong(int i) {
    return segment.getLongLittleEndian(slot(i, FieldType.LONG));
  }

  /** Field {@code i}, a {@link FieldType#DOUBLE}; 0.0 if the field is null. */
  public double getDouble(int i) {
    return Double.longBitsToDouble(segment.getLongLittleEndian(slot(i, FieldType.DOUBLE)));
  }

  /** Field {@code i}, a {@link FieldType#STRING}, decoded into a new String; null if null. */
  public String getString(int i) {
    if (isNullAt(checkType(i, FieldType.STRING))) {
      return null;
    }
    return Utf8.decode(segment, fieldOffset(i), fieldLength(i));
  }

  /** Field {@code i}, a {@link FieldType#BYTES}, copied into a new array; null if null. */
  public byte[] getBytes(int i) {
    if (isNullAt(checkType(i, FieldType.BYTES))) {
      return null;
    }
    byte[] bytes = new byte[fieldLength(i)];
    segment.get(fieldOffset(i), bytes);
    return bytes;
  }

  /**
   * Where the bytes of field {@code i} (a STRING, as UTF-8, or BYTES) start in {@link #segment()}:
   * with {@link #fieldLength} the allocation-free way to compare or copy them. Meaningless for a
   * null field.
   *
   * @throws IllegalArgumentException if the field is fixed-width, or its bytes lie outside the row
   */
  public int fieldOffset(int i) {
    long slot = segment.getLongLittleEndian(variableSlot(i)); // offset, then length: one read
    int start = (int) (slot >>> (8 * VAR_OFFSET_IN_SLOT));
    int size = (int) (slot >>> (8 * VAR_LENGTH_IN_SLOT));
    RowLayout.checkVariable(i, start, size, fixedBytes, length);
    return offset + start;
  }

  /** The number of bytes of field {@code i} (a STRING or BYTES); 0 for a null field. */
  public int fieldLength(int i) {
    int size = segment.getIntLittleEndian(variableSlot(i) + VAR_LENGTH_IN_SLOT);
    if (size < 0 || size > length - fixedBytes) {
      throw new IllegalArgumentException(
          "field=" + i + " length=" + size + " does not fit the variable part of " + (length - fixedBytes) + " bytes");
    }
    return size;
  }

  /**
   * Compares the bytes of field {@code i} of this row with field {@code j} of {@code other}
   * (STRING or BYTES) as unsigned bytes, lexicographically; without allocating.
   */
  public int compareFieldBytes(int i, BinaryRow other, int j) {
    return segment.compare(other.segment, fieldOffset(i), other.fieldOffset(j), fieldLength(i), other.fieldLength(j));
  }

  /** The values of all fields, boxed (Integer, Long, Double, String, byte[] or null): for tests and debugging. */
  public Object[] toValues() {
    Object[] values = new Object[fieldCount];
    for (int i = 0; i < fieldCount; i++) {
      values[i] = isNullAt(i) ? null : switch (schema.type(i)) {
        case INT -> getInt(i);
        case LONG -> getLong(i);
        case DOUBLE -> getDouble(i);
        case STRING -> getString(i);
        case BYTES -> getBytes(i);
      };
    }
    return values;
  }

  @Override
  public String toString() {
    if (segment == null) {
      return "BinaryRow(unset)";
    }
    Object[] values = toValues();
    for (int i = 0; i < values.length; i++) {
      if (values[i] instanceof byte[] bytes) {
        values[i] = Arrays.toString(bytes);
      }
    }
    return "BinaryRow" + Arrays.toString(values) + " length=" + length;
  }

  // ---------------------------------------------------------------- checks

  private int slot(int i, FieldType type) {
    checkPointed();
    return offset + RowLayout.slotOffset(fieldCount, checkType(i, type));
  }

  private int variableSlot(int i) {
    checkPointed();
    if (schema.type(i).isFixedWidth()) {
      throw new IllegalArgumentException(
          "field=" + i + " (" + schema.field(i) + ") is fixed-width, not STRING or BYTES");
    }
    return offset + bitmapBytes + i * SLOT_BYTES;
  }

  private int checkType(int i, FieldType type) {
    FieldType actual = schema.type(i);
    if (actual != type) {
      throw new IllegalArgumentException("field=" + i + " (" + schema.field(i) + ") is " + actual + ", not " + type);
    }
    return i;
  }

  private void checkPointed() {
    if (segment == null) {
      throw new IllegalStateException("the row points at no bytes yet: call pointTo or copyFrom first");
    }
  }
}
