package io.memflow.config.memory;

import static io.memflow.config.memory.JobManagerOptions.DIRECT_MEMORY_LIMIT_ENABLED;
import static io.memflow.config.memory.JobManagerOptions.FLINK_SIZE;
import static io.memflow.config.memory.JobManagerOptions.HEAP_SIZE;
import static io.memflow.config.memory.JobManagerOptions.JVM_METASPACE;
import static io.memflow.config.memory.JobManagerOptions.JVM_OVERHEAD_FRACTION;
import static io.memflow.config.memory.JobManagerOptions.JVM_OVERHEAD_MAX;
import static io.memflow.config.memory.JobManagerOptions.JVM_OVERHEAD_MIN;
import static io.memflow.config.memory.JobManagerOptions.OFF_HEAP_SIZE;
import static io.memflow.config.memory.JobManagerOptions.PROCESS_SIZE;

import io.memflow.config.MemorySize;
import io.memflow.config.memory.RangeFraction.Derived;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Derives a JobManager's memory the way Flink does: (1) heap set: off-heap from its option, or
 * the rest of total Flink memory when that is set and off-heap is not; (2) total Flink memory
 * set: heap is the rest after off-heap; (3) total process memory set: overhead by fraction,
 * then as (2). Metaspace and overhead complete the process as for the TaskManager. One instance
 * per derivation; not thread-safe.
 */
final class JobManagerDerivation {

  private final OptionReader in;
  private final Map<String, String> rules = new LinkedHashMap<>();
  private MemorySize heap;
  private MemorySize offHeap;
  private MemorySize metaspace;
  private MemorySize overhead;

  JobManagerDerivation(OptionReader in) {
    this.in = in;
  }

  JobManagerMemorySpec derive() {
    if (in.contains(HEAP_SIZE)) {
      fromHeap();
      metaspaceAndOverhead(heap.add(offHeap));
    } else if (in.contains(FLINK_SIZE)) {
      MemorySize flink = in.size(FLINK_SIZE);
      fromTotalFlink(flink);
      metaspaceAndOverhead(flink);
    } else if (in.contains(PROCESS_SIZE)) {
      fromTotalProcess();
    } else {
      throw notConfigured();
    }
    noteSmallHeap();
    boolean limit = in.bool(DIRECT_MEMORY_LIMIT_ENABLED);
    JobManagerMemorySpec spec =
        new JobManagerMemorySpec(heap, offHeap, metaspace, overhead, limit, rules);
    spec.totalProcessMemory(); // overflows (ArithmeticException) when the parts exceed 2^63-1
    return spec;
  }

  /** Flink accepts a heap below 128 MiB but warns; the explanation says so too. */
  private void noteSmallHeap() {
    if (heap.compareTo(MemorySize.ofMebiBytes(128)) < 0) {
      rules.put("jvmHeap", rules.get("jvmHeap") + " (below Flink's recommended minimum of 128 mb;"
          + " Flink logs a warning)");
    }
  }

  private void fromHeap() {
    heap = explicit("jvmHeap", HEAP_SIZE);
    offHeap = explicit("offHeap", OFF_HEAP_SIZE);
    if (!in.contains(FLINK_SIZE)) {
      return;
    }
    MemorySize flink = in.size(FLINK_SIZE);
    if (in.contains(OFF_HEAP_SIZE)) {
      if (heap.add(offHeap).bytes() != flink.bytes()) {
        throw heapAndOffHeapMismatch(flink);
      }
    } else {
      if (flink.bytes() < heap.bytes()) {
        throw InvalidMemoryConfigurationException.tooSmall(
            "The JVM heap " + heap + " (" + in.describe(HEAP_SIZE) + ") exceeds the total Flink "
                + "memory " + flink + " (" + in.describe(FLINK_SIZE) + ").",
            List.of(HEAP_SIZE.key(), FLINK_SIZE.key()), FLINK_SIZE);
      }
      offHeap = flink.subtract(heap);
      rules.put("offHeap", "remainder: total Flink memory " + flink.bytes() + " minus JVM heap "
          + heap.bytes());
    }
  }

  private InvalidMemoryConfigurationException heapAndOffHeapMismatch(MemorySize flink) {
    String fix = flink.bytes() >= heap.bytes()
        ? "set " + OFF_HEAP_SIZE.key() + " to " + flink.subtract(heap).bytes() + "b, or "
            + FLINK_SIZE.key() + " to " + heap.add(offHeap).bytes() + "b, or unset one of the three."
        : "set " + FLINK_SIZE.key() + " to " + heap.add(offHeap).bytes() + "b, or unset it.";
    return InvalidMemoryConfigurationException.of(
        "The JVM heap (" + in.describe(HEAP_SIZE) + ") plus the off-heap memory ("
            + in.describe(OFF_HEAP_SIZE) + ") is " + heap.add(offHeap) + ", not the total Flink "
            + "memory (" + in.describe(FLINK_SIZE) + ").",
        List.of(HEAP_SIZE.key(), OFF_HEAP_SIZE.key(), FLINK_SIZE.key()), fix);
  }

  private void fromTotalFlink(MemorySize flink) {
    offHeap = explicit("offHeap", OFF_HEAP_SIZE);
    if (flink.compareTo(offHeap) <= 0) {
      throw InvalidMemoryConfigurationException.tooSmall(
          "The total Flink memory " + flink + " (" + flinkSource() + ") is not more than the "
              + "off-heap memory " + offHeap + " (" + in.describe(OFF_HEAP_SIZE) + "), so no JVM "
              + "heap is left.",
          List.of(sizingOption().key(), OFF_HEAP_SIZE.key()), sizingOption());
    }
    heap = flink.subtract(offHeap);
    rules.put("jvmHeap", "remainder: total Flink memory " + flink.bytes() + " minus off-heap "
        + offHeap.bytes());
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

  private MemorySize explicit(String component, MemoryOption option) {
    MemorySize size = in.size(option);
    rules.put(component, in.valueRule(option));
    return size;
  }

  private RangeFraction overheadRange() {
    return in.range(JVM_OVERHEAD_MIN, JVM_OVERHEAD_MAX, JVM_OVERHEAD_FRACTION);
  }

  private MemoryOption sizingOption() {
    return in.contains(FLINK_SIZE) ? FLINK_SIZE : PROCESS_SIZE;
  }

  private String flinkSource() {
    return in.contains(FLINK_SIZE)
        ? in.describe(FLINK_SIZE)
        : "derived from " + in.describe(PROCESS_SIZE);
  }

  private InvalidMemoryConfigurationException notConfigured() {
    return InvalidMemoryConfigurationException.of(
        "No JobManager memory size is configured: set either " + HEAP_SIZE.key() + ", or "
            + FLINK_SIZE.key() + ", or " + PROCESS_SIZE.key() + ".",
        List.of(PROCESS_SIZE.key(), FLINK_SIZE.key(), HEAP_SIZE.key()),
        "set " + PROCESS_SIZE.key() + ", e.g. to 1600m (Flink's default configuration file).");
  }
}
