package io.memflow.config.memory;

import io.memflow.config.MemorySize;
import java.util.List;

/**
 * JVM overhead when total process memory is set together with a smaller component (total Flink
 * memory or the fine-grained sizes): the rest of the process, which must lie in the overhead
 * range. Shared by the TaskManager and JobManager derivations; stateless.
 */
final class ProcessRemainder {

  private ProcessRemainder() {}

  static MemorySize overhead(
      OptionReader in,
      MemoryOption processOption,
      MemorySize flink,
      MemorySize metaspace,
      RangeFractionSupplier overheadRange) {
    MemorySize process = in.size(processOption);
    MemorySize flinkAndMetaspace = flink.add(metaspace);
    if (process.bytes() < flinkAndMetaspace.bytes()) {
      throw InvalidMemoryConfigurationException.tooSmall(
          "The total process memory " + process + " (" + in.describe(processOption)
              + ") is less than the total Flink memory " + flink + " plus the JVM metaspace "
              + metaspace + ".",
          List.of(processOption.key()),
          processOption);
    }
    MemorySize overhead = process.subtract(flinkAndMetaspace);
    RangeFraction range = overheadRange.get();
    if (!range.contains(overhead)) {
      throw outOfRange(process, processOption, flinkAndMetaspace, overhead, range);
    }
    return overhead;
  }

  private static InvalidMemoryConfigurationException outOfRange(
      MemorySize process,
      MemoryOption processOption,
      MemorySize flinkAndMetaspace,
      MemorySize overhead,
      RangeFraction range) {
    String prefix = processOption.key().substring(0, processOption.key().indexOf("process.size"));
    String problem = "The JVM overhead is the rest of the total process memory " + process
        + " after the total Flink memory and the JVM metaspace (" + flinkAndMetaspace + "), "
        + overhead + ", which is outside the overhead range [" + range.min() + ", " + range.max()
        + "] (" + prefix + "jvm-overhead.min, " + prefix + "jvm-overhead.max).";
    List<String> keys =
        List.of(processOption.key(), prefix + "jvm-overhead.min", prefix + "jvm-overhead.max");
    String fix = "set " + processOption.key() + " to between "
        + flinkAndMetaspace.add(range.min()).bytes() + "b and "
        + saturatedAdd(flinkAndMetaspace, range.max()) + "b, or set the overhead range to include "
        + overhead.bytes() + "b.";
    if (overhead.bytes() < range.min().bytes()) {
      return InvalidMemoryConfigurationException.of(problem, keys, fix);
    }
    return InvalidMemoryConfigurationException.tooLarge(problem, keys, fix, processOption);
  }

  private static long saturatedAdd(MemorySize a, MemorySize b) {
    long sum = a.bytes() + b.bytes();
    return sum < 0 ? Long.MAX_VALUE : sum;
  }

  /** Reads the overhead range only when it is needed, as Flink does. */
  @FunctionalInterface
  interface RangeFractionSupplier {
    RangeFraction get();
  }
}
