package io.memflow.csv;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Splits CSV bytes into rows and fields without building strings: each field is a range of the
 * parser's buffer, valid until the next {@link #nextRow()}.
 *
 * <p><b>The format</b> (RFC 4180, with the delimiter of a {@link CsvFormat}): rows end with LF or
 * CRLF (the last row may have no end); a field starting with a quote runs to the matching quote,
 * may hold delimiters and line breaks, and writes a quote as two quotes; after a closing quote
 * comes a delimiter or the end of the row. An unquoted field is taken as it is (a quote inside it
 * is an ordinary character). A UTF-8 byte order mark at the start is skipped.
 *
 * <p><b>Buffering.</b> Bytes are read in blocks into one array. A row is parsed from its start;
 * if the buffer ends first, the partial row moves to the front, more bytes are read, and the row
 * is parsed again. A row longer than the buffer grows it, up to {@link #MAX_ROW_BYTES}, beyond
 * which the input is refused (an unclosed quote is the usual cause).
 *
 * <pre>
 *   buf: [ consumed rows | row being parsed ........ | free ]
 *         0              pos                          limit  buf.length
 * </pre>
 *
 * <p><b>Scanning.</b> An unquoted field, the usual case, ends at the first delimiter, LF or CR:
 * {@link #indexOfFieldEnd} finds it eight bytes at a time (SWAR: one little-endian long read,
 * three "has a zero byte" tests of the word XOR each wanted byte; the lowest flagged byte is
 * exact, as a false flag only arises above a true one). A quote matters only at a field's start,
 * where it sends the field down the byte-by-byte quoted path. Per field the parser keeps its
 * start, with its two flags in the top bits (a buffer is at most {@link #MAX_ROW_BYTES}), and
 * its end.
 *
 * <p>Not thread-safe. Owns the input stream it is given and closes it.
 */
final class CsvParser implements AutoCloseable {

  /** The longest row accepted, in bytes. */
  static final int MAX_ROW_BYTES = 64 << 20;

  private static final int INCOMPLETE = -1;
  private static final byte QUOTE = '"';

  /** In {@code starts}: the field was quoted. */
  private static final int QUOTED = 1 << 30;
  /** In {@code starts}: the quoted field holds doubled quotes. */
  private static final int ESCAPED = 1 << 29;
  /** In {@code starts}: the position bits (buffers are at most {@link #MAX_ROW_BYTES} < 2^29). */
  private static final int POSITION = ESCAPED - 1;

  private static final long LFS = Swar.broadcast((byte) '\n');
  private static final long CRS = Swar.broadcast((byte) '\r');

  private final InputStream in;
  private final Path path;
  private final byte delimiter;
  private byte[] buf;
  private int pos;
  private int limit;
  private boolean eof;
  private long line = 1;
  private long rowLine;
  private long rowNewlines;

  private int fields;
  private int[] starts = new int[16];
  private int[] ends = new int[16];
  private byte[] scratch = new byte[256];
  private int unescapedLength;

  CsvParser(InputStream in, Path path, CsvFormat format, int bufferBytes) throws IOException {
    this(in, path, format, bufferBytes, true, 1);
  }

  /**
   * A parser of {@code in}, which starts a file ({@code fileStart}: a byte order mark is skipped)
   * or a range of one whose first row is on line {@code firstLine}.
   */
  CsvParser(InputStream in, Path path, CsvFormat format, int bufferBytes, boolean fileStart, long firstLine)
      throws IOException {
    if (bufferBytes < 1 || bufferBytes > MAX_ROW_BYTES) {
      throw new IllegalArgumentException("bufferBytes=" + bufferBytes + " outside [1, " + MAX_ROW_BYTES + "]");
    }
    this.in = in;
    this.path = path;
    this.delimiter = format.delimiter();
    this.buf = new byte[bufferBytes];
    this.line = firstLine;
    fill();
    if (fileStart) {
      skipByteOrderMark();
    }
  }

  private void skipByteOrderMark() throws IOException {
    while (limit < 3 && !eof) {
      fill();
    }
    pos = byteOrderMarkLength(buf, limit);
  }

  /** 3 if {@code b[0, length)} starts with a UTF-8 byte order mark, else 0. */
  static int byteOrderMarkLength(byte[] b, int length) {
    return length >= 3 && (b[0] & 0xFF) == 0xEF && (b[1] & 0xFF) == 0xBB && (b[2] & 0xFF) == 0xBF ? 3 : 0;
  }

  /**
   * Moves to the next row.
   *
   * @return false at the end of the input
   * @throws CsvException if a quoted field is not closed properly or a row is too long
   */
  boolean nextRow() throws IOException {
    while (true) {
      if (pos == limit && eof) {
        return false;
      }
      int end = parseRow(pos);
      if (end != INCOMPLETE) {
        pos = end;
        rowLine = line;
        line += 1 + rowNewlines;
        return true;
      }
      if (eof) {
        throw error(line, fields + 1, "a quoted field is not closed before the end of the file; "
            + "close it with a quote (a quote inside a quoted field is written as two quotes)");
      }
      makeRoom();
      fill();
    }
  }

  /** Parses the row at {@code p}; returns the position after it, or INCOMPLETE if the buffer ends first. */
  private int parseRow(int p) throws CsvException {
    fields = 0;
    rowNewlines = 0;
    int i = p;
    while (true) {
      i = i < limit && buf[i] == QUOTE ? parseQuoted(i) : parseUnquoted(i);
      if (i == INCOMPLETE) {
        return INCOMPLETE;
      }
      if (i == limit) {
        return eof ? i : INCOMPLETE;
      }
      byte b = buf[i];
      if (b == delimiter) {
        i++;
        continue;
      }
      if (b == '\n') {
        return i + 1;
      }
      if (i + 1 == limit && !eof) {
        return INCOMPLETE; // a CR whose LF may follow
      }
      return i + 1 < limit && buf[i + 1] == '\n' ? i + 2 : i + 1;
    }
  }

  private int parseUnquoted(int i) {
    int k = indexOfFieldEnd(buf, i, limit, delimiter);
    if (k == limit && !eof) {
      return INCOMPLETE;
    }
    addField(i, k, false, false);
    return k;
  }

  private int parseQuoted(int i) throws CsvException {
    int k = i + 1;
    boolean hasEscapes = false;
    long newlines = 0;
    while (true) {
      if (k >= limit) {
        return INCOMPLETE;
      }
      byte b = buf[k];
      if (b == QUOTE) {
        if (k + 1 == limit && !eof) {
          return INCOMPLETE;
        }
        if (k + 1 < limit && buf[k + 1] == QUOTE) {
          hasEscapes = true;
          k += 2;
          continue;
        }
        break;
      }
      if (b == '\n') {
        newlines++;
      }
      k++;
    }
    addField(i + 1, k, true, hasEscapes);
    rowNewlines += newlines;
    int after = k + 1;
    if (after < limit && buf[after] != delimiter && buf[after] != '\n' && buf[after] != '\r') {
      throw error(line + rowNewlines, fields, "a closing quote is followed by '" + (char) (buf[after] & 0xFF)
          + "' instead of a delimiter or the end of the row; quote the whole field and write each quote"
          + " inside it as two quotes");
    }
    return after;
  }

  /**
   * The first index in {@code [from, to)} of {@code b} holding {@code delimiter}, LF or CR, or
   * {@code to} if there is none: eight bytes at a time while a whole word fits before {@code to}.
   */
  static int indexOfFieldEnd(byte[] b, int from, int to, byte delimiter) {
    long delimiters = Swar.broadcast(delimiter);
    int k = from;
    for (; k <= to - Long.BYTES; k += Long.BYTES) {
      long word = Swar.word(b, k);
      long found = Swar.zeroBytes(word ^ delimiters) | Swar.zeroBytes(word ^ LFS) | Swar.zeroBytes(word ^ CRS);
      if (found != 0) {
        return k + (Long.numberOfTrailingZeros(found) >>> 3);
      }
    }
    for (; k < to; k++) {
      byte c = b[k];
      if (c == delimiter || c == '\n' || c == '\r') {
        return k;
      }
    }
    return to;
  }

  private void addField(int start, int end, boolean isQuoted, boolean hasEscapes) {
    if (fields == starts.length) {
      starts = Arrays.copyOf(starts, fields * 2);
      ends = Arrays.copyOf(ends, fields * 2);
    }
    starts[fields] = start | (isQuoted ? QUOTED : 0) | (hasEscapes ? ESCAPED : 0);
    ends[fields] = end;
    fields++;
  }

  /** Moves the partial row to the front, or grows the buffer if the row fills it. */
  private void makeRoom() throws CsvException {
    if (pos > 0) {
      System.arraycopy(buf, pos, buf, 0, limit - pos);
      limit -= pos;
      pos = 0;
    } else if (limit == buf.length) {
      if (buf.length >= MAX_ROW_BYTES) {
        throw error(line, fields + 1, "the row is longer than " + (MAX_ROW_BYTES >> 20) + " MiB; a quote that is"
            + " never closed makes the rest of the file one field: check the quotes from this line on");
      }
      buf = Arrays.copyOf(buf, Math.min(MAX_ROW_BYTES, buf.length * 2));
    }
  }

  private void fill() throws IOException {
    while (limit < buf.length && !eof) {
      int n = in.read(buf, limit, buf.length - limit);
      if (n < 0) {
        eof = true;
      } else {
        limit += n;
        return;
      }
    }
  }

  // ---------------------------------------------------------------- the current row

  /** The number of fields of the current row. */
  int fieldCount() {
    return fields;
  }

  /** The line the current row starts on (1-based; the header is line 1). */
  long rowLine() {
    return rowLine;
  }

  /** The array holding the current row's fields (valid until the next row). */
  byte[] buffer() {
    return buf;
  }

  /** Where field {@code f}'s raw bytes start in {@link #buffer()}. */
  int start(int f) {
    return starts[f] & POSITION;
  }

  /** Where field {@code f}'s raw bytes end in {@link #buffer()} (exclusive). */
  int end(int f) {
    return ends[f];
  }

  /** The number of raw bytes of field {@code f} (between the quotes, if quoted). */
  int length(int f) {
    return end(f) - start(f);
  }

  /** Whether field {@code f} was quoted (so an empty one is an empty string, not a null). */
  boolean isQuoted(int f) {
    return (starts[f] & QUOTED) != 0;
  }

  /** Whether field {@code f} holds doubled quotes, so its value is not its raw bytes. */
  boolean isEscaped(int f) {
    return (starts[f] & ESCAPED) != 0;
  }

  /**
   * The bytes of field {@code f} with doubled quotes undone: the buffer itself if there are none,
   * else a scratch array (valid until the next call); use with {@link #valueStart} and {@link
   * #valueLength}.
   */
  byte[] value(int f) {
    if (!isEscaped(f)) {
      return buf;
    }
    int length = 0;
    if (scratch.length < length(f)) {
      scratch = new byte[Math.max(length(f), scratch.length * 2)];
    }
    for (int k = start(f); k < ends[f]; k++) {
      scratch[length++] = buf[k];
      if (buf[k] == QUOTE) {
        k++; // the second quote of a pair
      }
    }
    unescapedLength = length;
    return scratch;
  }

  /** Where the value of {@link #value(int)} starts in the array it returned. */
  int valueStart(int f) {
    return isEscaped(f) ? 0 : start(f);
  }

  /** The length of the value of {@link #value(int)} (call {@code value(f)} first). */
  int valueLength(int f) {
    return isEscaped(f) ? unescapedLength : length(f);
  }

  /** An error at {@code atLine}, column {@code column} (1-based), naming the file. */
  CsvException error(long atLine, int column, String problem) {
    return new CsvException(path, atLine, column, null, problem);
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
