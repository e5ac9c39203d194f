package io.memflow.hash;

import io.memflow.row.BinaryRow;

/**
 * Makes what a {@link HashJoin}'s iterators return for one output pair of a join whose output
 * holds build fields ({@link JoinType#INNER}, {@link JoinType#LEFT_OUTER}, {@link
 * JoinType#RIGHT_OUTER}). By default the join builds the joined row of {@link
 * HashJoin#outputSchema()}; a caller that consumes pairs as they come (formatting them as text,
 * say) can take each pair here instead and skip the joined row ({@link HashJoin.Builder#output}).
 *
 * <p>Semi and anti joins never call it: their output is the probe row itself.
 *
 * <p>Called on the thread that calls the join's methods, while it holds the join's lock; it must
 * not call back into the join. The two rows are valid only during the call.
 */
@FunctionalInterface
public interface JoinOutput {

  /**
   * The row the iterator returns for the pair of {@code probe} and {@code build}: either may be
   * null (the unmatched side of an outer join), never both. Must not return null, which ends an
   * iterator; a consumer of pairs may return either row, and ignore what the iterator returns.
   */
  BinaryRow joined(BinaryRow probe, BinaryRow build);
}
