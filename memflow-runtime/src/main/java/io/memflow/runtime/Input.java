package io.memflow.runtime;

import java.util.Arrays;
import java.util.Objects;

/**
 * An edge of a job graph: which stage's output a stage reads, and how the producer's subtasks
 * route rows to the consumer's subtasks.
 *
 * <ul>
 *   <li>{@link #forward}: subtask {@code i} to subtask {@code i} (equal parallelism);
 *   <li>{@link #hash}: by a seeded hash of key fields, so equal keys meet in one subtask;
 *   <li>{@link #global}: every row to subtask 0 (a gather, for a final sort or a single sink);
 *   <li>{@link #rebalance}: round robin;
 *   <li>{@link #broadcast}: every row to every subtask (a small build side of a join);
 *   <li>{@link #chained}: subtask {@code i} to subtask {@code i} without an exchange: the consumer
 *       runs in the producer's thread and takes each row by a call, as Flink chains operators.
 * </ul>
 *
 * <p>Immutable and thread-safe.
 *
 * @param stage the producing stage
 * @param routing how rows are routed
 * @param keys the key fields of the producer's output schema for {@code HASH}, empty otherwise
 */
public record Input(Stage stage, Routing routing, int[] keys) {

  /** How a producer routes its rows among the consumer's subtasks. */
  public enum Routing {
    /** Subtask i to subtask i. */
    FORWARD,
    /** By hash of key fields. */
    HASH,
    /** Everything to subtask 0. */
    GLOBAL,
    /** Round robin. */
    REBALANCE,
    /** Every row to every subtask. */
    BROADCAST,
    /** Subtask i to subtask i by a call in one thread: no buffers, no copy, no exchange. */
    CHAINED
  }

  /** Checks the arguments and copies the keys. */
  public Input {
    Objects.requireNonNull(stage, "stage");
    Objects.requireNonNull(routing, "routing");
    keys = keys.clone();
    if ((routing == Routing.HASH) != (keys.length > 0)) {
      throw new IllegalArgumentException("routing " + routing + " with keys " + Arrays.toString(keys)
          + ": HASH needs key fields, the others take none");
    }
    for (int key : keys) {
      Objects.checkIndex(key, stage.outputSchema().fieldCount());
    }
  }

  /** Subtask i of {@code stage} feeds subtask i of the consumer. */
  public static Input forward(Stage stage) {
    return new Input(stage, Routing.FORWARD, new int[0]);
  }

  /** Rows of {@code stage} routed by the hash of {@code keys} (fields of its output). */
  public static Input hash(Stage stage, int... keys) {
    return new Input(stage, Routing.HASH, keys);
  }

  /** Every row of {@code stage} to the consumer's subtask 0. */
  public static Input global(Stage stage) {
    return new Input(stage, Routing.GLOBAL, new int[0]);
  }

  /** Rows of {@code stage} spread round robin. */
  public static Input rebalance(Stage stage) {
    return new Input(stage, Routing.REBALANCE, new int[0]);
  }

  /** Every row of {@code stage} to every subtask of the consumer. */
  public static Input broadcast(Stage stage) {
    return new Input(stage, Routing.BROADCAST, new int[0]);
  }

  /**
   * Subtask i of {@code stage} feeds subtask i of the consumer (equal parallelism) in one thread:
   * the consumer's subtask runs the producer's when it comes to this input, and takes each row as
   * a call. No network buffers and no copy; the two stages no longer run in parallel with each
   * other. Stage metrics stay per stage.
   */
  public static Input chained(Stage stage) {
    return new Input(stage, Routing.CHAINED, new int[0]);
  }

  /** Whether the producer's subtasks run in the consumer's threads ({@link Routing#CHAINED}). */
  public boolean isChained() {
    return routing == Routing.CHAINED;
  }

  /** The key fields (a copy). */
  @Override
  public int[] keys() {
    return keys.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Input other && stage == other.stage && routing == other.routing
        && Arrays.equals(keys, other.keys);
  }

  @Override
  public int hashCode() {
    return Objects.hash(stage.name(), routing, Arrays.hashCode(keys));
  }

  @Override
  public String toString() {
    return routing + (keys.length > 0 ? Arrays.toString(keys) : "") + "(" + stage.name() + ")";
  }
}
