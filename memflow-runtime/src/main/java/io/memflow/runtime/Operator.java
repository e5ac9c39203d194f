package io.memflow.runtime;

import io.memflow.row.BinaryRow;

/**
 * The code of one subtask of a stage with inputs: rows in, rows out.
 *
 * <p><b>Lifecycle.</b> The task calls {@link #open} once, then reads its inputs one after the other
 * in their order (input 0 to its end, then input 1: a join's build side comes first), calling
 * {@link #process} for each row and {@link #endInput} when an input ends, and finally {@link
 * #close}, also after a failure or cancellation. A row passed to {@code process} is valid only
 * during the call.
 *
 * <p><b>Memory.</b> An operator that needs managed memory allocates it from {@link
 * TaskContext#memoryManager()} as {@link TaskContext#owner()}, at most {@link
 * TaskContext#managedMemoryBytes()}, and returns it in {@code close}; the task releases whatever
 * the owner still holds after {@code close} and counts it as a leak in the job's report.
 *
 * <p><b>Threads.</b> One thread (the task's) calls every method; instances are not shared.
 */
public interface Operator extends AutoCloseable {

  /** Prepares the operator: allocates its memory, opens its files. */
  default void open(TaskContext context) throws Exception {}

  /** Processes one row of input {@code input}. */
  void process(int input, BinaryRow row, Collector out) throws Exception;

  /** Input {@code input} has no more rows. After the last input's, the operator emits its rest. */
  default void endInput(int input, Collector out) throws Exception {}

  /** Releases everything the operator holds; called once, also on failure. */
  @Override
  default void close() throws java.io.IOException {}
}
