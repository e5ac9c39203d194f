package io.memflow.runtime;

import io.memflow.network.ResultPartition;
import io.memflow.row.BinaryRow;
import io.memflow.row.KeyFields;

/**
 * The collector of a task with a consumer: copies each row into the task's {@link
 * ResultPartition}, in the subpartition its {@link Input.Routing} picks, and counts what it sent
 * (the partition counts the time it waited for buffers).
 *
 * <p>Not thread-safe: the producing task's thread only. Does not own the partition.
 */
final class RowEmitter implements Collector {

  /** The seed of the exchange hash; operators downstream hash with other seeds. */
  static final int EXCHANGE_SEED = 0x5bd1e995;

  private final ResultPartition partition;
  private final Input.Routing routing;
  private final KeyFields keys;
  private final int subtask;
  private final int targets;
  private final TaskMetrics metrics;
  private int nextTarget;

  RowEmitter(ResultPartition partition, Input input, int subtask, TaskMetrics metrics) {
    this.partition = partition;
    this.routing = input.routing();
    int[] keyFields = input.keys();
    this.keys = keyFields.length == 0 ? null : KeyFields.of(input.stage().outputSchema(), keyFields);
    this.subtask = subtask;
    this.targets = partition.numberOfSubpartitions();
    this.metrics = metrics;
    this.nextTarget = subtask % targets;
  }

  @Override
  public void collect(BinaryRow row) throws InterruptedException {
    int length = row.sizeInBytes();
    if (routing == Input.Routing.BROADCAST) {
      for (int t = 0; t < targets; t++) {
        partition.emitRecord(t, row.segment(), row.offset(), length);
      }
      metrics.recordOut((long) targets * (length + Integer.BYTES));
      return;
    }
    partition.emitRecord(target(row), row.segment(), row.offset(), length);
    metrics.recordOut(length + Integer.BYTES);
  }

  private int target(BinaryRow row) {
    return switch (routing) {
      case FORWARD, CHAINED -> subtask;
      case BROADCAST -> throw new IllegalStateException("broadcast rows go to every subpartition");
      case GLOBAL -> 0;
      case HASH -> targets == 1 ? 0 : Math.floorMod(keys.hash(row, EXCHANGE_SEED), targets);
      case REBALANCE -> {
        int t = nextTarget;
        nextTarget = t + 1 == targets ? 0 : t + 1;
        yield t;
      }
    };
  }
}
