package io.memflow.runtime;

import io.memflow.managed.MemoryManager;
import io.memflow.managed.MemoryManagerMetrics;
import io.memflow.network.InputGate;
import io.memflow.network.ResultPartition;
import io.memflow.row.BinaryRow;
import java.util.ArrayList;
import java.util.List;

/**
 * One subtask of a stage, run on its own thread: reads its input gates in order into its operator
 * (or runs its source), writes to its result partition, and on any end releases what its operator
 * left behind. Gates and partitions belong to the {@link JobExecution}, which closes them after
 * every task ended.
 */
final class Task implements Runnable {

  private final JobExecution execution;
  private final Stage stage;
  private final TaskContext context;
  private final TaskMetrics metrics = new TaskMetrics();
  private final List<InputGate> gates = new ArrayList<>();
  private ResultPartition partition;
  private Input output;

  Task(JobExecution execution, Stage stage, TaskContext context) {
    this.execution = execution;
    this.stage = stage;
    this.context = context;
  }

  Stage stage() {
    return stage;
  }

  TaskContext context() {
    return context;
  }

  TaskMetrics metrics() {
    return metrics;
  }

  /** The time this task's producer side waited for network buffers so far. */
  long backpressureNanos() {
    ResultPartition p = partition;
    return p == null ? 0 : p.backpressureNanos();
  }

  void addGate(InputGate gate) {
    gates.add(gate);
  }

  void setOutput(ResultPartition partition, Input output) {
    this.partition = partition;
    this.output = output;
  }

  @Override
  public void run() {
    metrics.start();
    Operator operator = null;
    try {
      Collector out = partition == null ? row -> metrics.recordOut()
          : new RowEmitter(partition, output, context.subtask(), metrics);
      if (stage.isSource()) {
        stage.source().run(context, out);
      } else {
        operator = stage.newOperator();
        operator.open(context);
        readInputs(operator, out);
      }
      if (partition != null) {
        partition.finish();
      }
    } catch (Throwable t) {
      execution.taskFailed(this, t);
    } finally {
      close(operator);
      releaseLeftovers();
      metrics.end();
    }
  }

  private void readInputs(Operator operator, Collector out) throws Exception {
    for (int i = 0; i < gates.size(); i++) {
      try (RowReader reader = new RowReader(gates.get(i), stage.inputs().get(i).stage().outputSchema())) {
        BinaryRow row;
        while ((row = reader.next()) != null) {
          metrics.recordIn(row.sizeInBytes() + Integer.BYTES);
          operator.process(i, row, out);
        }
      }
      operator.endInput(i, out);
    }
  }

  private void close(Operator operator) {
    if (operator == null) {
      return;
    }
    try {
      operator.close();
    } catch (Throwable t) {
      execution.taskFailed(this, t);
    }
  }

  /** Releases pages and reservations the operator did not return, and reports them as a leak. */
  private void releaseLeftovers() {
    MemoryManager manager = context.memoryManager();
    MemoryManagerMetrics.OwnerMetrics left = manager.metrics().owner(context.owner());
    if (left.pages() > 0 || left.reservedBytes() > 0) {
      execution.leaked(context.owner() + " left " + left.pages() + " pages and "
          + left.reservedBytes() + " reserved bytes");
    }
    manager.releaseAll(context.owner());
    manager.releaseAllMemory(context.owner());
    manager.unregisterConsumer(context.owner());
  }
}
