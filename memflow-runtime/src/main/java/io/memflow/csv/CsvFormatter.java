package io.memflow.csv;

import io.memflow.row.BinaryRow;
import io.memflow.row.FieldType;
import io.memflow.row.RowSchema;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Formats a header and binary rows as delimited text into a {@link CsvOutput}: integers in
 * decimal, doubles as {@link Double#toString} writes them, strings as their UTF-8 bytes, quoted if
 * they hold the delimiter, a quote or a line break, or are empty (an empty unquoted field is a
 * null). The one place that knows the text form, for {@link CsvRowWriter} and {@link
 * CsvChunkEncoder}. Not thread-safe (scratch space); does not own the output.
 */
final class CsvFormatter {

  private static final byte QUOTE = '"';
  private static final long QUOTES = Swar.broadcast(QUOTE);
  private static final long LFS = Swar.broadcast((byte) '\n');
  private static final long CRS = Swar.broadcast((byte) '\r');

  private final CsvFormat format;
  private final RowSchema schema;
  private final CsvOutput out;
  private final FieldType[] types;
  private final long delimiters;
  private byte[] scratch = new byte[256];

  CsvFormatter(CsvFormat format, RowSchema schema, CsvOutput out) {
    this.format = format;
    this.schema = schema;
    this.out = out;
    this.types = new FieldType[schema.fieldCount()];
    for (int c = 0; c < types.length; c++) {
      types[c] = schema.type(c);
    }
    this.delimiters = Swar.broadcast(format.delimiter());
  }

  void writeHeader() throws IOException {
    for (int c = 0; c < schema.fieldCount(); c++) {
      if (c > 0) {
        out.write(format.delimiter());
      }
      byte[] name = schema.field(c).name().getBytes(StandardCharsets.UTF_8);
      writeText(name, 0, name.length);
    }
    out.write('\n');
  }

  /** Writes one row (of the schema) and its line break. */
  void writeRow(BinaryRow row) throws IOException {
    writeFields(row, 0, types.length);
    out.write('\n');
  }

  /**
   * Writes the row of the schema made of {@code left}'s fields then {@code right}'s, and its line
   * break, as {@link #writeRow} writes the joined row: a null side's fields are null (empty). At
   * most one side is null; the sides' field types must be the schema's, in order.
   */
  void writePair(BinaryRow left, BinaryRow right) throws IOException {
    int split = left != null ? left.schema().fieldCount() : types.length - right.schema().fieldCount();
    writeFields(left, 0, split);
    out.write(format.delimiter());
    writeFields(right, split, types.length);
    out.write('\n');
  }

  /**
   * Writes {@code left}'s fields as the schema's first columns, then {@code text[from, from +
   * length)} as the rest: the other columns as this formatter (or one of the same format) wrote
   * them, without their line break; then the line break.
   */
  void writeWithText(BinaryRow left, byte[] text, int from, int length) throws IOException {
    writeFields(left, 0, left.schema().fieldCount());
    out.write(format.delimiter());
    out.write(text, from, length);
    out.write('\n');
  }

  /** Writes columns {@code [first, end)} of the schema from {@code row}'s fields 0, 1, ... (all null if {@code row} is). */
  private void writeFields(BinaryRow row, int first, int end) throws IOException {
    boolean word = row != null && end - first <= Long.SIZE;
    long nulls = word ? row.segment().getLongLittleEndian(row.offset()) : 0L; // RowLayout's bitmap
    for (int c = first; c < end; c++) {
      if (c > first) {
        out.write(format.delimiter());
      }
      int field = c - first;
      if (row != null && (word ? (nulls & 1L << field) == 0 : !row.isNullAt(field))) {
        writeValue(row, field, types[c]);
      }
    }
  }

  private void writeValue(BinaryRow row, int c, FieldType type) throws IOException {
    switch (type) {
      case INT -> out.writeLong(row.getInt(c));
      case LONG -> out.writeLong(row.getLong(c));
      case DOUBLE -> out.writeDouble(row.getDouble(c));
      case STRING, BYTES -> writeField(row, c);
    }
  }

  /** Copies a text field straight from the row; quotes it (writing it again) only if it must. */
  private void writeField(BinaryRow row, int c) throws IOException {
    int length = row.fieldLength(c);
    int start = out.copy(row.segment(), row.fieldOffset(c), length);
    byte[] b = out.buffer();
    if (length == 0 || needsQuote(b, start, start + length)) {
      if (scratch.length < length) {
        scratch = new byte[Math.max(length, scratch.length * 2)];
      }
      System.arraycopy(b, start, scratch, 0, length);
      out.rewind(start);
      writeText(scratch, 0, length);
    }
  }

  /** Whether {@code b[from, to)} holds the delimiter, a quote or a line break: eight bytes at a time ({@link Swar}). */
  private boolean needsQuote(byte[] b, int from, int to) {
    int i = from;
    for (; i <= to - Long.BYTES; i += Long.BYTES) {
      long word = Swar.word(b, i);
      if ((Swar.zeroBytes(word ^ delimiters) | Swar.zeroBytes(word ^ QUOTES) | Swar.zeroBytes(word ^ LFS)
          | Swar.zeroBytes(word ^ CRS)) != 0) {
        return true;
      }
    }
    for (; i < to; i++) {
      if (format.needsQuote(b[i])) {
        return true;
      }
    }
    return false;
  }

  private void writeText(byte[] b, int from, int length) throws IOException {
    if (length > 0 && !needsQuote(b, from, from + length)) {
      out.write(b, from, length);
      return;
    }
    out.write(QUOTE);
    for (int i = from; i < from + length; i++) {
      out.write(b[i]);
      if (b[i] == QUOTE) {
        out.write(QUOTE);
      }
    }
    out.write(QUOTE);
  }
}
