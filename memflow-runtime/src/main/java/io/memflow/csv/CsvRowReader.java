package io.memflow.csv;

import io.memflow.row.BinaryRow;
import io.memflow.row.FieldType;
import io.memflow.row.RowIterator;
import io.memflow.row.RowSchema;
import io.memflow.row.RowWriter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Reads the rows of a delimited text file as binary rows of a schema (from {@link CsvSchemas} or
 * declared), parsing each field from the file's bytes straight into the row: strings are copied
 * as UTF-8 bytes, numbers parsed without building strings.
 *
 * <p>Empty unquoted fields are null; a quoted empty field is an empty string (a null for a number
 * column). A row with another number of fields than the header, or a value that is not of its
 * column's type, fails the read with a {@link CsvException} naming the line and column.
 *
 * <p>A reader may be opened for some of the file's columns only (a projection, as a job that needs
 * two of ten columns asks): its rows then hold those columns, the others are split off but never
 * converted, so a value in a column that is not read is not checked against its type.
 *
 * <p>Not thread-safe. The row that {@link #next()} returns is reused by the next call: it views
 * the reader's own row buffer, read-only. Owns the open file; {@link #close()} closes it.
 */
public final class CsvRowReader implements RowIterator {

  private final Path path;
  private final RowSchema schema;
  private final RowSchema rowSchema;
  private final int[] columns;
  private final FieldType[] types;
  private final CsvParser parser;
  private final RowWriter writer;
  private final BinaryRow row;
  private long rows;
  private boolean closed;

  private CsvRowReader(Path path, RowSchema schema, int[] columns, CsvParser parser) {
    this.path = path;
    this.schema = schema;
    this.rowSchema = schema.project(columns);
    this.columns = columns.clone();
    this.types = new FieldType[columns.length];
    for (int k = 0; k < types.length; k++) {
      types[k] = schema.type(columns[k]);
    }
    this.parser = parser;
    this.writer = new RowWriter(rowSchema);
    this.row = new BinaryRow(rowSchema);
  }

  /**
   * Opens {@code path} and checks that its header names the columns of {@code schema}, in order.
   *
   * @throws CsvException if the header does not match
   * @throws IOException if the file cannot be opened
   */
  public static CsvRowReader open(Path path, CsvFormat format, RowSchema schema) throws IOException {
    return open(path, format, schema, 1 << 20);
  }

  /** As {@link #open(Path, CsvFormat, RowSchema)} with a first buffer of {@code bufferBytes} (tests). */
  static CsvRowReader open(Path path, CsvFormat format, RowSchema schema, int bufferBytes) throws IOException {
    return open(path, format, schema, new CsvSplits.Split(0, Long.MAX_VALUE, 1), bufferBytes);
  }

  /**
   * Opens one range of {@code path} from {@link CsvSplits}: the rows starting in it. The first
   * range's header is checked as by {@link #open(Path, CsvFormat, RowSchema)}; errors in any range
   * name the line a read of the whole file would name.
   *
   * @throws CsvException if the first range's header does not match
   * @throws IOException if the file cannot be opened
   */
  public static CsvRowReader open(Path path, CsvFormat format, RowSchema schema, CsvSplits.Split split)
      throws IOException {
    return open(path, format, schema, split, allColumns(schema), 1 << 20);
  }

  /**
   * As {@link #open(Path, CsvFormat, RowSchema, CsvSplits.Split)}, reading only the file columns
   * {@code columns} (indexes into {@code schema}, the file's schema): field {@code k} of each row
   * is column {@code columns[k]}, and {@link #schema()} is {@code schema.project(columns)}.
   *
   * @throws IndexOutOfBoundsException if a column is not one of {@code schema}
   * @throws IllegalArgumentException if a column repeats
   */
  public static CsvRowReader open(Path path, CsvFormat format, RowSchema schema, CsvSplits.Split split,
      int[] columns) throws IOException {
    return open(path, format, schema, split, columns, 1 << 20);
  }

  static CsvRowReader open(Path path, CsvFormat format, RowSchema schema, CsvSplits.Split split, int bufferBytes)
      throws IOException {
    return open(path, format, schema, split, allColumns(schema), bufferBytes);
  }

  private static int[] allColumns(RowSchema schema) {
    return IntStream.range(0, schema.fieldCount()).toArray();
  }

  private static CsvRowReader open(Path path, CsvFormat format, RowSchema schema, CsvSplits.Split split,
      int[] columns, int bufferBytes) throws IOException {
    schema.project(columns); // bad columns fail before the file is opened
    FileRangeInputStream in = FileRangeInputStream.open(path, split.start(), split.end());
    CsvParser parser;
    try {
      parser = new CsvParser(in, path, format, bufferBytes, split.isFirst(), split.firstLine());
    } catch (IOException | RuntimeException e) {
      in.close();
      throw e;
    }
    try {
      if (split.isFirst()) {
        checkHeader(path, schema, CsvSchemas.header(parser, path));
      }
      return new CsvRowReader(path, schema, columns, parser);
    } catch (IOException | RuntimeException e) {
      parser.close();
      throw e;
    }
  }

  private static void checkHeader(Path path, RowSchema schema, List<String> names) throws CsvException {
    for (int c = 0; c < Math.max(names.size(), schema.fieldCount()); c++) {
      String expected = c < schema.fieldCount() ? schema.field(c).name() : null;
      String actual = c < names.size() ? names.get(c) : null;
      if (expected == null || !expected.equals(actual)) {
        throw new CsvException(path, 1, c + 1, actual, "the header has columns " + names + " where " + schema
            + " was expected; read the file with its own schema");
      }
    }
  }

  /** The schema of the rows: the file's, or the projection's the reader was opened with. */
  public RowSchema schema() {
    return rowSchema;
  }

  /** The rows read so far. */
  public long rowsRead() {
    return rows;
  }

  @Override
  public BinaryRow next() throws IOException {
    if (closed) {
      throw new IllegalStateException("reader of " + path + " is closed");
    }
    if (!parser.nextRow()) {
      return null;
    }
    int expected = schema.fieldCount();
    if (parser.fieldCount() != expected) {
      throw new CsvException(path, parser.rowLine(), Math.min(parser.fieldCount(), expected) + 1, null,
          "the row has " + parser.fieldCount() + " fields but the header has " + expected
              + "; a value holding the delimiter or a line break must be quoted");
    }
    writer.reset();
    for (int k = 0; k < types.length; k++) {
      setField(k, columns[k]);
    }
    writer.view(row); // no copy: the writer's buffer, like the row, holds this row until the next call
    rows++;
    return row;
  }

  /** Sets field {@code k} of the row from column {@code c} of the file. */
  private void setField(int k, int c) throws CsvException {
    FieldType type = types[k];
    int from = parser.start(c);
    int to = parser.end(c);
    if (from == to && (type != FieldType.STRING || !parser.isQuoted(c))) {
      writer.setNull(k);
      return;
    }
    byte[] b = parser.buffer();
    if (parser.isEscaped(c)) {
      b = parser.value(c);
      from = 0;
      to = parser.valueLength(c);
    }
    try {
      switch (type) {
        case INT -> writer.setInt(k, toInt(CsvNumbers.parseLong(b, from, to)));
        case LONG -> writer.setLong(k, CsvNumbers.parseLong(b, from, to));
        case DOUBLE -> writer.setDouble(k, CsvNumbers.parseDouble(b, from, to));
        case STRING -> writer.setUtf8(k, b, from, to - from);
        case BYTES -> writer.setBytes(k, java.util.Arrays.copyOfRange(b, from, to));
      }
    } catch (CsvNumbers.NotANumber e) {
      throw notOfType(c, b, from, to);
    }
  }

  private CsvException notOfType(int c, byte[] b, int from, int to) {
    String value = new String(b, from, Math.min(to - from, 40), java.nio.charset.StandardCharsets.UTF_8);
    String fits = "string";
    try {
      CsvNumbers.parseDouble(b, from, to);
      fits = schema.type(c) == FieldType.INT ? "long" : "double";
      CsvNumbers.parseLong(b, from, to);
    } catch (CsvNumbers.NotANumber e) {
      // fits stays the widest type that parsed
    }
    return new CsvException(path, parser.rowLine(), c + 1, schema.field(c).name(), "'" + value + "' is not a value"
        + " of the column's type " + schema.type(c) + " (inferred from the first rows, or declared); declare the column as "
        + schema.field(c).name() + ":" + fits + " or fix the value");
  }

  private static int toInt(long value) throws CsvNumbers.NotANumber {
    if (value != (int) value) {
      throw CsvNumbers.NotANumber.INSTANCE;
    }
    return (int) value;
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      try {
        parser.close();
      } catch (IOException e) {
        // a read-only file that fails to close loses nothing
      }
    }
  }
}
