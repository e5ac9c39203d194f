package io.memflow.runtime;

import io.memflow.hash.HashJoin;
import io.memflow.hash.JoinType;
import io.memflow.row.BinaryRow;
import io.memflow.row.RowSchema;

/**
 * Joins input 0 (build) with input 1 (probe) through a {@link HashJoin} in its managed memory
 * share: the whole build side first, then each probe row.
 */
final class JoinOperator implements Operator {

  static final int BUILD = 0;
  static final int MIN_PAGES = HashJoin.Builder.MIN_PAGES;

  private final RowSchema buildSchema;
  private final int[] buildKeys;
  private final RowSchema probeSchema;
  private final int[] probeKeys;
  private final JoinType type;
  private HashJoin join;

  JoinOperator(RowSchema buildSchema, int[] buildKeys, RowSchema probeSchema, int[] probeKeys, JoinType type) {
    this.buildSchema = buildSchema;
    this.buildKeys = buildKeys.clone();
    this.probeSchema = probeSchema;
    this.probeKeys = probeKeys.clone();
    this.type = type;
  }

  static RowSchema outputSchema(RowSchema buildSchema, RowSchema probeSchema, JoinType type) {
    return HashJoin.outputSchema(buildSchema, probeSchema, type);
  }

  @Override
  public void open(TaskContext context) throws Exception {
    join = HashJoin.builder(context.memoryManager(), context.owner(), buildSchema, probeSchema)
        .buildKey(buildKeys)
        .probeKey(probeKeys)
        .type(type)
        .memoryBytes(context.managedMemoryBytes())
        .spillManager(context.spillManager())
        .batchProbes(true) // output order is free here: overlap the probes' cache misses
        .build();
  }

  @Override
  public void process(int input, BinaryRow row, Collector out) throws Exception {
    if (input == BUILD) {
      join.addBuild(row);
    } else {
      out.collectAll(join.probe(row));
    }
  }

  @Override
  public void endInput(int input, Collector out) throws Exception {
    if (input == BUILD) {
      join.endBuild();
    } else {
      out.collectAll(join.endProbe());
    }
  }

  @Override
  public void close() {
    if (join != null) {
      join.close();
    }
  }
}
