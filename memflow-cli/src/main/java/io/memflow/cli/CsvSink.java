package io.memflow.cli;

import io.memflow.csv.CsvChunkEncoder;
import io.memflow.csv.CsvFormat;
import io.memflow.csv.CsvRowWriter;
import io.memflow.row.BinaryRow;
import io.memflow.row.FieldType;
import io.memflow.row.RowSchema;
import io.memflow.row.RowWriter;
import io.memflow.runtime.Collector;
import io.memflow.runtime.Operator;
import io.memflow.runtime.TaskContext;
import java.io.IOException;
import java.nio.file.Path;

/**
 * A sink operator writing a CSV or TSV file (by the target's extension) with a header, all or
 * nothing: the file appears, replacing any old one, only when the input ended; a failed or
 * cancelled job leaves no file (and an old one untouched). One per subtask; run it with
 * parallelism 1.
 *
 * <p>It takes rows of the file's schema, or ({@link #encoded}) chunks of text that {@link Encode}
 * or {@link JoinEncode} operators formatted in the producing subtasks, so that formatting runs in
 * parallel and the one writing thread only appends.
 */
final class CsvSink implements Operator {

  /** The rows {@link Encode} emits: a chunk of whole lines of text and how many rows it holds. */
  static final RowSchema CHUNKS = RowSchema.builder()
      .field("rows", FieldType.LONG).field("text", FieldType.STRING).build();

  private final Path target;
  private final RowSchema schema;
  private final boolean encoded;
  private CsvRowWriter writer;
  private boolean committed;

  /** A sink of rows of {@code schema}. */
  CsvSink(Path target, RowSchema schema) {
    this(target, schema, false);
  }

  private CsvSink(Path target, RowSchema schema, boolean encoded) {
    this.target = target;
    this.schema = schema;
    this.encoded = encoded;
  }

  /** A sink of {@link #CHUNKS} that {@link Encode} operators made from rows of {@code schema}. */
  static CsvSink encoded(Path target, RowSchema schema) {
    return new CsvSink(target, schema, true);
  }

  @Override
  public void open(TaskContext context) throws IOException {
    writer = CsvRowWriter.create(target, CsvFormat.forPath(target), schema);
  }

  @Override
  public void process(int input, BinaryRow row, Collector out) throws IOException {
    if (encoded) {
      writer.writeEncoded(row.segment(), row.fieldOffset(1), row.fieldLength(1), row.getLong(0));
    } else {
      writer.write(row);
    }
  }

  @Override
  public void endInput(int input, Collector out) throws IOException {
    writer.commit();
    committed = true;
  }

  @Override
  public void close() {
    if (writer != null) {
      if (!committed) {
        writer.abort();
      }
      writer.close();
    }
  }

  /**
   * Formats its subtask's rows of a schema as the sink of the same target would and emits them as
   * {@link #CHUNKS} of about {@value Chunks#CHUNK_BYTES} bytes of whole lines. Chain it after the
   * stage whose output is written, one per subtask; not thread-safe.
   */
  static final class Encode implements Operator {
    private final Chunks chunks;

    Encode(Path target, RowSchema schema) {
      this.chunks = new Chunks(target, schema);
    }

    @Override
    public void process(int input, BinaryRow row, Collector out) throws IOException, InterruptedException {
      chunks.encoder().write(row);
      chunks.emitIfFull(out);
    }

    @Override
    public void endInput(int input, Collector out) throws IOException, InterruptedException {
      chunks.emitRest(out);
    }
  }

  /**
   * Text formatted for a sink of {@code target}, emitted as {@link #CHUNKS} rows once a chunk
   * holds {@value #CHUNK_BYTES} bytes: what {@link Encode} and {@link JoinEncode} share. Not
   * thread-safe; the encoder and the chunk row are reused.
   */
  static final class Chunks {
    static final int CHUNK_BYTES = 32 * 1024;

    private final CsvChunkEncoder encoder;
    private final RowWriter chunkWriter = new RowWriter(CHUNKS);
    private final BinaryRow chunk = new BinaryRow(CHUNKS);

    Chunks(Path target, RowSchema schema) {
      this.encoder = new CsvChunkEncoder(CsvFormat.forPath(target), schema);
    }

    /** Where rows are formatted; {@link #emitIfFull} after each. */
    CsvChunkEncoder encoder() {
      return encoder;
    }

    /** Emits the chunk if it is full. */
    void emitIfFull(Collector out) throws IOException, InterruptedException {
      if (encoder.size() >= CHUNK_BYTES) {
        emit(out);
      }
    }

    /** Emits what is left, at the end of the input. */
    void emitRest(Collector out) throws IOException, InterruptedException {
      if (encoder.rows() > 0) {
        emit(out);
      }
    }

    private void emit(Collector out) throws IOException, InterruptedException {
      chunkWriter.reset().setLong(0, encoder.rows()).setUtf8(1, encoder.buffer(), 0, encoder.size()).view(chunk);
      out.collect(chunk);
      encoder.clear();
    }
  }
}
