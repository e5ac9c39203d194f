package io.memflow.cli;

import io.memflow.csv.CsvFormat;
import io.memflow.csv.CsvRowWriter;
import io.memflow.row.BinaryRow;
import io.memflow.row.RowSchema;
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
 */
final class CsvSink implements Operator {

  private final Path target;
  private final RowSchema schema;
  private CsvRowWriter writer;
  private boolean committed;

  CsvSink(Path target, RowSchema schema) {
    this.target = target;
    this.schema = schema;
  }

  @Override
  public void open(TaskContext context) throws IOException {
    writer = CsvRowWriter.create(target, CsvFormat.forPath(target), schema);
  }

  @Override
  public void process(int input, BinaryRow row, Collector out) throws IOException {
    writer.write(row);
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
}
