package io.memflow.runtime;

import io.memflow.hash.AggregateFunction;
import io.memflow.hash.HashAggregator;
import io.memflow.hash.HashCombiner;
import io.memflow.row.BinaryRow;
import io.memflow.row.RowSchema;

/**
 * Groups its subtask's rows in its managed memory share, in one of the three roles of a hash
 * aggregation: the whole aggregation ({@link HashAggregator}), the local phase of a two-phase one
 * ({@link HashCombiner}: partial rows out, before the exchange) or its global phase (a {@link
 * HashAggregator} merging the partial rows). Not thread-safe: the task's thread only.
 */
final class AggregateOperator implements Operator {

  /** The part of an aggregation a subtask does. */
  enum Role {
    /** Input rows in, result rows out. */
    WHOLE,
    /** Input rows in, partial rows out ({@link HashAggregator#partialSchema}). */
    COMBINE,
    /** Partial rows in, result rows out. */
    MERGE
  }

  private final RowSchema schema;
  private final int[] groupBy;
  private final AggregateFunction[] functions;
  private final Role role;
  private final boolean keyOrder;
  private HashAggregator aggregator;
  private HashCombiner combiner;
  /** The combiner's sink: {@link #sinkOut}'s collect (the task passes the same collector every time). */
  private HashCombiner.Sink sink;
  private Collector sinkOut;

  /**
   * @param schema the schema of the aggregation's input rows (also for {@link Role#MERGE}, whose
   *     rows are partial rows of an aggregation of this schema)
   * @param keyOrder whether to emit the groups in key order when they stay in memory ({@link
   *     HashAggregator.Builder#emitInKeyOrder()}; not for {@link Role#COMBINE})
   */
  AggregateOperator(RowSchema schema, int[] groupBy, AggregateFunction[] functions, Role role, boolean keyOrder) {
    this.schema = schema;
    this.groupBy = groupBy.clone();
    this.functions = functions.clone();
    this.role = role;
    this.keyOrder = keyOrder;
  }

  /** The schema of the rows the role emits. */
  static RowSchema outputSchema(RowSchema schema, int[] groupBy, AggregateFunction[] functions, Role role) {
    return role == Role.COMBINE ? HashAggregator.partialSchema(schema, groupBy, functions)
        : HashAggregator.outputSchema(schema, groupBy, functions);
  }

  @Override
  public void open(TaskContext context) throws Exception {
    if (role == Role.COMBINE) {
      combiner = HashCombiner.builder(context.memoryManager(), context.owner(), schema)
          .groupBy(groupBy).aggregate(functions).memoryBytes(context.managedMemoryBytes()).build();
      return;
    }
    HashAggregator.Builder builder = HashAggregator.builder(context.memoryManager(), context.owner(), schema)
        .groupBy(groupBy)
        .aggregate(functions)
        .memoryBytes(context.managedMemoryBytes())
        .spillManager(context.spillManager());
    if (keyOrder) {
      builder.emitInKeyOrder();
    }
    aggregator = (role == Role.MERGE ? builder.mergePartials() : builder).build();
  }

  @Override
  public void process(int input, BinaryRow row, Collector out) throws Exception {
    if (combiner != null) {
      combiner.add(row, sinkFor(out));
    } else {
      aggregator.add(row);
    }
  }

  @Override
  public void endInput(int input, Collector out) throws Exception {
    if (combiner != null) {
      combiner.finish(sinkFor(out));
    } else {
      out.collectAll(aggregator.result());
    }
  }

  private HashCombiner.Sink sinkFor(Collector out) {
    if (out != sinkOut) {
      sinkOut = out;
      sink = out::collect;
    }
    return sink;
  }

  @Override
  public void close() {
    if (aggregator != null) {
      aggregator.close();
    }
    if (combiner != null) {
      combiner.close();
    }
  }
}
