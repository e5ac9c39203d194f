package io.memflow.runtime;

import io.memflow.managed.MemoryManager;
import io.memflow.managed.MemoryManagerMetrics;
import io.memflow.network.InputGate;
import io.memflow.network.ResultPartition;
import io.memflow.row.BinaryRow;
import java.io.IOException;
import java.util.concurrent.CountDownLatch;

/**
 * One subtask of a stage: reads its inputs in order into its operator (or runs its source) and
 * writes to its result partition, and on any end releases what its operator left behind.
 *
 * <p>A task whose stage feeds its consumer through an exchange (or feeds none) is a <em>head</em>
 * and runs on its own thread ({@link #run}). A task whose consumer reads it through {@link
 * Input#chained} has no thread, gate or partition of its own: the consumer's task runs it in its
 * thread when it comes to that input ({@link #runChained}), and its rows reach the consumer's
 * operator by a call. Either way the task opens, closes and releases its own operator, so every
 * stage keeps its own metrics, memory share and leak check. Gates and partitions belong to the
 * {@link JobExecution}, which closes them after every thread ended.
 */
final class Task implements Runnable {

  private final JobExecution execution;
  private final Stage stage;
  private final TaskContext context;
  private final TaskMetrics metrics = new TaskMetrics();
  /** Per input: its gate, or null where a chained producer feeds it. */
  private final InputGate[] gates;
  /** Per input: the chained producer's task, or null where a gate feeds it. */
  private final Task[] chained;
  private ResultPartition partition;
  private Input output;
  private boolean isChainedProducer;
  /** The operator while open; null for a source, before open and after close. */
  private Operator operator;
  /** Opens once the operator is closed and its memory released (on success and on failure). */
  private final CountDownLatch released = new CountDownLatch(1);

  Task(JobExecution execution, Stage stage, TaskContext context) {
    this.execution = execution;
    this.stage = stage;
    this.context = context;
    this.gates = new InputGate[stage.inputs().size()];
    this.chained = new Task[stage.inputs().size()];
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

  /** Waits until this task's operator has closed and its managed memory is back in the slot. */
  void awaitReleased() throws InterruptedException {
    released.await();
  }

  void setGate(int input, InputGate gate) {
    gates[input] = gate;
  }

  /** Input {@code input} is fed by {@code producer}, which runs in this task's thread. */
  void setChained(int input, Task producer) {
    chained[input] = producer;
    producer.isChainedProducer = true;
  }

  /** The names of the stages this task runs, chained producers first: {@code read+combine}. */
  String chainName() {
    StringBuilder name = new StringBuilder();
    for (Task producer : chained) {
      if (producer != null) {
        name.append(producer.chainName()).append('+');
      }
    }
    return name.append(stage.name()).toString();
  }

  /** Whether this task runs in its consumer's thread rather than its own. */
  boolean isChainedProducer() {
    return isChainedProducer;
  }

  void setOutput(ResultPartition partition, Input output) {
    this.partition = partition;
    this.output = output;
  }

  /** The thread of a head task. */
  @Override
  public void run() {
    metrics.start();
    try {
      Collector out = partition == null ? row -> metrics.recordOut()
          : new RowEmitter(partition, output, context.subtask(), metrics);
      body(out);
      if (partition != null) {
        partition.finish();
      }
    } catch (Throwable t) {
      execution.taskFailed(this, t);
    } finally {
      closeOperator();
      releaseLeftovers();
      released.countDown();
      metrics.end();
    }
  }

  /**
   * Runs this chained producer in the consumer's thread, its rows going to input {@code input}
   * of {@code consumer}, which emits to {@code consumerOut}. Its operator is closed and its memory
   * released before this returns; a failure is recorded as this stage's and rethrown.
   */
  private void runChained(Task consumer, Operator consumerOperator, int input, Collector consumerOut)
      throws Exception {
    metrics.start();
    try {
      body(new ChainedCollector(consumer, consumerOperator, input, consumerOut));
    } catch (Throwable t) {
      execution.taskFailed(this, t); // the first failure names this stage; the consumer's is dropped
      throw t;
    } finally {
      closeOperator();
      releaseLeftovers();
      released.countDown();
      metrics.end();
    }
  }

  /** Runs the source, or opens the operator and feeds it every input. */
  private void body(Collector out) throws Exception {
    if (stage.isSource()) {
      stage.source().run(context, out);
      return;
    }
    operator = stage.newOperator();
    operator.open(context);
    readInputs(operator, out);
  }

  private void readInputs(Operator operator, Collector out) throws Exception {
    for (int i = 0; i < gates.length; i++) {
      if (chained[i] != null) {
        chained[i].runChained(this, operator, i, out);
      } else {
        readGate(operator, i, out);
      }
      operator.endInput(i, out);
    }
  }

  private void readGate(Operator operator, int i, Collector out) throws Exception {
    try (RowReader reader = new RowReader(gates[i], stage.inputs().get(i).stage().outputSchema())) {
      ChannelInput byChannel = operator instanceof ChannelInput c ? c : null;
      BinaryRow row;
      while ((row = reader.next()) != null) {
        metrics.recordIn(row.sizeInBytes() + Integer.BYTES);
        if (byChannel != null) {
          byChannel.process(i, reader.channel(), row, out);
        } else {
          operator.process(i, row, out);
        }
      }
    }
  }

  private void closeOperator() {
    Operator open = operator;
    operator = null;
    if (open == null) {
      return;
    }
    try {
      open.close();
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

  /**
   * Hands a chained producer's rows to its consumer's operator. A failure of that operator is
   * recorded as the consumer's before it travels up through the producer's code (so the job names
   * the stage that failed, with its original cause); a checked exception other than an I/O or
   * interruption travels wrapped, since the producer's collector cannot throw it.
   */
  private final class ChainedCollector implements Collector {
    private final Task consumer;
    private final Operator operator;
    private final int input;
    private final Collector out;

    ChainedCollector(Task consumer, Operator operator, int input, Collector out) {
      this.consumer = consumer;
      this.operator = operator;
      this.input = input;
      this.out = out;
    }

    @Override
    public void collect(BinaryRow row) throws IOException, InterruptedException {
      int bytes = row.sizeInBytes() + Integer.BYTES;
      metrics.recordOut(bytes);
      consumer.metrics.recordIn(bytes);
      try {
        operator.process(input, row, out);
      } catch (IOException | InterruptedException | RuntimeException | Error e) {
        execution.taskFailed(consumer, e);
        throw e;
      } catch (Exception e) {
        execution.taskFailed(consumer, e);
        throw new ChainedOperatorException(e);
      }
    }
  }

  /** Carries a chained consumer's checked exception through its producer; already recorded. */
  private static final class ChainedOperatorException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ChainedOperatorException(Exception cause) {
      super(cause);
    }
  }
}
