package io.memflow.runtime;

import io.memflow.hash.AggregateFunction;
import io.memflow.hash.HashAggregator;
import io.memflow.row.BinaryRow;
import io.memflow.row.RowSchema;

/** Groups its subtask's rows with a {@link HashAggregator} in its managed memory share. */
final class AggregateOperator implements Operator {

  private final RowSchema schema;
  private final int[] groupBy;
  private final AggregateFunction[] functions;
  private HashAggregator aggregator;

  AggregateOperator(RowSchema schema, int[] groupBy, AggregateFunction[] functions) {
    this.schema = schema;
    this.groupBy = groupBy.clone();
    this.functions = functions.clone();
  }

  static RowSchema outputSchema(RowSchema schema, int[] groupBy, AggregateFunction[] functions) {
    return HashAggregator.outputSchema(schema, groupBy, functions);
  }

  @Override
  public void open(TaskContext context) throws Exception {
    aggregator = HashAggregator.builder(context.memoryManager(), context.owner(), schema)
        .groupBy(groupBy)
        .aggregate(functions)
        .memoryBytes(context.managedMemoryBytes())
        .spillManager(context.spillManager())
        .build();
  }

  @Override
  public void process(int input, BinaryRow row, Collector out) throws Exception {
    aggregator.add(row);
  }

  @Override
  public void endInput(int input, Collector out) throws Exception {
    out.collectAll(aggregator.result());
  }

  @Override
  public void close() {
    if (aggregator != null) {
      aggregator.close();
    }
  }
}
