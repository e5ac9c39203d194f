package io.memflow.config.memory;

import static org.assertj.core.api.Assertions.assertThat;

import io.memflow.config.Configuration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.runtime.clusterframework.TaskExecutorProcessSpec;
import org.apache.flink.runtime.clusterframework.TaskExecutorProcessUtils;
import org.apache.flink.runtime.jobmanager.JobManagerProcessSpec;
import org.apache.flink.runtime.jobmanager.JobManagerProcessUtils;
import org.junit.jupiter.api.Test;

/**
 * Plans random configurations with memflow and with Flink 2.3's own utilities and demands the
 * same answer: the same configurations rejected, and for the rest every component equal to the
 * byte, the same JVM flags and the same dynamic properties. A configuration counts as rejected
 * by Flink when any step of Flink's pipeline throws: deriving the spec, reading its totals, or
 * printing its flags and properties (a spec whose parts add up to more than 2^63-1 bytes is
 * derived by Flink but cannot report its total process memory; memflow rejects it).
 */
class FlinkDifferentialTest {

  static final int CONFIGS_PER_KIND = Integer.getInteger("memflow.differential.configs", 30_000);

  @Test
  void taskManagerPlansEqualFlinksOnRandomConfigurations() {
    RandomConfigs configs = new RandomConfigs(20260101L);
    Tally tally = new Tally();
    for (int i = 0; i < CONFIGS_PER_KIND; i++) {
      Map<String, String> raw = configs.taskManager();
      tally.add(taskManagerPath(raw), raw, compareTaskManager(raw));
    }
    tally.assertAgreedWithMixOfOutcomes();
  }

  @Test
  void jobManagerPlansEqualFlinksOnRandomConfigurations() {
    RandomConfigs configs = new RandomConfigs(20260202L);
    Tally tally = new Tally();
    for (int i = 0; i < CONFIGS_PER_KIND; i++) {
      Map<String, String> raw = configs.jobManager();
      tally.add(jobManagerPath(raw), raw, compareJobManager(raw));
    }
    tally.assertAgreedWithMixOfOutcomes();
  }

  private static String taskManagerPath(Map<String, String> raw) {
    String p = "taskmanager.memory.";
    if (raw.containsKey(p + "task.heap.size")
        && (raw.containsKey(p + "managed.size") || raw.containsKey("taskmanager.memory.size"))) {
      return "fine-grained";
    }
    return raw.containsKey(p + "flink.size") ? "flink.size"
        : raw.containsKey(p + "process.size") ? "process.size" : "none";
  }

  private static String jobManagerPath(Map<String, String> raw) {
    String p = "jobmanager.memory.";
    return raw.containsKey(p + "heap.size") ? "heap.size"
        : raw.containsKey(p + "flink.size") ? "flink.size"
        : raw.containsKey(p + "process.size") ? "process.size" : "none";
  }

  /** Returns null when both reject, "" when both plan identically, else the difference. */
  private static String compareTaskManager(Map<String, String> raw) {
    List<String> ours = ours(raw, true);
    List<String> flink = flinkTaskManager(raw);
    return verdict(ours, flink);
  }

  private static String compareJobManager(Map<String, String> raw) {
    List<String> ours = ours(raw, false);
    List<String> flink = flinkJobManager(raw);
    return verdict(ours, flink);
  }

  private static String verdict(List<String> ours, List<String> flink) {
    if (ours == null && flink == null) {
      return null;
    }
    if (ours != null && ours.equals(flink)) {
      return "";
    }
    return "memflow " + (ours == null ? "rejected" : ours) + "\nFlink   "
        + (flink == null ? "rejected" : flink);
  }

  private static List<String> ours(Map<String, String> raw, boolean taskManager) {
    try {
      Configuration config = Configuration.of(raw);
      if (taskManager) {
        TaskManagerMemorySpec s = MemoryPlanner.planTaskManager(config);
        return List.of(
            bytes(s.frameworkHeap().bytes(), s.taskHeap().bytes(), s.frameworkOffHeap().bytes(),
                s.taskOffHeap().bytes(), s.network().bytes(), s.managed().bytes(),
                s.jvmMetaspace().bytes(), s.jvmOverhead().bytes(), s.totalFlinkMemory().bytes(),
                s.totalProcessMemory().bytes()),
            s.jvmArgs(),
            s.dynamicProperties());
      }
      JobManagerMemorySpec s = MemoryPlanner.planJobManager(config);
      return List.of(
          bytes(s.jvmHeap().bytes(), s.offHeap().bytes(), s.jvmMetaspace().bytes(),
              s.jvmOverhead().bytes(), s.totalFlinkMemory().bytes(),
              s.totalProcessMemory().bytes()),
          s.jvmArgs(),
          s.dynamicProperties());
    } catch (InvalidMemoryConfigurationException e) {
      return null;
    }
  }

