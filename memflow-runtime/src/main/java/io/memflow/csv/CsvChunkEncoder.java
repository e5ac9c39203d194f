package io.memflow.csv;

import io.memflow.row.BinaryRow;
import io.memflow.row.RowSchema;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Formats rows into a growing in-memory chunk of text exactly as {@link CsvRowWriter#write} would
 * write them, so that many threads can format while one {@link CsvRowWriter} only appends their
 * chunks ({@link CsvRowWriter#writeEncoded}). A chunk holds whole lines: take it when {@link
 * #size()} is large enough, then {@link #clear()}.
 *
 * <p>Not thread-safe: one per formatting thread. Owns its buffer; the array {@link #buffer()}
 * returns is valid until the next call.
 */
public final class CsvChunkEncoder {

  private final CsvOutput out = new CsvOutput();
  private final CsvFormatter formatter;
  private long rows;

  /** An encoder of rows of {@code schema} in {@code format}. */
  public CsvChunkEncoder(CsvFormat format, RowSchema schema) {
    this.formatter = new CsvFormatter(format, schema, out);
  }

  /** Appends {@code row} (of the encoder's schema) and its line break to the chunk. */
  public void write(BinaryRow row) {
    try {
      formatter.writeRow(row);
    } catch (IOException e) {
      throw new UncheckedIOException("an in-memory chunk cannot fail to grow", e);
    }
    rows++;
  }

  /**
   * Appends the row of the encoder's schema made of {@code left}'s fields then {@code right}'s
   * (either may be null: its fields are then null), as {@link #write} appends that row: how a join
   * that hands out its pairs ({@link io.memflow.hash.JoinOutput}) formats them without building
   * the joined row. The sides' field types must be the schema's, in order.
   */
  public void writePair(BinaryRow left, BinaryRow right) {
    if (left == null && right == null) {
      throw new IllegalArgumentException("a pair needs at least one row");
    }
    try {
      formatter.writePair(left, right);
    } catch (IOException e) {
      throw new UncheckedIOException("an in-memory chunk cannot fail to grow", e);
    }
    rows++;
  }

  /**
   * Appends the row of the encoder's schema made of {@code left}'s fields and then of columns
   * already formatted: {@code text[from, from + length)}, what an encoder of the same format wrote
   * for a row of the remaining columns, without its line break. A join's output pairs with a build
   * row met again: its text is formatted once ({@code memflow run join} keeps it per build row).
   */
  public void writeWithText(BinaryRow left, byte[] text, int from, int length) {
    java.util.Objects.checkFromIndexSize(from, length, text.length);
    try {
      formatter.writeWithText(left, text, from, length);
    } catch (IOException e) {
      throw new UncheckedIOException("an in-memory chunk cannot fail to grow", e);
    }
    rows++;
  }

  /** The bytes of the chunk so far: {@code buffer()[0, size())}. */
  public int size() {
    return out.position();
  }

  /** The rows in the chunk so far. */
  public long rows() {
    return rows;
  }

  /** The chunk's array; its first {@link #size()} bytes are the text. */
  public byte[] buffer() {
    return out.buffer();
  }

  /** Empties the chunk (the buffer is kept). */
  public void clear() {
    out.rewind(0);
    rows = 0;
  }
}
