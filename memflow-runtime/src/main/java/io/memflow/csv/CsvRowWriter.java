package io.memflow.csv;

import io.memflow.row.BinaryRow;
import io.memflow.row.RowSchema;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.util.random.RandomGenerator;

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

  private static final byte QUOTE = '"';

  private final Path target;
  private final Path temporary;
  private final CsvFormat format;
  private final RowSchema schema;
  private static final RandomGenerator RANDOM = new SecureRandom();

  private final CsvOutput out;
  private long rows;
  private boolean finished;
  private boolean aborted;
  private byte[] scratch = new byte[256];

  private CsvRowWriter(Path target, Path temporary, CsvFormat format, RowSchema schema, CsvOutput out) {
    this.target = target;
    this.temporary = temporary;
    this.format = format;
    this.schema = schema;
    this.out = out;
  }

  /**
   * Starts writing rows of {@code schema} for {@code target} and writes the header.
   *
   * @throws IOException if the temporary file cannot be created in the target's directory
   */
  public static CsvRowWriter create(Path target, CsvFormat format, RowSchema schema) throws IOException {
    Path directory = target.toAbsolutePath().getParent();
    Path temporary = createTemporary(directory, target.getFileName().toString());
    CsvOutput out = new CsvOutput(Files.newOutputStream(temporary));
    CsvRowWriter writer = new CsvRowWriter(target, temporary, format, schema, out);
    try {
      writer.writeHeader();
    } catch (IOException | RuntimeException e) {
      writer.abort();
      throw e;
    }
    return writer;
  }

  /**
   * A new empty file beside the target, with the permissions a new file gets (the umask's), not
   * the owner-only ones of a temp file: it becomes the output.
   */
  private static Path createTemporary(Path directory, String name) throws IOException {
    for (int attempt = 0; ; attempt++) {
      Path candidate = directory.resolve("." + name + "." + Long.toUnsignedString(RANDOM.nextLong(), 36) + ".part");
      try {
        return Files.createFile(candidate);
      } catch (FileAlreadyExistsException e) {
        if (attempt == 100) {
          throw e;
        }
      }
    }
  }

  private void writeHeader() throws IOException {
    for (int c = 0; c < schema.fieldCount(); c++) {
      if (c > 0) {
        out.write(format.delimiter());
      }
      byte[] name = schema.field(c).name().getBytes(StandardCharsets.UTF_8);
      writeText(name, 0, name.length);
    }
    out.write('\n');
  }

  /** Writes one row (of the writer's schema). */
  public void write(BinaryRow row) throws IOException {
    if (finished) {
      throw new IllegalStateException("writer of " + target + " is " + (aborted ? "aborted" : "committed"));
    }
    for (int c = 0; c < schema.fieldCount(); c++) {
      if (c > 0) {
        out.write(format.delimiter());
      }
      if (!row.isNullAt(c)) {
        writeValue(row, c);
      }
    }
    out.write('\n');
    rows++;
  }

  private void writeValue(BinaryRow row, int c) throws IOException {
    switch (schema.type(c)) {
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
    boolean quote = length == 0;
    for (int i = start; i < start + length && !quote; i++) {
      quote = format.needsQuote(b[i]);
    }
    if (quote) {
      if (scratch.length < length) {
        scratch = new byte[Math.max(length, scratch.length * 2)];
      }
      System.arraycopy(b, start, scratch, 0, length);
      out.rewind(start);
      writeText(scratch, 0, length);
    }
  }

  private void writeText(byte[] b, int from, int length) throws IOException {
    boolean quote = length == 0;
    for (int i = from; i < from + length && !quote; i++) {
      quote = format.needsQuote(b[i]);
    }
    if (!quote) {
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
