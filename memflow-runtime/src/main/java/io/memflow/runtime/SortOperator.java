package io.memflow.runtime;

import io.memflow.row.BinaryRow;
import io.memflow.row.RowSchema;
import io.memflow.row.SortComparators;
import io.memflow.row.SortField;
import io.memflow.serialization.RecordIterator;
import io.memflow.sort.ExternalSorter;

/** Sorts all rows of its subtask with an {@link ExternalSorter} in its managed memory share. */
final class SortOperator implements Operator {

  /** The fewest pages an external sorter takes: two sort buffers of three pages and two for I/O. */
  static final int MIN_PAGES = 8;
  /** From this many pages on, three sort buffers: one filling, one sorting, one spilling. */
  static final int OVERLAP_PAGES = 64;

  private final RowSchema schema;
  private final SortField[] keys;
  private ExternalSorter<BinaryRow> sorter;

  SortOperator(RowSchema schema, SortField[] keys) {
    this.schema = schema;
    this.keys = keys.clone();
  }

  @Override
  public void open(TaskContext context) throws Exception {
    long pages = context.managedMemoryBytes() / context.memoryManager().pageSize();
    sorter = ExternalSorter.builder(context.memoryManager(), context.owner(), SortComparators.rows(schema, keys))
        .memoryBytes(context.managedMemoryBytes())
        .spillManager(context.spillManager())
        .sortBuffers(pages >= OVERLAP_PAGES ? 3 : 2)
        .build();
  }

  @Override
  public void process(int input, BinaryRow row, Collector out) throws Exception {
    sorter.write(row);
  }

  @Override
  public void endInput(int input, Collector out) throws Exception {
    BinaryRow reuse = new BinaryRow(schema);
    try (RecordIterator<BinaryRow> sorted = sorter.sorted()) {
      BinaryRow row;
      while ((row = sorted.next(reuse)) != null) {
        out.collect(row);
      }
    }
  }

  @Override
  public void close() {
    if (sorter != null) {
      sorter.close();
    }
  }
}
