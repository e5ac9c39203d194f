package io.memflow.hash;

import io.memflow.row.BinaryRow;
import io.memflow.row.RowIterator;

/**
 * The output rows of one probe row against one {@link HybridHashTable}: walks the chain of the
 * probe row's hash, compares hashes then keys, and applies the join type. A probe row of a
 * spilled partition that the bloom filter lets through is written to the probe spill file and
 * produces nothing now; one that the filter rules out, or with a null key, is unmatched.
 *
 * <p>{@code previouslyMatched} and {@code finalPass} serve the block-nested-loop fallback, where a
 * probe row meets the build rows block by block: only the last block may output it as unmatched,
 * and a semi join outputs it at its first match only.
 *
 * <p>Not thread-safe; reused for every probe row. The rows returned are valid until the next call.
 */
final class HashJoinMatches implements RowIterator {

  private final JoinType type;
  private final HashJoinContext context;
  private HybridHashTable table;
  private BinaryRow probe;
  private int hash;
  private long link = HybridHashTable.NONE;
  private boolean matched;
  private boolean previouslyMatched;
  private boolean finalPass;
  private boolean done = true;

  HashJoinMatches(HashJoinContext context) {
    this.context = context;
    this.type = context.type();
  }

  /** Starts on {@code probeRow}, spilling it if its partition is spilled and may match. */
  HashJoinMatches probe(HybridHashTable against, BinaryRow probeRow) throws java.io.IOException {
    return probe(against, probeRow, context.probeKey().hash(probeRow, against.seed()));
  }

  /** As {@link #probe(HybridHashTable, BinaryRow)}, given the row's hash under the table's seed. */
  HashJoinMatches probe(HybridHashTable against, BinaryRow probeRow, int h) throws java.io.IOException {
    if (context.probeKey().hasNull(probeRow)) {
      return start(against, probeRow, 0, HybridHashTable.NONE, false, true);
    }
    if (!against.isSpilled(h)) {
      return start(against, probeRow, h, against.head(h), false, true);
    }
    if (against.mightMatchSpilled(h)) {
      against.spillProbe(probeRow, h);
      start(against, probeRow, h, HybridHashTable.NONE, false, false);
      done = true;
      return this;
    }
    return start(against, probeRow, h, HybridHashTable.NONE, false, true);
  }

  /** Starts on {@code probeRow} (key not null) against an in-memory table, for one block of rows. */
  HashJoinMatches probeBlock(HybridHashTable against, BinaryRow probeRow, boolean previously, boolean last) {
    int h = context.probeKey().hash(probeRow, against.seed());
    return start(against, probeRow, h, against.head(h), previously, last);
  }

  private HashJoinMatches start(HybridHashTable against, BinaryRow probeRow, int h, long head,
      boolean previously, boolean last) {
    this.table = against;
    this.probe = probeRow;
    this.hash = h;
    this.link = head;
    this.matched = false;
    this.previouslyMatched = previously;
    this.finalPass = last;
    this.done = false;
    return this;
  }

  /** Whether the probe row matched a build row so far. */
  boolean matched() {
    return matched;
  }

  /** Whether every output row of the current probe row was returned. */
  boolean isDone() {
    return done;
  }

  @Override
  public BinaryRow next() {
    if (done) {
      return null;
    }
    while (link != HybridHashTable.NONE) {
      long current = table.pointerOf(hash, link);
      boolean candidate = HybridHashTable.tagMatches(link, hash);
      link = HybridHashTable.hasNext(link) ? table.nextLink(current) : HybridHashTable.NONE;
      if (!candidate || table.hashAt(current) != hash
          || !context.probeKey().equal(probe, context.buildKey(), table.buildRow(current))) {
        continue;
      }
      matched = true;
      switch (type) {
        case INNER, LEFT_OUTER -> {
          return context.output().joined(probe, table.buildRow(current));
        }
        case RIGHT_OUTER -> {
          table.markMatched(current);
          return context.output().joined(probe, table.buildRow(current));
        }
        case SEMI, ANTI -> link = HybridHashTable.NONE;
      }
    }
    done = true;
    return unmatchedOrSemi();
  }

  private BinaryRow unmatchedOrSemi() {
    if (type == JoinType.SEMI) {
      return matched && !previouslyMatched ? probe : null;
    }
    if (matched || previouslyMatched || !finalPass) {
      return null;
    }
    return type == JoinType.LEFT_OUTER ? context.output().joined(probe, null) : type == JoinType.ANTI ? probe : null;
  }

  /** Skips the rest of the current probe row's output, still marking its matches (right outer join). */
  void drain() {
    while (next() != null) {
      // marks the build rows matched
    }
  }

  /** Skips the rest of this probe row's output; under RIGHT_OUTER its matches still count. */
  @Override
  public void close() {
    drain();
  }
}
