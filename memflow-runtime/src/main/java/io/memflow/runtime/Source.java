package io.memflow.runtime;

/**
 * The code of a source stage: produces the rows of one subtask.
 *
 * <p>One instance serves every subtask of its stage, each calling {@link #run} from its own
 * thread, so a source keeps its per-subtask state in local variables; {@link TaskContext#subtask()}
 * tells which share of the input to read. A source that opens files closes them before returning,
 * also when it throws; a cancelled job interrupts the thread.
 */
@FunctionalInterface
public interface Source {

  /**
   * Emits this subtask's rows to {@code out}.
   *
   * @throws Exception any failure: it fails the job with this cause
   */
  void run(TaskContext context, Collector out) throws Exception;
}
