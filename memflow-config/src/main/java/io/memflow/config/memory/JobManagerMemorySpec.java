package io.memflow.config.memory;

import io.memflow.config.MemorySize;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A JobManager's memory, every component in bytes, as Flink's {@code JobManagerProcessUtils}
 * derives it; with the JVM flags and the dynamic properties Flink's launcher passes.
 *
 * <p>Immutable and thread-safe (the rules map is copied). Invariant when built by {@link
 * MemoryPlanner}: the components add up to {@link #totalProcessMemory()}.
 *
 * @param jvmHeap JVM heap
 * @param offHeap off-heap memory
 * @param jvmMetaspace JVM metaspace
 * @param jvmOverhead JVM overhead
 * @param directMemoryLimit whether the JVM gets {@code -XX:MaxDirectMemorySize}
 * @param rules component name to the rule that decided it
 */
public record JobManagerMemorySpec(
    MemorySize jvmHeap,
    MemorySize offHeap,
    MemorySize jvmMetaspace,
    MemorySize jvmOverhead,
    boolean directMemoryLimit,
    Map<String, String> rules) {

  /**
   * Creates a spec.
   *
   * @param jvmHeap JVM heap
   * @param offHeap off-heap memory
   * @param jvmMetaspace JVM metaspace
   * @param jvmOverhead JVM overhead
   * @param directMemoryLimit whether to limit direct memory
   * @param rules component name to rule
   */
  public JobManagerMemorySpec {
    rules = Map.copyOf(rules);
  }

  /**
   * Returns the total Flink memory: heap plus off-heap.
   *
   * @return the sum
   */
  public MemorySize totalFlinkMemory() {
    return jvmHeap.add(offHeap);
  }

  /**
   * Returns the total process memory.
   *
   * @return the sum
   */
  public MemorySize totalProcessMemory() {
    return totalFlinkMemory().add(jvmMetaspace).add(jvmOverhead);
  }

  /**
   * Returns the JVM flags exactly as Flink prints them; {@code -XX:MaxDirectMemorySize} only
   * when the direct memory limit is enabled.
   *
   * @return the flags
   */
  public String jvmArgs() {
    return JvmArgs.of(jvmHeap, offHeap, jvmMetaspace, directMemoryLimit);
  }

  /**
   * Returns the dynamic properties Flink's launcher passes to a JobManager, in Flink's order.
   *
   * @return the properties
   */
  public String dynamicProperties() {
    Map<String, String> props = new HashMap<>();
    props.put(JobManagerOptions.HEAP_SIZE.key(), jvmHeap.bytes() + "b");
    props.put(JobManagerOptions.OFF_HEAP_SIZE.key(), offHeap.bytes() + "b");
    props.put(JobManagerOptions.JVM_METASPACE.key(), jvmMetaspace.bytes() + "b");
    props.put(JobManagerOptions.JVM_OVERHEAD_MIN.key(), jvmOverhead.bytes() + "b");
    props.put(JobManagerOptions.JVM_OVERHEAD_MAX.key(), jvmOverhead.bytes() + "b");
    return JvmArgs.dynamicProperties(props);
  }

  /**
   * Returns the components with their rules.
   *
   * @return the components
   */
  public List<Component> components() {
    return List.of(
        component("jvmHeap", "JVM heap", jvmHeap),
        component("offHeap", "Off-heap", offHeap),
        component("jvmMetaspace", "JVM metaspace", jvmMetaspace),
        component("jvmOverhead", "JVM overhead", jvmOverhead));
  }

  private Component component(String name, String label, MemorySize size) {
    return new Component(name, label, size, rules.getOrDefault(name, ""));
  }
}
