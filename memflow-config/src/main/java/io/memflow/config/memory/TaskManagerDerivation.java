package io.memflow.config.memory;

import static io.memflow.config.memory.TaskManagerOptions.CPU_CORES;
import static io.memflow.config.memory.TaskManagerOptions.FLINK_SIZE;
import static io.memflow.config.memory.TaskManagerOptions.FRAMEWORK_HEAP;
import static io.memflow.config.memory.TaskManagerOptions.FRAMEWORK_OFF_HEAP;
import static io.memflow.config.memory.TaskManagerOptions.JVM_METASPACE;
import static io.memflow.config.memory.TaskManagerOptions.JVM_OVERHEAD_FRACTION;
import static io.memflow.config.memory.TaskManagerOptions.JVM_OVERHEAD_MAX;
import static io.memflow.config.memory.TaskManagerOptions.JVM_OVERHEAD_MIN;
import static io.memflow.config.memory.TaskManagerOptions.MANAGED_FRACTION;
import static io.memflow.config.memory.TaskManagerOptions.MANAGED_SIZE;
import static io.memflow.config.memory.TaskManagerOptions.NETWORK_FRACTION;
import static io.memflow.config.memory.TaskManagerOptions.NETWORK_MAX;
import static io.memflow.config.memory.TaskManagerOptions.NETWORK_MIN;
import static io.memflow.config.memory.TaskManagerOptions.NUM_TASK_SLOTS;
import static io.memflow.config.memory.TaskManagerOptions.PROCESS_SIZE;
import static io.memflow.config.memory.TaskManagerOptions.TASK_HEAP;
import static io.memflow.config.memory.TaskManagerOptions.TASK_OFF_HEAP;

import io.memflow.config.MemorySize;
import io.memflow.config.memory.RangeFraction.Derived;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Derives a TaskManager's memory the way Flink does.
 *
 * <p>The first path that applies decides: (1) task heap and managed size both set: network is
 * the rest of total Flink memory if that is set, else the network fraction of the whole; (2)
 * total Flink memory set: managed by size or fraction, network by fraction and task heap the
 * rest, or network the rest when task heap is set; (3) total process memory set: JVM overhead
 * by fraction, Flink memory the rest, then as (2). Metaspace and overhead then complete the
 * process. Every option is read only when its step runs, so validity matches Flink's exactly.
 * One instance per derivation; not thread-safe.
 */
final class TaskManagerDerivation {

  private static final int CPU_SCALE = 8;

  private final OptionReader in;
  private final Map<String, String> rules = new LinkedHashMap<>();
  private MemorySize frameworkHeap;
  private MemorySize frameworkOffHeap;
  private MemorySize taskHeap;
  private MemorySize taskOffHeap;
  private MemorySize network;
  private MemorySize managed;
  private MemorySize metaspace;
  private MemorySize overhead;

  TaskManagerDerivation(OptionReader in) {
    this.in = in;
  }

  TaskManagerMemorySpec derive() {
    if (in.contains(TASK_HEAP) && in.contains(MANAGED_SIZE)) {
      fineGrained();
    } else if (in.contains(FLINK_SIZE)) {
      MemorySize flink = in.size(FLINK_SIZE);
      fromTotalFlink(flink);
      metaspaceAndOverhead(flink);
    } else if (in.contains(PROCESS_SIZE)) {
      fromTotalProcess();
    } else {
      throw notConfigured();
    }
    return spec();
  }

  private void fineGrained() {
    taskHeap = explicit("taskHeap", TASK_HEAP);
    managed = explicit("managed", MANAGED_SIZE);
    readFixedParts();
    MemorySize excluded = sumWithoutNetwork();
    if (in.contains(FLINK_SIZE)) {
      networkAsRemainder(in.size(FLINK_SIZE), excluded);
    } else {
      Derived d = networkRange().ofRest(excluded, "the other Flink memory");
      network = d.size();
      rules.put("network", d.rule());
    }
    checkAddsUpToFlink();
    metaspaceAndOverhead(totalFlink());
  }

  private void fromTotalProcess() {
    MemorySize process = in.size(PROCESS_SIZE);
    metaspace = explicit("jvmMetaspace", JVM_METASPACE);
    Derived d = overheadRange().ofBase(process, "total process memory");
    overhead = d.size();
    rules.put("jvmOverhead", d.rule());
    if (metaspace.add(overhead).bytes() > process.bytes()) {
      throw InvalidMemoryConfigurationException.tooSmall(
          "Sum of JVM Metaspace (" + metaspace + ") and JVM Overhead (" + overhead
              + ") exceeds " + in.describe(PROCESS_SIZE) + ".",
          List.of(PROCESS_SIZE.key(), JVM_METASPACE.key(), JVM_OVERHEAD_MIN.key()),
          PROCESS_SIZE);
    }
    fromTotalFlink(process.subtract(metaspace.add(overhead)));
  }

