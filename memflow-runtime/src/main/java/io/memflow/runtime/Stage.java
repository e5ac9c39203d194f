package io.memflow.runtime;

import io.memflow.row.RowSchema;
import java.util.List;
import java.util.function.Supplier;

/**
 * A vertex of a {@link Job}: a source or an operator, run as {@code parallelism} subtasks.
 *
 * <p>Created by {@link Job.Builder}; immutable and thread-safe. A stage feeds at most one other
 * stage; a stage that feeds none is a sink (its output, if any, is dropped).
 */
public final class Stage {

  private final int id;
  private final String name;
  private final int parallelism;
  private final RowSchema outputSchema;
  private final boolean usesManagedMemory;
  private final int minManagedPages;
  private final int managedWeight;
  private final Source source;
  private final Supplier<? extends Operator> operators;
  private final List<Input> inputs;
  private final boolean canSpoolInput;

  Stage(int id, String name, int parallelism, RowSchema outputSchema, int minManagedPages, int managedWeight,
      Source source, Supplier<? extends Operator> operators, List<Input> inputs, boolean canSpoolInput) {
    this.id = id;
    this.name = name;
    this.parallelism = parallelism;
    this.outputSchema = outputSchema;
    this.usesManagedMemory = minManagedPages > 0;
    this.minManagedPages = minManagedPages;
    this.managedWeight = minManagedPages > 0 ? managedWeight : 0;
    this.source = source;
    this.operators = operators;
    this.inputs = List.copyOf(inputs);
    this.canSpoolInput = canSpoolInput;
  }

  /** The stage's name, unique in its job. */
  public String name() {
    return name;
  }

  /** The number of subtasks. */
  public int parallelism() {
    return parallelism;
  }

  /** The schema of the rows it emits. */
  public RowSchema outputSchema() {
    return outputSchema;
  }

  /** Whether its subtasks take a share of their slot's managed memory. */
  public boolean usesManagedMemory() {
    return usesManagedMemory;
  }

  /** The fewest pages of managed memory each subtask needs; 0 if it uses none. */
  public int minManagedPages() {
    return minManagedPages;
  }

  /**
   * Its weight in the split of a slot's managed memory: a subtask gets the slot's memory times its
   * weight over the sum of the weights of the slot's subtasks; 0 if it uses none.
   */
  public int managedWeight() {
    return managedWeight;
  }

  /** What it reads, in the order the operator reads them; empty for a source. */
  public List<Input> inputs() {
    return inputs;
  }

  /** Whether it is a source. */
  public boolean isSource() {
    return source != null;
  }

  /**
   * Whether its operator can spool its input to disk and take its memory once the input ended
   * (a sort: {@link TaskContext#spoolsInput()}).
   */
  boolean canSpoolInput() {
    return canSpoolInput;
  }

  int id() {
    return id;
  }

  Source source() {
    return source;
  }

  Operator newOperator() {
    return operators.get();
  }

  @Override
  public String toString() {
    return name + "(p=" + parallelism + ")";
  }
}
