package io.memflow.csv;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A delimited text file that cannot be read as declared: the message names the file, the line, the
 * column (by position and, when known, by name) and says what to change.
 */
public final class CsvException extends IOException {

  private static final long serialVersionUID = 1L;

  private final long line;
  private final int column;

  /**
   * @param line the 1-based line (the header is line 1)
   * @param column the 1-based column
   * @param columnName the column's name from the header, or null
   * @param problem what is wrong and how to fix it
   */
  CsvException(Path path, long line, int column, String columnName, String problem) {
    super(path + ", line " + line + ", column " + column + (columnName == null ? "" : " (" + columnName + ")")
        + ": " + problem);
    this.line = line;
    this.column = column;
  }

  /** The 1-based line of the problem. */
  public long line() {
    return line;
  }

  /** The 1-based column of the problem. */
  public int column() {
    return column;
  }
}
