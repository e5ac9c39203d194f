package io.memflow.csv;

import java.nio.file.Path;
import java.util.Locale;

/**
 * The dialect of a delimited text file: the field delimiter (quotes are always {@code "}, rows end
 * with LF or CRLF, the first row is the header).
 *
 * @param delimiter the byte between fields: {@code ,} for CSV, a tab for TSV
 */
public record CsvFormat(byte delimiter) {

  /** Comma-separated values. */
  public static final CsvFormat CSV = new CsvFormat((byte) ',');

  /** Tab-separated values. */
  public static final CsvFormat TSV = new CsvFormat((byte) '\t');

  /** The format a file name suggests: TSV for {@code .tsv} and {@code .tab}, CSV otherwise. */
  public static CsvFormat forPath(Path path) {
    String name = path.getFileName().toString().toLowerCase(Locale.ROOT);
    return name.endsWith(".tsv") || name.endsWith(".tab") ? TSV : CSV;
  }

  /** Whether {@code b} ends or splits a field, so that a value holding it must be quoted. */
  boolean needsQuote(byte b) {
    return b == delimiter || b == '"' || b == '\n' || b == '\r';
  }
}