  private static List<String> flinkTaskManager(Map<String, String> raw) {
    try {
      return flinkTaskManagerOrThrow(raw);
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static List<String> flinkTaskManagerOrThrow(Map<String, String> raw) {
    TaskExecutorProcessSpec s =
        TaskExecutorProcessUtils.processSpecFromConfig(
            org.apache.flink.configuration.Configuration.fromMap(raw));
    var f = s.getFlinkMemory();
    return List.of(
        bytes(f.getFrameworkHeap().getBytes(), f.getTaskHeap().getBytes(),
            f.getFrameworkOffHeap().getBytes(), f.getTaskOffHeap().getBytes(),
            f.getNetwork().getBytes(), f.getManaged().getBytes(), s.getJvmMetaspaceSize().getBytes(),
            s.getJvmOverheadSize().getBytes(), s.getTotalFlinkMemorySize().getBytes(),
            s.getTotalProcessMemorySize().getBytes()),
        org.apache.flink.runtime.util.config.memory.ProcessMemoryUtils.generateJvmParametersStr(s),
        TaskExecutorProcessUtils.generateDynamicConfigsStr(s));
  }

  private static List<String> flinkJobManager(Map<String, String> raw) {
    try {
      var config = org.apache.flink.configuration.Configuration.fromMap(raw);
      JobManagerProcessSpec s = JobManagerProcessUtils.processSpecFromConfig(config);
      return List.of(
          bytes(s.getJvmHeapMemorySize().getBytes(), s.getJvmDirectMemorySize().getBytes(),
              s.getJvmMetaspaceSize().getBytes(), s.getJvmOverheadSize().getBytes(),
              s.getTotalFlinkMemorySize().getBytes(), s.getTotalProcessMemorySize().getBytes()),
          JobManagerProcessUtils.generateJvmParametersStr(s, config),
          JobManagerProcessUtils.generateDynamicConfigsStr(s));
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static String bytes(long... values) {
    return java.util.Arrays.toString(values);
  }

  /** Counts outcomes per derivation path and keeps the first few disagreements. */
  private static final class Tally {
    int bothValid;
    int bothRejected;
    final Map<String, int[]> perPath = new java.util.TreeMap<>();
    final List<String> disagreements = new ArrayList<>();

    void add(String path, Map<String, String> raw, String verdict) {
      int[] counts = perPath.computeIfAbsent(path, k -> new int[2]);
      if (verdict == null) {
        bothRejected++;
        counts[1]++;
      } else if (verdict.isEmpty()) {
        bothValid++;
        counts[0]++;
      } else if (disagreements.size() < 10) {
        disagreements.add(raw + "\n" + verdict);
      } else {
        disagreements.add("...");
      }
    }

    void assertAgreedWithMixOfOutcomes() {
      assertThat(disagreements).as("configurations where memflow and Flink differ").isEmpty();
      // Every derivation path must see both outcomes, or agreement on it proves little.
      perPath.forEach((path, counts) -> {
        if (!path.equals("none")) {
          assertThat(counts[0]).as("valid on path " + path).isGreaterThan(CONFIGS_PER_KIND / 100);
          assertThat(counts[1]).as("rejected on path " + path).isGreaterThan(CONFIGS_PER_KIND / 100);
        }
      });
      assertThat(perPath).containsKey("none");
      assertThat(bothValid).isGreaterThan(CONFIGS_PER_KIND / 8);
      assertThat(bothRejected).isGreaterThan(CONFIGS_PER_KIND / 10);
      StringBuilder line = new StringBuilder();
      perPath.forEach((path, c) -> line.append(String.format(" %s %d/%d", path, c[0], c[1])));
      System.out.printf("differential: %d configurations, %d valid, %d rejected by both;"
          + " valid/rejected per path:%s%n", bothValid + bothRejected, bothValid, bothRejected, line);
    }
  }
}