  private void fromTotalFlink(MemorySize flink) {
    readFixedParts();
    if (in.contains(TASK_HEAP)) {
      taskHeap = explicit("taskHeap", TASK_HEAP);
      managed = managedFrom(flink);
      networkAsRemainder(flink, sumWithoutNetwork());
    } else {
      managed = managedFrom(flink);
      Derived d = networkRange().ofBase(flink, "total Flink memory");
      network = d.size();
      rules.put("network", d.rule());
      taskHeapAsRemainder(flink);
    }
    checkAddsUpToFlink();
  }

  private void readFixedParts() {
    frameworkHeap = explicit("frameworkHeap", FRAMEWORK_HEAP);
    frameworkOffHeap = explicit("frameworkOffHeap", FRAMEWORK_OFF_HEAP);
    taskOffHeap = explicit("taskOffHeap", TASK_OFF_HEAP);
  }

  private MemorySize explicit(String component, MemoryOption option) {
    MemorySize size = in.size(option);
    rules.put(component, in.valueRule(option));
    return size;
  }

  private MemorySize managedFrom(MemorySize flink) {
    if (in.contains(MANAGED_SIZE)) {
      return explicit("managed", MANAGED_SIZE);
    }
    RangeFraction range =
        in.range(MemorySize.ZERO, MemorySize.MAX_VALUE, MANAGED_FRACTION, "0", "unlimited");
    Derived d = range.ofBase(flink, "total Flink memory");
    rules.put("managed", d.rule() + " (" + in.describe(MANAGED_FRACTION) + ")");
    return d.size();
  }

  private RangeFraction networkRange() {
    return in.range(NETWORK_MIN, NETWORK_MAX, NETWORK_FRACTION);
  }

  private RangeFraction overheadRange() {
    return in.range(JVM_OVERHEAD_MIN, JVM_OVERHEAD_MAX, JVM_OVERHEAD_FRACTION);
  }

  private MemorySize sumWithoutNetwork() {
    return frameworkHeap.add(frameworkOffHeap).add(taskHeap).add(taskOffHeap).add(managed);
  }

  private MemorySize totalFlink() {
    return sumWithoutNetwork().add(network);
  }

  private void networkAsRemainder(MemorySize flink, MemorySize excluded) {
    if (excluded.bytes() > flink.bytes()) {
      throw exceedsFlink(flink, excluded, "Task Heap (" + taskHeap + ")", "Managed");
    }
    network = flink.subtract(excluded);
    rules.put("network", "remainder: total Flink memory " + flink.bytes() + " minus the other "
        + "Flink components " + excluded.bytes());
    RangeFraction range = networkRange();
    if (!range.contains(network)) {
      throw networkOutOfRange(range, flink, excluded);
    }
  }

  private void taskHeapAsRemainder(MemorySize flink) {
    MemorySize others = frameworkHeap.add(frameworkOffHeap).add(taskOffHeap).add(managed).add(network);
    if (others.bytes() > flink.bytes()) {
      throw exceedsFlink(flink, others, "Network (" + network + ")", "Managed");
    }
    taskHeap = flink.subtract(others);
    rules.put("taskHeap", "remainder: total Flink memory " + flink.bytes()
        + " minus framework heap, framework off-heap, task off-heap, managed and network "
        + others.bytes());
  }

  private InvalidMemoryConfigurationException exceedsFlink(
      MemorySize flink, MemorySize parts, String variablePart, String managedName) {
    String problem = "Sum of Framework Heap (" + frameworkHeap + "), Framework Off-Heap ("
        + frameworkOffHeap + "), Task Off-Heap (" + taskOffHeap + "), " + variablePart + " and "
        + managedName + " (" + managed + ") memory is " + parts + ", more than the total Flink "
        + "memory " + flink + " (" + flinkSource() + ").";
    return InvalidMemoryConfigurationException.tooSmall(problem, conflictKeys(), sizingOption());
  }

  private InvalidMemoryConfigurationException networkOutOfRange(
      RangeFraction range, MemorySize flink, MemorySize excluded) {
    String problem = "With total Flink memory " + flink + " and task heap and (or) managed memory "
        + "set, network memory is the rest, " + network + ", which is outside the network range ["
        + range.min() + ", " + range.max() + "] (" + NETWORK_MIN.key() + ", " + NETWORK_MAX.key()
        + ").";
    List<String> keys = List.of(FLINK_SIZE.key(), NETWORK_MIN.key(), NETWORK_MAX.key());
    if (network.bytes() < range.min().bytes()) {
      return InvalidMemoryConfigurationException.tooSmall(problem, keys, sizingOption());
    }
    String fix = "set " + NETWORK_MAX.key() + " to at least " + network.bytes() + "b, or lower "
        + FLINK_SIZE.key() + " to at most " + excluded.add(range.max()).bytes() + "b.";
    return InvalidMemoryConfigurationException.tooLarge(problem, keys, fix, sizingOption());
  }

