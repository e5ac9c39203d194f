package io.memflow.csv;

import io.memflow.io.NewFiles;
import io.memflow.memory.MemorySegment;
import io.memflow.row.BinaryRow;
import io.memflow.row.RowSchema;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Writes binary rows as a delimited text file with a header, all or nothing: rows go to a
 * temporary file beside the target, which {@link #commit()} renames to the target (atomically
 * where the file system can), and {@link #abort()} or a {@link #close()} without commit deletes.
 * So a failed job never leaves a partial output file, and an existing target is replaced only by
 * a complete one.
 *
 * <p>Values: integers in decimal, doubles as {@link Double#toString} writes them (which {@link
 * CsvRowReader} reads back to the same double), strings as their UTF-8 bytes, quoted if they hold
 * the delimiter, a quote or a line break, or are empty (an empty unquoted field is a null).
 *
 * <p>Not thread-safe. Owns the temporary file until committed.
 */
public final class CsvRowWriter implements AutoCloseable {

  private final Path target;
  private final Path temporary;

  private final CsvOutput out;
  private final CsvFormatter formatter;
  private long rows;
  private boolean finished;
  private boolean aborted;

  private CsvRowWriter(Path target, Path temporary, CsvFormat format, RowSchema schema, CsvOutput out) {
    this.target = target;
    this.temporary = temporary;
    this.out = out;
    this.formatter = new CsvFormatter(format, schema, out);
  }

  /**
   * Starts writing rows of {@code schema} for {@code target} and writes the header.
   *
   * @throws IOException if the temporary file cannot be created in the target's directory
   */
  public static CsvRowWriter create(Path target, CsvFormat format, RowSchema schema) throws IOException {
    Path directory = target.toAbsolutePath().getParent();
    // beside the target, with the permissions a new file gets (it becomes the output)
    Path temporary = NewFiles.create(directory, "." + target.getFileName() + ".", ".part", false);
    CsvOutput out = new CsvOutput(Files.newOutputStream(temporary));
    CsvRowWriter writer = new CsvRowWriter(target, temporary, format, schema, out);
    try {
      writer.formatter.writeHeader();
    } catch (IOException | RuntimeException e) {
      writer.abort();
      throw e;
    }
    return writer;
  }

  /** Writes one row (of the writer's schema). */
  public void write(BinaryRow row) throws IOException {
    checkOpen();
    formatter.writeRow(row);
    rows++;
  }

  /**
   * Writes text that a {@link CsvChunkEncoder} of the same format and schema made: {@code length}
   * bytes at {@code offset} of {@code segment}, whole lines holding {@code lines} rows.
   */
  public void writeEncoded(MemorySegment segment, int offset, int length, long lines) throws IOException {
    checkOpen();
    out.copy(segment, offset, length);
    rows += lines;
  }

  private void checkOpen() {
    if (finished) {
      throw new IllegalStateException("writer of " + target + " is " + (aborted ? "aborted" : "committed"));
    }
  }

  /** The rows written so far. */
  public long rowsWritten() {
    return rows;
  }

  /**
   * Completes the file and moves it to the target, replacing any file there.
   *
   * @throws IOException if flushing or moving fails (the temporary file is deleted, the target untouched)
   */
  public void commit() throws IOException {
    if (finished) {
      throw new IllegalStateException("writer of " + target + " is already finished");
    }
    try {
      out.close();
      move();
      finished = true;
    } catch (IOException | RuntimeException e) {
      abort();
      throw e;
    }
  }

  private void move() throws IOException {
    try {
      Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /** Discards the rows: deletes the temporary file. Idempotent; never throws. */
  public void abort() {
    if (finished) {
      return;
    }
    finished = true;
    aborted = true;
    try {
      out.discard();
    } catch (IOException e) {
      // the file is deleted next
    }
    try {
      Files.deleteIfExists(temporary);
    } catch (IOException e) {
      temporary.toFile().deleteOnExit();
    }
  }

  /** Aborts unless committed. */
  @Override
  public void close() {
    abort();
  }
}
