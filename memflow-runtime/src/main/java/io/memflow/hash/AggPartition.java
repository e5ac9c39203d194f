package io.memflow.hash;

import io.memflow.io.SpillFile;
import java.util.ArrayList;
import java.util.List;

/**
 * The spilled partial aggregates of one hash partition: one file per spill of the table, each
 * with its number of rows, read back in one pass at {@link #level} (whose seed hashes them anew).
 * Not thread-safe; the aggregator owns the files (and deletes them) through its file list.
 */
final class AggPartition {

  final int level;
  final List<SpillFile> files = new ArrayList<>();
  final List<Integer> rows = new ArrayList<>();

  AggPartition(int level) {
    this.level = level;
  }

  void add(SpillFile file, int count) {
    files.add(file);
    rows.add(count);
  }
}
