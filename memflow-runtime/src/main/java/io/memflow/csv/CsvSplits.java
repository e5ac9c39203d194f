package io.memflow.csv;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Cuts a delimited text file into byte ranges that hold whole rows, so that several readers can
 * parse one file in parallel ({@link CsvRowReader#open(Path, CsvFormat, io.memflow.row.RowSchema, Split)}).
 *
 * <p><b>How.</b> Range {@code k} of {@code n} starts at the first row start at or after byte
 * {@code k * size / n}. A row start cannot be found by looking for a line break near that byte,
 * since a quoted field may hold line breaks; so one pass reads the file from its start with the
 * same grammar as the parser ({@code CsvParser}: a quote opens a field only at the field's start,
 * two quotes inside a quoted field are one quote, a row ends with LF, CRLF or a lone CR) and
 * notes the row starts it passes. It stops at the last cut, so for two ranges it reads half the
 * file. It also counts lines as the parser does (rows, plus line breaks inside quoted fields), so
 * a reader of a later range names the same line in its errors as a reader of the whole file.
 *
 * <p><b>Plain blocks.</b> Most files have long stretches with no quote and no CR. There the
 * grammar is simple: every LF ends a row and nothing else does. So a block of the file that holds
 * neither byte, is read outside a quoted field, and holds no cut only needs its LFs counted, which
 * {@link Swar} does eight bytes at a time; the state after it follows from its last byte. Any
 * other block goes through the byte-by-byte scan. On half of a 128 MB file on a 2-core VM, the
 * pass takes about 32 ms instead of 100-120 ms once compiled, and 70-150 ms instead of 140-160 ms
 * as the first call of a fresh JVM.
 *
 * <p>Where the grammar breaks (a closing quote followed by another character) or a quote is not
 * closed before the end, the pass stops and the ranges after it are empty: the range that holds
 * the fault reads on to the end of the file and reports it, with its line, as a whole read would.
 *
 * <p>Stateless; thread-safe.
 */
public final class CsvSplits {

  private static final int BLOCK = 1 << 20;
  private static final long QUOTES = Swar.broadcast((byte) '"');
  private static final long LFS = Swar.broadcast((byte) '\n');
  private static final long CRS = Swar.broadcast((byte) '\r');

  // states of the scan
  private static final int FIELD_START = 0;
  private static final int UNQUOTED = 1;
  private static final int QUOTED = 2;
  private static final int QUOTE_IN_QUOTED = 3;
  private static final int AFTER_CR = 4;

  // kinds of bytes
  private static final byte ORDINARY = 0;
  private static final byte QUOTE = 1;
  private static final byte SEPARATOR = 2; // the delimiter, LF or CR

  private CsvSplits() {}

  /**
   * One range of a file: bytes {@code [start, end)}, whose first row is on line {@code firstLine}
   * (1-based; the header is line 1). The range starting at 0 holds the header.
   */
  public record Split(long start, long end, long firstLine) {

    /** Checks the range. */
    public Split {
      if (start < 0 || end < start || firstLine < 1) {
        throw new IllegalArgumentException("bad range [" + start + ", " + end + ") from line " + firstLine);
      }
    }

    /** Whether the range is the file's first (it holds the header and any byte order mark). */
    public boolean isFirst() {
      return start == 0;
    }
  }

  /**
   * The file cut into {@code n} ranges that together cover it, in order; some may be empty.
   *
   * @throws IOException if the file cannot be read
   */
  public static List<Split> split(Path path, CsvFormat format, int n) throws IOException {
    return split(path, format, n, BLOCK, true);
  }

  /** As {@link #split(Path, CsvFormat, int)}, reading {@code block} bytes at a time, with or without plain blocks. */
  static List<Split> split(Path path, CsvFormat format, int n, int block, boolean plainBlocks) throws IOException {
    if (n < 1) {
      throw new IllegalArgumentException("ranges=" + n + " must be at least 1");
    }
    try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
      long size = channel.size();
      long[] starts = new long[n + 1];
      long[] lines = new long[n + 1];
      lines[0] = 1;
      starts[n] = size;
      if (n > 1) {
        new Scan(channel, format.delimiter(), size, n, starts, lines, plainBlocks).run(block);
      }
      List<Split> splits = new ArrayList<>(n);
      for (int k = 0; k < n; k++) {
        splits.add(new Split(starts[k], starts[k + 1], lines[k]));
      }
      return List.copyOf(splits);
    }
  }

  /** One pass over the file up to the last cut; fills {@code starts[1..n-1]} and their lines. */
  private static final class Scan {
    private final FileChannel channel;
    private final byte delimiter;
    private final long size;
    private final int n;
    private final long[] starts;
    private final long[] lines;
    private int next = 1;
    private long target;
    private long line = 1;
    private final byte[] kinds = new byte[256];
    private int state = FIELD_START;
    private final boolean plainBlocks;

    Scan(FileChannel channel, byte delimiter, long size, int n, long[] starts, long[] lines, boolean plainBlocks) {
      this.channel = channel;
      this.delimiter = delimiter;
      this.size = size;
      this.n = n;
      this.starts = starts;
      this.lines = lines;
      this.target = targetOf(1);
      this.plainBlocks = plainBlocks;
      kinds['"'] = QUOTE;
      kinds['\n'] = SEPARATOR;
      kinds['\r'] = SEPARATOR;
      kinds[delimiter & 0xFF] = SEPARATOR;
    }

    private long targetOf(int k) {
      return Math.max(1, size / n * k + size % n * k / n); // k * size / n without overflow
    }

    void run(int blockBytes) throws IOException {
      ByteBuffer block = ByteBuffer.allocate(blockBytes);
      byte[] buf = block.array();
      long base = 0;
      boolean first = true;
      while (base < size && next < n) {
        block.clear();
        int got = readFully(block, base);
        int from = first ? CsvParser.byteOrderMarkLength(buf, got) : 0;
        first = false;
        if (!skipPlain(buf, from, got, base) && !scan(buf, from, got, base)) {
          break;
        }
        base += got;
      }
      if (state == AFTER_CR) {
        rowStart(size);
      }
      for (; next < n; next++) {
        starts[next] = size;
        lines[next] = line;
      }
    }

    private int readFully(ByteBuffer block, long base) throws IOException {
      while (block.hasRemaining() && base + block.position() < size) {
        if (channel.read(block, base + block.position()) < 0) {
          break;
        }
      }
      return block.position();
    }

    /**
     * Passes over {@code buf[from, to)} at file offset {@code base} if it is a plain block (see the
     * class note): outside a quoted field, no quote or CR in it, and no cut in it (a row starting
     * at its end is still before the next target). False, changing nothing, if it is not.
     */
    private boolean skipPlain(byte[] buf, int from, int to, long base) {
      if (!plainBlocks || (state != FIELD_START && state != UNQUOTED) || base + to >= target || from == to) {
        return false;
      }
      long rows = lineFeeds(buf, from, to);
      if (rows < 0) {
        return false;
      }
      line += rows;
      byte last = buf[to - 1];
      state = last == '\n' || last == delimiter ? FIELD_START : UNQUOTED;
      return true;
    }

    /** The LFs in {@code buf[from, to)}, or -1 if it holds a quote or a CR. */
    private static long lineFeeds(byte[] buf, int from, int to) {
      long count = 0;
      int k = from;
      for (; k <= to - Long.BYTES; k += Long.BYTES) {
        long word = Swar.word(buf, k);
        if ((Swar.zeroBytes(word ^ QUOTES) | Swar.zeroBytes(word ^ CRS)) != 0) {
          return -1;
        }
        count += Long.bitCount(Swar.exactZeroBytes(word ^ LFS));
      }
      for (; k < to; k++) {
        byte b = buf[k];
        if (b == '"' || b == '\r') {
          return -1;
        }
        count += b == '\n' ? 1 : 0;
      }
      return count;
    }

    /**
     * Scans {@code buf[from, to)} at file offset {@code base}; false once done or the grammar broke.
     * The two common states skip ordinary bytes in a loop of their own.
     */
    private boolean scan(byte[] buf, int from, int to, long base) {
      int i = from;
      while (i < to) {
        switch (state) {
          case UNQUOTED -> {
            while (i < to && kinds[buf[i] & 0xFF] != SEPARATOR) {
              i++;
            }
            if (i == to) {
              return true;
            }
            if (separator(buf[i], base + i)) {
              return false;
            }
            i++;
          }
          case QUOTED -> {
            byte b;
            while (i < to && (b = buf[i]) != '"') {
              if (b == '\n') {
                line++;
              }
              i++;
            }
            if (i == to) {
              return true;
            }
            state = QUOTE_IN_QUOTED;
            i++;
          }
          case FIELD_START, QUOTE_IN_QUOTED -> {
            byte b = buf[i];
            byte kind = kinds[b & 0xFF];
            if (kind == QUOTE) {
              state = QUOTED; // opens a field, or is the second of a doubled quote
            } else if (kind == ORDINARY) {
              if (state == QUOTE_IN_QUOTED) {
                return false; // the parser refuses this row; the range holding it reads on and says so
              }
              state = UNQUOTED;
            } else if (separator(b, base + i)) {
              return false;
            }
            i++;
          }
          default -> { // AFTER_CR
            boolean lf = buf[i] == '\n';
            if (rowStart(lf ? base + i + 1 : base + i)) {
              return false;
            }
            if (lf) {
              i++; // else this byte starts the next row
            }
          }
        }
      }
      return true;
    }

    /** The delimiter or a line break at {@code at}; true once every cut is placed. */
    private boolean separator(byte b, long at) {
      if (b == delimiter) {
        state = FIELD_START;
        return false;
      }
      return rowEnd(b, at);
    }

    /** A row ends at {@code at} with {@code b}; true once every cut is placed. */
    private boolean rowEnd(byte b, long at) {
      if (b == '\r') {
        state = AFTER_CR; // the row starts after an LF that may follow
        return false;
      }
      state = FIELD_START;
      return rowStart(at + 1);
    }

    /** A row starts at {@code at} (counted as a new line); true once every cut is placed. */
    private boolean rowStart(long at) {
      state = FIELD_START;
      line++;
      while (next < n && at >= target && at < size) {
        starts[next] = at;
        lines[next] = line;
        next++;
        target = next < n ? targetOf(next) : Long.MAX_VALUE;
      }
      return next == n;
    }
  }
}
