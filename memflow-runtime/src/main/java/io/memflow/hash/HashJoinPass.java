package io.memflow.hash;

import io.memflow.row.BinaryRow;
import java.io.IOException;
import java.util.List;

/**
 * One step of the output after the probe: the rest of the first table (its unmatched build rows),
 * a recursive join of a spilled pair, or a block-nested-loop join of one.
 *
 * <p>Not thread-safe. A pass lends pages from the join's pool and owns its input files; {@link
 * #finish()} or {@link #abort()} gives every page back.
 */
interface HashJoinPass {

  /** The next output row (valid until the next call), or null when the pass is done. */
  BinaryRow next() throws IOException;

  /** After {@link #next()} returned null: gives the pages back; the pairs the pass spilled. */
  List<HashJoinSpill> finish() throws IOException;

  /** Gives every page back and deletes every file of the pass; never throws. */
  void abort();
}
