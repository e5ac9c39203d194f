package io.memflow.hash;

import io.memflow.io.SpillReader;
import io.memflow.memory.MemorySegment;
import io.memflow.row.BinaryRow;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The fallback for a spilled pair that recursion could not split (heavy skew: one key with more
 * build rows than memory holds): a block-nested-loop join. The build file is read in blocks that
 * fill the memory (a one-partition {@link HybridHashTable} in block mode, so equal keys still find
 * each other through its directory), and the whole probe file is read once per block.
 *
 * <pre>
 *  build file: [ block 1 ][ block 2 ] ... [ block n ]     each block: table in memory
 *  probe file: read n times, probe row i against each block; matched[i] (heap bits) remembers
 *              a match in an earlier block for LEFT_OUTER / SEMI / ANTI
 * </pre>
 *
 * <p>Inner and right outer joins output as they go (right outer: a block's unmatched build rows
 * after its probe pass). A semi join outputs a probe row at its first match; left outer and anti
 * joins output the never-matched probe rows during the last block's pass. Four pages are kept for
 * the two readers; the block gets the rest. The matched bits are on the heap (one bit per probe
 * row). Not thread-safe; see {@link HashJoinPass} for ownership.
 */
final class HashJoinBlockPass implements HashJoinPass {

  private enum Stage { FILL, PROBE, UNMATCHED, DONE }

  private final HashJoinContext context;
  private final HashJoinSpill input;
  private final HashJoinMatches matches;
  private final List<MemorySegment> buildPages = new ArrayList<>();
  private final List<MemorySegment> probePages = new ArrayList<>();
  private final long[] matchedBits;
  private final BinaryRow probeRow;
  private BinaryRow buildRow;
  private BinaryRow carried;
  private HybridHashTable table;
  private SpillReader buildReader;
  private SpillReader probeReader;
  private long buildLeft;
  private long probeLeft;
  private long ordinal = -1;
  private boolean lastBlock;
  private long cursor = HybridHashTable.NONE;
  private Stage stage = Stage.FILL;

  HashJoinBlockPass(HashJoinContext context, HashJoinSpill input) {
    this.context = context;
    this.input = input;
    this.matches = new HashJoinMatches(context);
    this.probeRow = new BinaryRow(context.probeKey().schema());
    this.buildRow = new BinaryRow(context.buildKey().schema());
    boolean remember = context.type() != JoinType.INNER && context.type() != JoinType.RIGHT_OUTER;
    this.matchedBits = new long[remember ? Math.toIntExact((input.probeRows() + 63) >>> 6) : 0];
    this.buildLeft = input.buildRows();
  }

  @Override
  public BinaryRow next() throws IOException {
    while (true) {
      switch (stage) {
        case FILL -> fill();
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
          table.release();
          table = null;
          stage = lastBlock ? Stage.DONE : Stage.FILL;
        }
        case DONE -> {
          return null;
        }
      }
    }
  }

  private void fill() throws IOException {
    if (buildReader == null && !lastBlock) {
      buildPages.addAll(context.pages().take(2));
      probePages.addAll(context.pages().take(2));
      buildReader = context.spills().openReader(input.buildFile(), buildPages);
    }
    table = new HybridHashTable(context, input.depth(), true);
    if (carried != null) {
      table.tryInsert(carried, table.hash(carried));
      BinaryRow spare = carried;
      carried = null;
      buildRow = spare;
    }
    while (buildLeft > 0 && carried == null) {
      context.checkCancelled();
      context.buildSerializer().deserialize(buildRow, buildReader);
      buildLeft--;
      if (!table.tryInsert(buildRow, table.hash(buildRow))) {
        carried = buildRow;
        buildRow = new BinaryRow(context.buildKey().schema());
      }
    }
    lastBlock = buildLeft == 0 && carried == null;
    table.finishBuild();
    startProbe();
  }

  private void startProbe() throws IOException {
    ordinal = -1;
    probeLeft = input.probeFile() == null ? 0 : input.probeRows();
    if (probeLeft > 0) {
      probeReader = context.spills().openReader(input.probeFile(), probePages);
    }
    stage = Stage.PROBE;
  }

  private void probeNext() throws IOException {
    if (ordinal >= 0 && matches.matched() && matchedBits.length > 0) {
      matchedBits[(int) (ordinal >>> 6)] |= 1L << ordinal;
    }
    if (probeLeft == 0) {
      closeReaders(false);
      cursor = table.firstRecord(0);
      stage = Stage.UNMATCHED;
      return;
    }
    context.checkCancelled();
    context.probeSerializer().deserialize(probeRow, probeReader);
    probeLeft--;
    ordinal++;
    boolean previously = matchedBits.length > 0 && (matchedBits[(int) (ordinal >>> 6)] & 1L << ordinal) != 0;
    matches.probeBlock(table, probeRow, previously, lastBlock);
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

  private void closeReaders(boolean both) {
    if (probeReader != null) {
      SpillReader open = probeReader;
      probeReader = null;
      open.close();
    }
    if ((both || lastBlock) && buildReader != null) {
      SpillReader open = buildReader;
      buildReader = null;
      open.close();
    }
  }

  @Override
  public List<HashJoinSpill> finish() {
    abort();
    return List.of();
  }

  @Override
  public void abort() {
    closeReaders(true);
    context.pages().give(buildPages);
    context.pages().give(probePages);
    if (table != null) {
      table.release();
      table = null;
    }
    input.delete();
  }
}
