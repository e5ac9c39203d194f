package io.memflow.hash;

import io.memflow.io.SpillFile;
import io.memflow.io.SpillWriter;
import io.memflow.memory.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * The spilled rows of one hash partition, read back in one pass at {@link #level} (whose seed
 * hashes them anew): one file of partial aggregates per spill of the table, and while the
 * partition is <em>on disk</em> for the rest of its pass, one more file its rows go straight to:
 * {@link #writer}, open over {@link #writerPages} from the aggregator's pool, counting {@link
 * #writerRows}. That file holds input rows if {@link #writerTakesInput} (a partition of the first
 * pass), partial rows otherwise; it joins {@link #files} when it is closed. Not thread-safe; the
 * aggregator owns the files (and deletes them) through its file list.
 */
final class AggPartition {

  /** One file of the partition: its rows, and whether they are input rows (else partial rows). */
  record Run(SpillFile file, long rows, boolean inputRows) {}

  final int level;
  final List<Run> files = new ArrayList<>();
  final List<MemorySegment> writerPages = new ArrayList<>(2);
  SpillWriter writer;
  boolean writerTakesInput;
  long writerRows;

  AggPartition(int level) {
    this.level = level;
  }

  void add(SpillFile file, long count, boolean inputRows) {
    files.add(new Run(file, count, inputRows));
  }
}
