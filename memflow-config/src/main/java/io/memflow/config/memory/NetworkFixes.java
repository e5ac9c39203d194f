package io.memflow.config.memory;

import io.memflow.config.Configuration;
import io.memflow.config.MemorySize;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.LongFunction;

/**
 * Finds configuration changes that give a TaskManager at least a given network memory, each
 * verified by planning the changed configuration. Stateless.
 */
final class NetworkFixes {

  private static final long MIB = 1L << 20;
  private static final long SEARCH_LIMIT_MIB = 1L << 30;

  private NetworkFixes() {}

  static List<String> suggest(Configuration config, TaskManagerMemorySpec tm, MemorySize needed) {
    List<String> fixes = new ArrayList<>();
    long neededMib = (needed.bytes() + MIB - 1) / MIB;
    networkMin(config, neededMib).ifPresent(fixes::add);
    fraction(config, tm, needed).ifPresent(fixes::add);
    for (MemoryOption size : List.of(TaskManagerOptions.FLINK_SIZE, TaskManagerOptions.PROCESS_SIZE)) {
      if (config.contains(size.key())) {
        smallestSize(config, size, needed).ifPresent(fixes::add);
        break;
      }
    }
    return fixes;
  }

  private static Optional<String> networkMin(Configuration config, long neededMib) {
    Configuration changed = config.with(TaskManagerOptions.NETWORK_MIN.key(), neededMib + "m");
    String fix = "-D " + TaskManagerOptions.NETWORK_MIN.key() + "=" + neededMib + "m";
    if (!gives(changed, neededMib * MIB)) {
      changed = changed.with(TaskManagerOptions.NETWORK_MAX.key(), neededMib + "m");
      fix += " -D " + TaskManagerOptions.NETWORK_MAX.key() + "=" + neededMib + "m";
    }
    return gives(changed, neededMib * MIB) ? Optional.of(fix) : Optional.empty();
  }

  private static Optional<String> fraction(
      Configuration config, TaskManagerMemorySpec tm, MemorySize needed) {
    double flink = tm.totalFlinkMemory().bytes();
    for (int thousandths = (int) Math.ceil(needed.bytes() / flink * 1000); thousandths < 1000;
        thousandths++) {
      String f = String.format(Locale.ROOT, "%.3f", thousandths / 1000.0);
      Configuration changed = config.with(TaskManagerOptions.NETWORK_FRACTION.key(), f);
      if (gives(changed, needed.bytes())) {
        return Optional.of("-D " + TaskManagerOptions.NETWORK_FRACTION.key() + "=" + f);
      }
      if (thousandths > 0 && !valid(changed)) {
        break;
      }
    }
    return Optional.empty();
  }

  /** Network memory grows with the total size on the fraction paths; the result is verified. */
  private static Optional<String> smallestSize(
      Configuration config, MemoryOption option, MemorySize needed) {
    LongFunction<Configuration> withMib = mib -> config.with(option.key(), mib + "m");
    if (!gives(withMib.apply(SEARCH_LIMIT_MIB), needed.bytes())) {
      return Optional.empty();
    }
    long lo = 1;
    long hi = SEARCH_LIMIT_MIB;
    while (lo < hi) {
      long mid = lo + (hi - lo) / 2;
      if (networkAtLeast(withMib.apply(mid), needed.bytes())) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    return gives(withMib.apply(lo), needed.bytes())
        ? Optional.of("-D " + option.key() + "=" + lo + "m")
        : Optional.empty();
  }

  private static boolean networkAtLeast(Configuration config, long bytes) {
    try {
      return MemoryPlanner.planTaskManager(config).network().bytes() >= bytes;
    } catch (InvalidMemoryConfigurationException e) {
      return e.hint() != null && !e.hint().tooSmall();
    }
  }

  private static boolean gives(Configuration config, long bytes) {
    try {
      return MemoryPlanner.planTaskManager(config).network().bytes() >= bytes;
    } catch (InvalidMemoryConfigurationException e) {
      return false;
    }
  }

  private static boolean valid(Configuration config) {
    try {
      MemoryPlanner.planTaskManager(config);
      return true;
    } catch (InvalidMemoryConfigurationException e) {
      return false;
    }
  }
}
