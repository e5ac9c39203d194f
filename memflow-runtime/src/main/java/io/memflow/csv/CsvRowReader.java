package io.memflow.csv;

import io.memflow.row.BinaryRow;
import io.memflow.row.FieldType;
import io.memflow.row.RowIterator;
import io.memflow.row.RowSchema;
import io.memflow.row.RowWriter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Reads the rows of a delimited text file as binary rows of a schema (from {@link CsvSchemas} or
 * declared), parsing each field from the file's bytes straight into the row: strings are copied
 * as UTF-8 bytes, numbers parsed without building strings.
 *
 * <p>Empty unquoted fields are null; a quoted empty field is an empty string (a null for a number
 * column). A row with another number of fields than the header, or a value that is not of its
 * column's type, fails the read with a {@link CsvException} naming the line and column.
 *
 * <p>Not thread-safe. The row that {@link #next()} returns is reused by the next call. Owns the
 * open file; {@link #close()} closes it.
 */
public final class CsvRowReader implements RowIterator {

  private final Path path;
  private final RowSchema schema;
  private final FieldType[] types;
  private final CsvParser parser;
  private final RowWriter writer;
  private final BinaryRow row;
  private long rows;
  private boolean closed;

  private CsvRowReader(Path path, RowSchema schema, CsvParser parser) {
    this.path = path;
    this.schema = schema;
    this.types = new FieldType[schema.fieldCount()];
    for (int c = 0; c < types.length; c++) {
      types[c] = schema.type(c);
    }
    this.parser = parser;
    this.writer = new RowWriter(schema);
    this.row = new BinaryRow(schema);
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
    return open(path, format, schema, split, 1 << 20);
  }

  static CsvRowReader open(Path path, CsvFormat format, RowSchema schema, CsvSplits.Split split, int bufferBytes)
      throws IOException {
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
      return new CsvRowReader(path, schema, parser);
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

  /** The schema of the rows. */
  public RowSchema schema() {
    return schema;
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
    if (parser.fieldCount() != types.length) {
      throw new CsvException(path, parser.rowLine(), Math.min(parser.fieldCount(), types.length) + 1, null,
          "the row has " + parser.fieldCount() + " fields but the header has " + types.length
              + "; a value holding the delimiter or a line break must be quoted");
    }
    writer.reset();
    for (int c = 0; c < types.length; c++) {
      setField(c);
    }
    writer.writeTo(row);
    rows++;
    return row;
  }

  private void setField(int c) throws CsvException {
    if (parser.length(c) == 0 && (!parser.isQuoted(c) || types[c] != FieldType.STRING)) {
      writer.setNull(c);
      return;
    }
    byte[] b = parser.value(c);
    int from = parser.valueStart(c);
    int to = from + parser.valueLength(c);
    try {
      switch (types[c]) {
        case INT -> writer.setInt(c, toInt(CsvNumbers.parseLong(b, from, to)));
        case LONG -> writer.setLong(c, CsvNumbers.parseLong(b, from, to));
        case DOUBLE -> writer.setDouble(c, CsvNumbers.parseDouble(b, from, to));
        case STRING -> writer.setUtf8(c, b, from, to - from);
        case BYTES -> writer.setBytes(c, java.util.Arrays.copyOfRange(b, from, to));
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
      fits = types[c] == FieldType.INT ? "long" : "double";
      CsvNumbers.parseLong(b, from, to);
    } catch (CsvNumbers.NotANumber e) {
      // fits stays the widest type that parsed
    }
    return new CsvException(path, parser.rowLine(), c + 1, schema.field(c).name(), "'" + value + "' is not a value"
        + " of the column's type " + types[c] + " (inferred from the first rows, or declared); declare the column as "
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
