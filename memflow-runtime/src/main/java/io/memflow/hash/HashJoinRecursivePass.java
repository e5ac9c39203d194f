package io.memflow.hash;

import io.memflow.io.SpillReader;
import io.memflow.memory.MemorySegment;
import io.memflow.row.BinaryRow;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Joins a spilled pair with a new {@link HybridHashTable} under the next hash seed: reads the
 * build file into it (spilling again what does not fit), probes it with the probe file, outputs
 * the unmatched build rows of a right outer join and hands on what it spilled. Also the last step
 * of the first table ({@link #ofProbedTable}), which has only the unmatched rows left.
 *
 * <p>Two pages are kept aside for the reader (build file, then probe file); the table gets the
 * rest. Not thread-safe; see {@link HashJoinPass} for ownership.
 */
final class HashJoinRecursivePass implements HashJoinPass {

  private enum Stage { BUILD, PROBE, UNMATCHED, DONE }

  private final HashJoinContext context;
  private final HashJoinSpill input;
  private final HashJoinMatches matches;
  private final List<MemorySegment> readerPages = new ArrayList<>();
  private final BinaryRow row;
  private HybridHashTable table;
  private SpillReader reader;
  private long probeLeft;
  private long cursor = HybridHashTable.NONE;
  private Stage stage;

  private HashJoinRecursivePass(HashJoinContext context, HashJoinSpill input, HybridHashTable table, Stage stage) {
    this.context = context;
    this.input = input;
    this.table = table;
    this.stage = stage;
    this.matches = new HashJoinMatches(context);
    this.row = new BinaryRow(context.probeKey().schema());
  }

  /** The rest of a table whose probe rows have all been seen. */
  static HashJoinRecursivePass ofProbedTable(HashJoinContext context, HybridHashTable table) {
    HashJoinRecursivePass pass = new HashJoinRecursivePass(context, null, table, Stage.UNMATCHED);
    pass.cursor = table.firstRecord(0);
    return pass;
  }

  /** A recursive join of {@code input} at its depth. */
  static HashJoinRecursivePass of(HashJoinContext context, HashJoinSpill input) {
    return new HashJoinRecursivePass(context, input, null, Stage.BUILD);
  }

  @Override
  public BinaryRow next() throws IOException {
    while (true) {
      switch (stage) {
        case BUILD -> build();
        case PROBE -> {
          BinaryRow out = matches.next();
          if (out != null) {
            return out;
          }
          probeNext();
        }
        case UNMATCHED -> {
          BinaryRow out = nextUnmatched();
          if (out != null) {
            return out;
          }
          stage = Stage.DONE;
        }
        case DONE -> {
          return null;
        }
      }
    }
  }

  private void build() throws IOException {
    readerPages.addAll(context.pages().take(2));
    BinaryRow buildRow = new BinaryRow(context.buildKey().schema());
    reader = context.spills().openReader(input.buildFile(), readerPages);
    table = new HybridHashTable(context, input.depth(), false);
    for (long i = 0; i < input.buildRows(); i++) {
      context.checkCancelled();
      context.buildSerializer().deserializeTransient(buildRow, reader); // insert copies it before the next read
      table.insert(buildRow, table.hash(buildRow));
    }
    closeReader();
    HashJoinSpill.deleteQuietly(input.buildFile());
    table.finishBuild();
    if (input.probeFile() != null && input.probeRows() > 0) {
      reader = context.spills().openReader(input.probeFile(), readerPages);
      probeLeft = input.probeRows();
    }
    stage = Stage.PROBE;
  }

  private void probeNext() throws IOException {
    if (probeLeft == 0) {
      closeReader();
      HashJoinSpill.deleteQuietly(input.probeFile());
      context.pages().give(readerPages);
      cursor = table.firstRecord(0);
      stage = Stage.UNMATCHED;
      return;
    }
    context.checkCancelled();
    // read in place: every output of this row is handed out, each valid until the following call,
    // before the next read; the reader gives its pages back only on the call after the last row's
    context.probeSerializer().deserializeTransient(row, reader);
    probeLeft--;
    matches.probe(table, row);
  }

  private BinaryRow nextUnmatched() {
    if (context.type() != JoinType.RIGHT_OUTER) {
      return null;
    }
    while (cursor != HybridHashTable.NONE) {
      long current = cursor;
      cursor = table.nextRecordOfAny(current);
      if (!table.isMatched(current)) {
        return context.output().joined(null, table.buildRow(current));
      }
    }
    return null;
  }

  private void closeReader() {
    if (reader != null) {
      SpillReader open = reader;
      reader = null;
      open.close();
    }
  }

  @Override
  public List<HashJoinSpill> finish() throws IOException {
    List<HashJoinSpill> spilled = table.finishProbe();
    table.release();
    table = null;
    return spilled;
  }

  @Override
  public void abort() {
    closeReader();
    context.pages().give(readerPages);
    if (table != null) {
      table.release();
      table = null;
    }
    if (input != null) {
      input.delete();
    }
  }
}
