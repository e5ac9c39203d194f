package io.memflow.config.memory;

/**
 * The TaskManager options that decide its memory, with Flink 2.x keys, defaults and deprecated
 * keys. Constants only; immutable and thread-safe.
 */
public final class TaskManagerOptions {

  private static final String P = "taskmanager.memory.";

  /** Total process memory: everything the JVM process may use. No default. */
  public static final MemoryOption PROCESS_SIZE = MemoryOption.of(P + "process.size", null);

  /** Total Flink memory: the process minus JVM metaspace and overhead. No default. */
  public static final MemoryOption FLINK_SIZE = MemoryOption.of(P + "flink.size", null);

  /** JVM heap reserved for the framework. */
  public static final MemoryOption FRAMEWORK_HEAP =
      MemoryOption.of(P + "framework.heap.size", "128m");

  /** JVM heap for tasks. No default (derived). */
  public static final MemoryOption TASK_HEAP = MemoryOption.of(P + "task.heap.size", null);

  /** Direct (off-heap) memory reserved for the framework. */
  public static final MemoryOption FRAMEWORK_OFF_HEAP =
      MemoryOption.of(P + "framework.off-heap.size", "128m");

  /** Direct (off-heap) memory for tasks. */
  public static final MemoryOption TASK_OFF_HEAP = MemoryOption.of(P + "task.off-heap.size", "0");

  /** Managed memory size. No default (derived from the fraction). */
  public static final MemoryOption MANAGED_SIZE =
      MemoryOption.of(P + "managed.size", null, "taskmanager.memory.size");

  /** Managed memory as a fraction of total Flink memory. */
  public static final MemoryOption MANAGED_FRACTION =
      MemoryOption.of(P + "managed.fraction", "0.4");

  /** Lower bound of network memory. */
  public static final MemoryOption NETWORK_MIN =
      MemoryOption.of(P + "network.min", "64m", "taskmanager.network.memory.min");

  /** Upper bound of network memory (default unlimited: {@code Long.MAX_VALUE} bytes). */
  public static final MemoryOption NETWORK_MAX =
      MemoryOption.of(
          P + "network.max", Long.toString(Long.MAX_VALUE), "taskmanager.network.memory.max");

  /** Network memory as a fraction of total Flink memory. */
  public static final MemoryOption NETWORK_FRACTION =
      MemoryOption.of(P + "network.fraction", "0.1", "taskmanager.network.memory.fraction");

  /** JVM metaspace limit. */
  public static final MemoryOption JVM_METASPACE =
      MemoryOption.of(P + "jvm-metaspace.size", "256m");

  /** Lower bound of JVM overhead. */
  public static final MemoryOption JVM_OVERHEAD_MIN =
      MemoryOption.of(P + "jvm-overhead.min", "192m");

  /** Upper bound of JVM overhead. */
  public static final MemoryOption JVM_OVERHEAD_MAX = MemoryOption.of(P + "jvm-overhead.max", "1g");

  /** JVM overhead as a fraction of total process memory. */
  public static final MemoryOption JVM_OVERHEAD_FRACTION =
      MemoryOption.of(P + "jvm-overhead.fraction", "0.1");

  /** Size of a memory segment (network buffer, managed page). */
  public static final MemoryOption SEGMENT_SIZE = MemoryOption.of(P + "segment-size", "32kb");

  /** Weights of the managed memory consumers. */
  public static final MemoryOption MANAGED_CONSUMER_WEIGHTS =
      MemoryOption.of(
          P + "managed.consumer-weights", "OPERATOR:70,STATE_BACKEND:70,PYTHON:30");

  /** Task slots per TaskManager. */
  public static final MemoryOption NUM_TASK_SLOTS =
      MemoryOption.of("taskmanager.numberOfTaskSlots", "1");

  /** CPU cores of the TaskManager. No default (the number of slots). */
  public static final MemoryOption CPU_CORES = MemoryOption.of("taskmanager.cpu.cores", null);

  private TaskManagerOptions() {}
}
