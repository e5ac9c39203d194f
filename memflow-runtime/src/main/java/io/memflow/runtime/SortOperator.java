package io.memflow.runtime;

import io.memflow.io.SpillFile;
import io.memflow.io.SpillManager;
import io.memflow.io.SpillReader;
import io.memflow.io.SpillWriter;
import io.memflow.managed.MemoryAllocationException;
import io.memflow.managed.MemoryManager;
import io.memflow.memory.MemorySegment;
import io.memflow.row.BinaryRow;
import io.memflow.row.BinaryRowSerializer;
import io.memflow.row.RowSchema;
import io.memflow.row.SortComparators;
import io.memflow.row.SortField;
import io.memflow.serialization.RecordIterator;
import io.memflow.sort.ExternalSorter;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * Sorts all rows of its subtask with an {@link ExternalSorter} in its managed memory share.
 *
 * <p><b>Spooling.</b> When the runtime says so ({@link TaskContext#spoolsInput()}: every other
 * memory user of the slot is one of this sort's producers), the operator does not sort while its
 * input arrives. It appends the rows to a spill file through {@value #SPOOL_PAGES} pages, waits
 * until the producers have given their memory back, then sorts the file with the memory of the
 * whole slot. The producers (an aggregation, say) meanwhile had the slot nearly to themselves
 * instead of half of it. This is how Flink shares a slot between pipelined regions of a batch
 * job, at the price of writing the input once more (docs/runtime.md has the measurements).
 */
final class SortOperator implements Operator {

  /** The fewest pages an external sorter takes: two sort buffers of three pages and two for I/O. */
  static final int MIN_PAGES = 8;
  /** From this many pages on, three sort buffers: one filling, one sorting, one spilling. */
  static final int OVERLAP_PAGES = 64;
  /** The pages a spooling sort holds while its input arrives (write-behind, then read-ahead). */
  static final int SPOOL_PAGES = 4;

  private final RowSchema schema;
  private final SortField[] keys;
  private TaskContext context;
  private ExternalSorter<BinaryRow> sorter;
  private BinaryRowSerializer serializer;
  private List<MemorySegment> spoolPages;
  private SpillFile spool;
  private SpillWriter spoolWriter;
  private long spooledRows;

  SortOperator(RowSchema schema, SortField[] keys) {
    this.schema = schema;
    this.keys = keys.clone();
  }

  @Override
  public void open(TaskContext context) throws Exception {
    this.context = context;
    if (!context.spoolsInput()) {
      sorter = newSorter(context.managedMemoryBytes());
      return;
    }
    serializer = new BinaryRowSerializer(schema);
    spoolPages = context.memoryManager().allocatePages(context.owner(), SPOOL_PAGES);
    SpillManager spills = context.spillManager();
    spool = spills.createFile("sort input");
    spoolWriter = spills.openWriter(spool, spoolPages);
  }

  private ExternalSorter<BinaryRow> newSorter(long bytes) throws MemoryAllocationException {
    long pages = bytes / context.memoryManager().pageSize();
    return ExternalSorter.builder(context.memoryManager(), context.owner(), SortComparators.rows(schema, keys))
        .memoryBytes(bytes)
        .spillManager(context.spillManager())
        .sortBuffers(pages >= OVERLAP_PAGES ? 3 : 2)
        .build();
  }

  @Override
  public void process(int input, BinaryRow row, Collector out) throws Exception {
    if (spoolWriter != null) {
      serializer.serialize(row, spoolWriter);
      spooledRows++;
    } else {
      sorter.write(row);
    }
  }

  @Override
  public void endInput(int input, Collector out) throws Exception {
    if (spoolWriter != null) {
      sortSpool();
    }
    BinaryRow reuse = new BinaryRow(schema);
    try (RecordIterator<BinaryRow> sorted = sorter.sorted()) {
      BinaryRow row;
      while ((row = sorted.next(reuse)) != null) {
        out.collect(row);
      }
    }
  }

  /** Closes the spool, waits for the slot's memory, and sorts the spooled rows with it. */
  private void sortSpool() throws Exception {
    spoolWriter.close();
    spoolWriter = null;
    context.awaitSlotMemory();
    MemoryManager manager = context.memoryManager();
    sorter = newSorter(context.managedMemoryBytes() - (long) SPOOL_PAGES * manager.pageSize());
    BinaryRow row = new BinaryRow(schema);
    try (SpillReader reader = context.spillManager().openReader(spool, spoolPages)) {
      for (long i = 0; i < spooledRows; i++) {
        sorter.write(serializer.deserializeTransient(row, reader)); // copied by the sorter at once
      }
    }
    spool.delete();
    spool = null;
    manager.release(spoolPages);
    spoolPages = null;
  }

  @Override
  public void close() {
    try {
      if (spoolWriter != null) {
        spoolWriter.abort();
      }
      if (spool != null) {
        spool.delete();
      }
    } catch (UncheckedIOException e) {
      // the file is untracked; the spill manager's directory goes at its close
    } finally {
      if (spoolPages != null) {
        context.memoryManager().release(spoolPages);
      }
      if (sorter != null) {
        sorter.close();
      }
    }
  }
}
