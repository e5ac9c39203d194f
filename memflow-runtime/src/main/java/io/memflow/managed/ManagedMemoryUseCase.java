package io.memflow.managed;

/**
 * What a slot's managed memory is for, with Flink's default weights
 * ({@code taskmanager.memory.managed.consumer-weights: OPERATOR:70,STATE_BACKEND:70,PYTHON:30}).
 * {@link ManagedMemoryWeights} turns the weights of the use cases present in a slot into fractions.
 */
public enum ManagedMemoryUseCase {
  /** Batch operators: sorters, hash tables, caches of intermediate results. */
  OPERATOR(70),
  /** A native state backend (such as RocksDB) in a streaming job, through a shared resource. */
  STATE_BACKEND(70),
  /** Python worker processes of user-defined functions. */
  PYTHON(30);

  private final int defaultWeight;

  ManagedMemoryUseCase(int defaultWeight) {
    this.defaultWeight = defaultWeight;
  }

  /** The weight Flink uses when none is configured. */
  public int defaultWeight() {
    return defaultWeight;
  }
}
