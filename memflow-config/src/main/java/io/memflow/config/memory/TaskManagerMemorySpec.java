package io.memflow.config.memory;

import io.memflow.config.MemorySize;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A TaskManager's memory, every component in bytes, as Flink's {@code TaskExecutorProcessUtils}
 * derives it; with the JVM flags and the dynamic properties Flink's launcher passes.
 *
 * <p>Immutable and thread-safe (the rules map is copied). Invariant when built by {@link
 * MemoryPlanner}: the components add up to {@link #totalProcessMemory()}.
 *
 * @param frameworkHeap framework heap
 * @param taskHeap task heap
 * @param frameworkOffHeap framework off-heap
 * @param taskOffHeap task off-heap
 * @param network network memory
 * @param managed managed memory
 * @param jvmMetaspace JVM metaspace
 * @param jvmOverhead JVM overhead
 * @param cpuCores CPU cores as Flink's launcher passes them
 * @param numSlots task slots
 * @param rules component name to the rule that decided it
 */
public record TaskManagerMemorySpec(
    MemorySize frameworkHeap,
    MemorySize taskHeap,
    MemorySize frameworkOffHeap,
    MemorySize taskOffHeap,
    MemorySize network,
    MemorySize managed,
    MemorySize jvmMetaspace,
    MemorySize jvmOverhead,
    double cpuCores,
    int numSlots,
    Map<String, String> rules) {

  /**
   * Creates a spec.
   *
   * @param frameworkHeap framework heap
   * @param taskHeap task heap
   * @param frameworkOffHeap framework off-heap
   * @param taskOffHeap task off-heap
   * @param network network memory
   * @param managed managed memory
   * @param jvmMetaspace JVM metaspace
   * @param jvmOverhead JVM overhead
   * @param cpuCores CPU cores
   * @param numSlots task slots
   * @param rules component name to rule
   */
  public TaskManagerMemorySpec {
    rules = Map.copyOf(rules);
  }

  /**
   * Returns the total Flink memory: heap, off-heap, network and managed.
   *
   * @return the sum
   */
  public MemorySize totalFlinkMemory() {
    return frameworkHeap.add(frameworkOffHeap).add(taskHeap).add(taskOffHeap).add(network)
        .add(managed);
  }

  /**
   * Returns the total process memory: Flink memory plus metaspace and overhead.
   *
   * @return the sum
   */
  public MemorySize totalProcessMemory() {
    return totalFlinkMemory().add(jvmMetaspace).add(jvmOverhead);
  }

  /**
   * Returns the JVM heap ({@code -Xmx} and {@code -Xms}): framework plus task heap.
   *
   * @return the heap size
   */
  public MemorySize jvmHeap() {
    return frameworkHeap.add(taskHeap);
  }

  /**
   * Returns the JVM direct memory limit: framework and task off-heap plus network.
   *
   * @return the direct memory size
   */
  public MemorySize jvmDirect() {
    return frameworkOffHeap.add(taskOffHeap).add(network);
  }

  /**
   * Returns the JVM flags exactly as Flink prints them: {@code -Xmx<b> -Xms<b>
   * -XX:MaxDirectMemorySize=<b> -XX:MaxMetaspaceSize=<b>}.
   *
   * @return the flags
   */
  public String jvmArgs() {
    return JvmArgs.of(jvmHeap(), jvmDirect(), jvmMetaspace, true);
  }

  /**
   * Returns the dynamic properties Flink's launcher passes to a TaskManager, in Flink's order:
   * {@code -D key=value} pairs, sizes as {@code <bytes>b}.
   *
   * @return the properties
   */
  public String dynamicProperties() {
    Map<String, String> props = new HashMap<>();
    props.put(TaskManagerOptions.CPU_CORES.key(), String.valueOf(cpuCores));
    props.put(TaskManagerOptions.FRAMEWORK_HEAP.key(), frameworkHeap.bytes() + "b");
    props.put(TaskManagerOptions.FRAMEWORK_OFF_HEAP.key(), frameworkOffHeap.bytes() + "b");
    props.put(TaskManagerOptions.TASK_HEAP.key(), taskHeap.bytes() + "b");
    props.put(TaskManagerOptions.TASK_OFF_HEAP.key(), taskOffHeap.bytes() + "b");
    props.put(TaskManagerOptions.NETWORK_MIN.key(), network.bytes() + "b");
    props.put(TaskManagerOptions.NETWORK_MAX.key(), network.bytes() + "b");
    props.put(TaskManagerOptions.MANAGED_SIZE.key(), managed.bytes() + "b");
    props.put(TaskManagerOptions.JVM_METASPACE.key(), jvmMetaspace.bytes() + "b");
    props.put(TaskManagerOptions.JVM_OVERHEAD_MIN.key(), jvmOverhead.bytes() + "b");
    props.put(TaskManagerOptions.JVM_OVERHEAD_MAX.key(), jvmOverhead.bytes() + "b");
    props.put(TaskManagerOptions.NUM_TASK_SLOTS.key(), String.valueOf(numSlots));
    props.put("external-resources", "none");
    return JvmArgs.dynamicProperties(props);
  }

  /**
   * Returns the components in the order of Flink's memory model picture, each with its rule.
   *
   * @return the components
   */
  public List<Component> components() {
    return List.of(
        component("frameworkHeap", "Framework heap", frameworkHeap),
        component("taskHeap", "Task heap", taskHeap),
        component("frameworkOffHeap", "Framework off-heap", frameworkOffHeap),
        component("taskOffHeap", "Task off-heap", taskOffHeap),
        component("network", "Network", network),
        component("managed", "Managed", managed),
        component("jvmMetaspace", "JVM metaspace", jvmMetaspace),
        component("jvmOverhead", "JVM overhead", jvmOverhead));
  }

  private Component component(String name, String label, MemorySize size) {
    return new Component(name, label, size, rules.getOrDefault(name, ""));
  }
}
