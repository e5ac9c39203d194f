package io.memflow.hash;

import io.memflow.io.SpillManager;
import io.memflow.row.BinaryRowSerializer;
import io.memflow.row.KeyFields;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;

/**
 * What every pass of one {@link HashJoin} shares: the join type, its pages, the spill manager (null:
 * no spilling), keys, serializers and what makes the output rows. Not thread-safe (the builder and
 * serializers are reused); owned by the join.
 */
record HashJoinContext(
    JoinType type,
    JoinPages pages,
    SpillManager spills,
    KeyFields buildKey,
    KeyFields probeKey,
    BinaryRowSerializer buildSerializer,
    BinaryRowSerializer probeSerializer,
    JoinOutput output,
    BooleanSupplier cancelled) {

  /**
   * Throws if the join was closed from another thread: long loops (reading a spilled partition)
   * call it once per row.
   */
  void checkCancelled() {
    if (cancelled.getAsBoolean()) {
      throw new CancellationException("hash join closed while running");
    }
  }
}
