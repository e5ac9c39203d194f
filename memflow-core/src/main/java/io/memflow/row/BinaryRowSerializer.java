package io.memflow.row;

import io.memflow.memory.MemorySegment;
import io.memflow.memory.view.AbstractPagedInputView;
import io.memflow.memory.view.DataInputView;
import io.memflow.memory.view.DataOutputView;
import io.memflow.serialization.TypeSerializer;
import java.io.IOException;
import java.util.Objects;

/**
 * Rows of one schema as length-prefixed bytes:
 *
 * <pre>
 * +-------------------------+----------------------------------------+
 * | int length, big-endian  | length bytes: the row in RowLayout     |
 * +-------------------------+----------------------------------------+
 * </pre>
 *
 * The prefix is a fixed 4 bytes (as {@link java.io.DataOutput#writeInt}) so a reader can skip a
 * row in one step; the row bytes are copied as they are. A row may span any number of pages of
 * the view; reading copies it into the target row's own buffer, where it is contiguous.
 *
 * <p>Stateless and thread-safe; owns nothing. Reading checks the row's structure ({@code
 * RowLayout.check}) and reports a malformed row as an {@link IOException} naming the operands.
 */
public final class BinaryRowSerializer implements TypeSerializer<BinaryRow> {

  private final RowSchema schema;
  private final int fixedBytes;

  /** A serializer for rows of {@code schema}. */
  public BinaryRowSerializer(RowSchema schema) {
    this.schema = Objects.requireNonNull(schema, "schema");
    this.fixedBytes = RowLayout.fixedPartBytes(schema.fieldCount());
  }

  /** The schema of the rows. */
  public RowSchema schema() {
    return schema;
  }

  @Override
  public void serialize(BinaryRow value, DataOutputView target) throws IOException {
    checkSchema(value);
    target.writeInt(value.sizeInBytes());
    target.write(value.segment(), value.offset(), value.sizeInBytes());
  }

  /** Reads one row into a new row (with its own buffer). */
  @Override
  public BinaryRow deserialize(DataInputView source) throws IOException {
    return deserialize(new BinaryRow(schema), source);
  }

  /**
   * Reads one row into {@code reuse}'s own buffer, growing it only if the row is larger than any
   * before, and points {@code reuse} at it.
   *
   * @return {@code reuse}
   */
  @Override
  public BinaryRow deserialize(BinaryRow reuse, DataInputView source) throws IOException {
    checkSchema(reuse);
    int length = readLength(source);
    MemorySegment buffer = reuse.buffer(length);
    source.readFully(reuse.bufferArray(), 0, length);
    try {
      RowLayout.check(schema, buffer, 0, length);
    } catch (IllegalArgumentException e) {
      throw new IOException("malformed row: " + e.getMessage(), e);
    }
    reuse.pointToBuffer(length);
    return reuse;
  }

  /**
   * As {@link #deserialize(BinaryRow, DataInputView)}; when {@code source} is a paged view whose
   * current page holds the whole row, {@code reuse} points into that page (no copy), valid until
   * the next read from {@code source}.
   */
  @Override
  public BinaryRow deserializeTransient(BinaryRow reuse, DataInputView source) throws IOException {
    if (source instanceof AbstractPagedInputView paged) {
      MemorySegment page = paged.getCurrentSegment(); // null before the first read
      int at = paged.getCurrentPositionInSegment();
      int room = paged.getCurrentSegmentLimit() - at - Integer.BYTES;
      if (page != null && room >= fixedBytes) {
        int length = page.getIntBigEndian(at);
        if (length >= fixedBytes && length <= room) {
          checkSchema(reuse);
          try {
            RowLayout.check(schema, page, at + Integer.BYTES, length);
          } catch (IllegalArgumentException e) {
            throw new IOException("malformed row: " + e.getMessage(), e);
          }
          reuse.pointTo(page, at + Integer.BYTES, length);
          paged.skipBytesToRead(Integer.BYTES + length);
          return reuse;
        }
      }
    }
    return deserialize(reuse, source);
  }

  /** A copy of {@code row} in a heap buffer of its own. */
  @Override
  public BinaryRow detach(BinaryRow row) {
    return row.copy();
  }

  @Override
  public void copy(DataInputView source, DataOutputView target) throws IOException {
    int length = readLength(source);
    target.writeInt(length);
    target.write(source, length);
  }

  /** Skips one serialized row in {@code source}. */
  public void skip(DataInputView source) throws IOException {
    source.skipBytesToRead(readLength(source));
  }

  @Override
  public int getLength() {
    return -1;
  }

  /** The number of bytes {@link #serialize} writes for {@code row}, prefix included. */
  public int serializedLength(BinaryRow row) {
    return Integer.BYTES + row.sizeInBytes();
  }

  private int readLength(DataInputView source) throws IOException {
    int length = source.readInt();
    if (length < fixedBytes) {
      throw new IOException(
          "malformed row length=" + length + ", at least the fixed part=" + fixedBytes + " for " + schema);
    }
    return length;
  }

  private void checkSchema(BinaryRow row) {
    if (row.schema() != schema && !row.schema().equals(schema)) {
      throw new IllegalArgumentException("row of " + row.schema() + " given to the serializer of " + schema);
    }
  }

  @Override
  public String toString() {
    return "BinaryRowSerializer(" + schema + ")";
  }
}
