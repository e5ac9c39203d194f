package io.memflow.runtime;

import io.memflow.io.SpillFile;
import io.memflow.io.SpillManager;
import io.memflow.io.SpillReader;
import io.memflow.io.SpillWriter;
import io.memflow.managed.MemoryAllocationException;
import io.memflow.managed.MemoryManager;
import io.memflow.memory.MemorySegment;
import io.memflow.memory.MemorySegments;
import io.memflow.row.BinaryRow;
import io.memflow.row.BinaryRowSerializer;
import io.memflow.row.RowSchema;
import io.memflow.row.SortComparators;
import io.memflow.row.SortField;
import io.memflow.serialization.RecordIterator;
import io.memflow.serialization.SortComparator;
import io.memflow.sort.ExternalSorter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Sorts all rows of its subtask with an {@link ExternalSorter} in its managed memory share.
 *
 * <p><b>Spooling.</b> When the runtime says so ({@link TaskContext#spoolsInput()}: every other
 * memory user of the slot is one of this sort's producers), the operator does not sort while its
 * input arrives. It appends the rows to spill files, one per producer subtask (channel), through
 * {@link #spoolPages} pages, waits until the producers have given their memory back, then sorts
 * the files with the memory of the whole slot. The producers (an aggregation, say) meanwhile had
 * the slot nearly to themselves instead of half of it. This is how Flink shares a slot between
 * pipelined regions of a batch job, at the price of writing the input once more (docs/runtime.md
 * has the measurements).
 *
 * <p><b>Input in order.</b> While spooling, the operator also checks whether each channel's rows
 * arrive in the sort's order (one comparison with the channel's previous row, until one is out
 * of order). If every channel's are, the files are already sorted runs: it merges them, reading
 * each once, without a sorter. An aggregation whose groups all stay in memory emits them in key
 * order for this ({@code HashAggregator.Builder.emitInKeyOrder()}, asked for by {@code
 * Job.Builder.sort} when it sorts an aggregation's groups by their keys).
 */
final class SortOperator implements Operator, ChannelInput {

  /** The fewest pages an external sorter takes: two sort buffers of three pages and two for I/O. */
  static final int MIN_PAGES = 8;
  /** From this many pages on, three sort buffers: one filling, one sorting, one spilling. */
  static final int OVERLAP_PAGES = 64;
  /** The pages each spool file takes at least (write-behind, then read-ahead). */
  private static final int PAGES_PER_SPOOL = 2;

  private final RowSchema schema;
  private final SortField[] keys;
  private final int channels;
  private TaskContext context;
  private ExternalSorter<BinaryRow> sorter;
  private BinaryRowSerializer serializer;
  private SortComparator<BinaryRow> order;
  private List<MemorySegment> spoolPages;
  private Spool[] spools;
  private boolean inOrder = true;

  /** A sort of rows of {@code schema} by {@code keys}, whose input gate has {@code channels} channels. */
  SortOperator(RowSchema schema, SortField[] keys, int channels) {
    this.schema = schema;
    this.keys = keys.clone();
    this.channels = Math.max(1, channels);
  }

  /** The channels of the input gate of a sort reading {@code input}: one per producer subtask. */
  static int channels(Input input) {
    return switch (input.routing()) {
      case FORWARD, CHAINED -> 1;
      default -> input.stage().parallelism();
    };
  }

  /** The pages a spooling sort with {@code channels} input channels holds while its input arrives. */
  static int spoolPages(int channels) {
    return PAGES_PER_SPOOL * Math.max(2, channels);
  }

  @Override
  public void open(TaskContext context) throws Exception {
    this.context = context;
    if (!context.spoolsInput()) {
      sorter = newSorter(context.managedMemoryBytes());
      return;
    }
    serializer = new BinaryRowSerializer(schema);
    order = SortComparators.rows(schema, keys);
    spoolPages = context.memoryManager().allocatePages(context.owner(), spoolPages(channels));
    spools = new Spool[channels];
    int each = spoolPages.size() / channels;
    SpillManager spills = context.spillManager();
    for (int c = 0; c < channels; c++) {
      spools[c] = new Spool(new ArrayList<>(spoolPages.subList(c * each, c == channels - 1 ? spoolPages.size() : (c + 1) * each)));
      spools[c].file = spills.createFile("sort input");
      spools[c].writer = spills.openWriter(spools[c].file, spools[c].pages);
    }
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
    process(input, 0, row, out);
  }

  @Override
  public void process(int input, int channel, BinaryRow row, Collector out) throws Exception {
    if (spools == null) {
      sorter.write(row);
      return;
    }
    Spool spool = spools[channel];
    if (inOrder) {
      inOrder = spool.follows(row, order);
    }
    serializer.serialize(row, spool.writer);
    spool.rows++;
  }

  @Override
  public void endInput(int input, Collector out) throws Exception {
    if (spools != null) {
      for (Spool spool : spools) {
        spool.writer.close();
        spool.writer = null;
      }
      context.awaitSlotMemory();
      if (inOrder) {
        merge(out);
        return;
      }
      sortSpools();
    }
    BinaryRow reuse = new BinaryRow(schema);
    try (RecordIterator<BinaryRow> sorted = sorter.sorted()) {
      BinaryRow row;
      while ((row = sorted.next(reuse)) != null) {
        out.collect(row);
      }
    }
  }

  /**
   * Merges the spool files, each in order: the smallest current row of the channels goes out,
   * and its channel reads its next. A linear scan over the channels: a handful of producers.
   */
  private void merge(Collector out) throws Exception {
    List<Spool> open = new ArrayList<>();
    for (Spool spool : spools) {
      if (spool.rows > 0) {
        spool.reader = context.spillManager().openReader(spool.file, spool.pages);
        spool.current = new BinaryRow(schema);
        spool.advance(serializer);
        open.add(spool);
      }
    }
    while (!open.isEmpty()) {
      Spool least = open.getFirst();
      for (int c = 1; c < open.size(); c++) {
        if (order.compare(open.get(c).current, least.current) < 0) {
          least = open.get(c);
        }
      }
      out.collect(least.current);
      if (!least.advance(serializer)) {
        open.remove(least);
      }
    }
    releaseSpools();
  }

  /** Waits over: sorts the spooled rows with the slot's memory less the spool pages. */
  private void sortSpools() throws Exception {
    MemoryManager manager = context.memoryManager();
    sorter = newSorter(context.managedMemoryBytes() - (long) spoolPages.size() * manager.pageSize());
    BinaryRow row = new BinaryRow(schema);
    for (Spool spool : spools) {
      try (SpillReader reader = context.spillManager().openReader(spool.file, spool.pages)) {
        for (long i = 0; i < spool.rows; i++) {
          sorter.write(serializer.deserializeTransient(row, reader)); // copied by the sorter at once
        }
      }
    }
    releaseSpools();
  }

  /** Deletes the spool files and gives their pages back. */
  private void releaseSpools() {
    for (Spool spool : spools) {
      spool.discard();
    }
    spools = null;
    context.memoryManager().release(spoolPages);
    spoolPages = null;
  }

  @Override
  public void close() {
    try {
      if (spools != null) {
        for (Spool spool : spools) {
          if (spool != null) {
            spool.discard();
          }
        }
      }
    } finally {
      if (spoolPages != null) {
        context.memoryManager().release(spoolPages);
      }
      if (sorter != null) {
        sorter.close();
      }
    }
  }

  /** One channel's spool file: its pages, writer or reader, row count and the last row it took. */
  private static final class Spool {
    final List<MemorySegment> pages;
    SpillFile file;
    SpillWriter writer;
    SpillReader reader;
    long rows;
    BinaryRow current;
    private long read;
    private MemorySegment last = MemorySegments.allocateHeap(64);
    private BinaryRow lastRow;

    Spool(List<MemorySegment> pages) {
      this.pages = pages;
    }

    /** Whether {@code row} orders after (or with) this channel's previous row; keeps a copy of it. */
    boolean follows(BinaryRow row, SortComparator<BinaryRow> order) {
      if (lastRow != null && order.compare(lastRow, row) > 0) {
        return false;
      }
      int size = row.sizeInBytes();
      if (size > last.size()) {
        last = MemorySegments.allocateHeap(Math.max(size, 2 * last.size()));
      }
      row.segment().copyTo(row.offset(), last, 0, size);
      if (lastRow == null) {
        lastRow = new BinaryRow(row.schema());
      }
      lastRow.pointTo(last, 0, size);
      return true;
    }

    /** Reads the channel's next row into {@link #current}; false, closing the reader, once all were read. */
    boolean advance(BinaryRowSerializer serializer) throws IOException {
      if (read == rows) {
        reader.close();
        reader = null;
        return false;
      }
      serializer.deserializeTransient(current, reader);
      read++;
      return true;
    }

    /** Aborts the writer, closes the reader and deletes the file, whichever are there. */
    void discard() {
      try {
        if (writer != null) {
          writer.abort();
          writer = null;
        }
        if (reader != null) {
          reader.close();
          reader = null;
        }
        if (file != null) {
          file.delete();
          file = null;
        }
      } catch (UncheckedIOException e) {
        // the file is untracked; the spill manager's directory goes at its close
      }
    }
  }
}