  private MemoryOption sizingOption() {
    return in.contains(FLINK_SIZE) ? FLINK_SIZE : PROCESS_SIZE;
  }

  private String flinkSource() {
    return in.contains(FLINK_SIZE)
        ? in.describe(FLINK_SIZE)
        : "derived from " + in.describe(PROCESS_SIZE);
  }

  private List<String> conflictKeys() {
    return List.of(sizingOption().key(), TASK_HEAP.key(), MANAGED_SIZE.key(),
        MANAGED_FRACTION.key(), NETWORK_FRACTION.key());
  }

  private void checkAddsUpToFlink() {
    if (in.contains(FLINK_SIZE) && totalFlink().bytes() != in.size(FLINK_SIZE).bytes()) {
      throw InvalidMemoryConfigurationException.of(
          "The Flink memory components add up to " + totalFlink() + ", not to "
              + in.describe(FLINK_SIZE) + ".",
          List.of(FLINK_SIZE.key()),
          "");
    }
  }

  private void metaspaceAndOverhead(MemorySize flink) {
    metaspace = explicit("jvmMetaspace", JVM_METASPACE);
    MemorySize flinkAndMetaspace = flink.add(metaspace);
    if (in.contains(PROCESS_SIZE)) {
      overhead = ProcessRemainder.overhead(in, PROCESS_SIZE, flink, metaspace, this::overheadRange);
      rules.put("jvmOverhead", "remainder: total process memory minus total Flink memory "
          + flink.bytes() + " and JVM metaspace " + metaspace.bytes());
    } else {
      Derived d = overheadRange().ofRest(flinkAndMetaspace, "Flink memory plus metaspace");
      overhead = d.size();
      rules.put("jvmOverhead", d.rule());
    }
  }

  private InvalidMemoryConfigurationException notConfigured() {
    return InvalidMemoryConfigurationException.of(
        "No TaskManager memory size is configured: set either " + TASK_HEAP.key() + " and "
            + MANAGED_SIZE.key() + ", or " + FLINK_SIZE.key() + ", or " + PROCESS_SIZE.key() + ".",
        List.of(PROCESS_SIZE.key(), FLINK_SIZE.key(), TASK_HEAP.key(), MANAGED_SIZE.key()),
        "set " + PROCESS_SIZE.key() + ", e.g. to 1728m (Flink's default configuration file).");
  }

  private TaskManagerMemorySpec spec() {
    int slots = in.integer(NUM_TASK_SLOTS);
    TaskManagerMemorySpec spec = new TaskManagerMemorySpec(
        frameworkHeap, taskHeap, frameworkOffHeap, taskOffHeap, network, managed,
        metaspace, overhead, cpuCores(), slots, rules);
    spec.totalProcessMemory(); // overflows (ArithmeticException) when the parts exceed 2^63-1
    return spec;
  }

  /** Flink's CPU cores as its launcher prints them: the number, 8 decimals cut, as a double. */
  private double cpuCores() {
    double cores = in.contains(CPU_CORES) ? in.decimal(CPU_CORES) : in.integer(NUM_TASK_SLOTS);
    if (!(cores > 0) || Double.isInfinite(cores)) {
      throw InvalidMemoryConfigurationException.of(
          "A TaskManager needs a positive, finite number of CPU cores, but it has " + cores
              + " (" + in.describe(in.contains(CPU_CORES) ? CPU_CORES : NUM_TASK_SLOTS) + ").",
          List.of(CPU_CORES.key(), NUM_TASK_SLOTS.key()),
          "set " + CPU_CORES.key() + " to a positive number such as 1.");
    }
    return truncateDecimals(cores);
  }

  /**
   * {@code value}'s decimal form ({@link Double#toString(double)}) cut after {@value #CPU_SCALE}
   * decimals, as a double: Flink's {@code BigDecimal.valueOf(value).setScale(8, DOWN)}, done on
   * the string where it has no exponent (as every core count from 0.001 to 10^7 prints), so that a
   * run's plan does not initialize {@code BigDecimal} (see {@code MemorySize.multiply}). Both
   * parse the same decimal to the nearest double.
   */
  static double truncateDecimals(double value) {
    String text = Double.toString(value);
    int point = text.indexOf('.');
    if (text.indexOf('E') >= 0 || point < 0) {
      return BigDecimal.valueOf(value).setScale(CPU_SCALE, RoundingMode.DOWN).stripTrailingZeros().doubleValue();
    }
    return Double.parseDouble(text.substring(0, Math.min(text.length(), point + 1 + CPU_SCALE)));
  }
}
