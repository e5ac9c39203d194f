package io.memflow.config.memory;

/**
 * The JobManager options that decide its memory, with Flink 2.x keys and defaults. Constants
 * only; immutable and thread-safe.
 */
public final class JobManagerOptions {

  private static final String P = "jobmanager.memory.";

  /** Total process memory. No default. */
  public static final MemoryOption PROCESS_SIZE = MemoryOption.of(P + "process.size", null);

  /** Total Flink memory: JVM heap plus off-heap. No default. */
  public static final MemoryOption FLINK_SIZE = MemoryOption.of(P + "flink.size", null);

  /** JVM heap. No default (derived). */
  public static final MemoryOption HEAP_SIZE = MemoryOption.of(P + "heap.size", null);

  /** Off-heap (direct and native) memory. */
  public static final MemoryOption OFF_HEAP_SIZE = MemoryOption.of(P + "off-heap.size", "128m");

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

  /** Whether the JVM gets {@code -XX:MaxDirectMemorySize} (the off-heap size). */
  public static final MemoryOption DIRECT_MEMORY_LIMIT_ENABLED =
      MemoryOption.of(P + "enable-jvm-direct-memory-limit", "false");

  private JobManagerOptions() {}
}
