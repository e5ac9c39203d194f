package io.memflow.config.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.memflow.config.Configuration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The worked examples of the facts page (section 1), and the rules they illustrate. */
class WorkedExamplesTest {

  private static final long MIB = 1L << 20;

  private static TaskManagerMemorySpec tm(String... kv) {
    return MemoryPlanner.planTaskManager(config(kv));
  }

  private static Configuration config(String... kv) {
    Configuration c = Configuration.empty();
    for (int i = 0; i < kv.length; i += 2) {
      c = c.with(kv[i], kv[i + 1]);
    }
    return c;
  }

  @Test
  void processSize1728mGivesFlinksOddBytes() {
    TaskManagerMemorySpec s = tm("taskmanager.memory.process.size", "1728m");
    assertThat(s.jvmOverhead().bytes()).isEqualTo(192 * MIB);
    assertThat(s.jvmMetaspace().bytes()).isEqualTo(256 * MIB);
    assertThat(s.totalFlinkMemory().bytes()).isEqualTo(1280 * MIB);
    assertThat(s.managed().bytes()).isEqualTo(536870920L);
    assertThat(s.network().bytes()).isEqualTo(134217730L);
    assertThat(s.taskHeap().bytes()).isEqualTo(402653174L);
    assertThat(s.frameworkHeap().bytes()).isEqualTo(128 * MIB);
    assertThat(s.frameworkOffHeap().bytes()).isEqualTo(128 * MIB);
    assertThat(s.totalProcessMemory().bytes()).isEqualTo(1728 * MIB);
  }

  @Test
  void processSize1728mPrintsFlinksJvmFlags() {
    assertThat(tm("taskmanager.memory.process.size", "1728m").jvmArgs())
        .isEqualTo("-Xmx536870902 -Xms536870902 -XX:MaxDirectMemorySize=268435458 "
            + "-XX:MaxMetaspaceSize=268435456");
  }

  @Test
  void overheadFractionOfProcessWithinItsRange() {
    TaskManagerMemorySpec s = tm("taskmanager.memory.process.size", "1000m",
        "taskmanager.memory.jvm-overhead.min", "64m", "taskmanager.memory.jvm-overhead.max", "128m",
        "taskmanager.memory.jvm-metaspace.size", "96m");
    // "100m": 1000m * 0.1f, where 0.1f widens to 0.10000000149011612, is 104857601.56 bytes.
    assertThat(s.jvmOverhead().bytes()).isEqualTo(104857601L);
    assertThat(s.rules().get("jvmOverhead")).contains("within [64 mb, 128 mb]");
  }

  @Test
  void overheadRaisedToItsMin() {
    TaskManagerMemorySpec s = tm("taskmanager.memory.process.size", "1000m",
        "taskmanager.memory.jvm-overhead.min", "128m", "taskmanager.memory.jvm-overhead.max",
        "256m", "taskmanager.memory.jvm-metaspace.size", "96m");
    assertThat(s.jvmOverhead().bytes()).isEqualTo(128 * MIB);
    assertThat(s.rules().get("jvmOverhead")).contains("raised to the min 128 mb");
  }

  @Test
  void jobManagerProcess1600mGivesOneGibibyteHeap() {
    JobManagerMemorySpec s =
        MemoryPlanner.planJobManager(config("jobmanager.memory.process.size", "1600m"));
    assertThat(s.jvmHeap().bytes()).isEqualTo(1L << 30);
    assertThat(s.offHeap().bytes()).isEqualTo(128 * MIB);
    assertThat(s.jvmOverhead().bytes()).isEqualTo(192 * MIB);
    assertThat(s.jvmArgs()).isEqualTo("-Xmx1073741824 -Xms1073741824 -XX:MaxMetaspaceSize=268435456");
  }

  @Test
  void jobManagerHeapBelowTheRecommendedMinimumIsAcceptedWithANote() {
    JobManagerMemorySpec s = MemoryPlanner.planJobManager(config("jobmanager.memory.heap.size", "64m"));
    assertThat(s.jvmHeap().bytes()).isEqualTo(64 * MIB);
    assertThat(s.rules().get("jvmHeap")).contains("recommended minimum of 128 mb");
  }

  @Test
  void jobManagerDirectMemoryLimitAddsTheFlag() {
    JobManagerMemorySpec s = MemoryPlanner.planJobManager(config(
        "jobmanager.memory.process.size", "1600m",
        "jobmanager.memory.enable-jvm-direct-memory-limit", "true"));
    assertThat(s.jvmArgs()).contains("-XX:MaxDirectMemorySize=134217728");
  }

  @Test
  void deprecatedManagedKeyIsReadWhenTheNewOneIsAbsent() {
    TaskManagerMemorySpec s = tm("taskmanager.memory.process.size", "1728m",
        "taskmanager.memory.size", "300m");
    assertThat(s.managed().bytes()).isEqualTo(300 * MIB);
    assertThat(s.rules().get("managed")).contains("deprecated key");
  }

  @Test
  void fineGrainedPathDerivesNetworkFromTheOthers() {
    TaskManagerMemorySpec s = tm("taskmanager.memory.task.heap.size", "512m",
        "taskmanager.memory.managed.size", "512m");
    // network = cap((128m + 128m + 512m + 0 + 512m) * f/(1-f)), f = 0.1f widened, in double
    double widened = 0.1f;
    assertThat(s.network().bytes()).isEqualTo(
        new io.memflow.config.MemorySize(1280 * MIB).multiply(widened / (1 - widened)).bytes());
    assertThat(s.rules().get("network")).contains("f/(1-f)");
  }

  @Test
  void nothingConfiguredNamesTheThreeWays() {
    assertThatThrownBy(() -> tm())
        .isInstanceOf(InvalidMemoryConfigurationException.class)
        .hasMessageContaining("taskmanager.memory.process.size")
        .hasMessageContaining("taskmanager.memory.flink.size")
        .hasMessageContaining("taskmanager.memory.task.heap.size");
  }

  @Test
  void tooSmallProcessProposesTheSmallestThatWorks() {
    InvalidMemoryConfigurationException e = (InvalidMemoryConfigurationException) org.assertj.core.api.Assertions
        .catchThrowable(() -> tm("taskmanager.memory.process.size", "600m"));
    assertThat(e.keys()).contains("taskmanager.memory.process.size");
    assertThat(e.fix()).startsWith("set taskmanager.memory.process.size to at least");
    long smallest = Long.parseLong(e.fix().replaceAll(".*works is (\\d+)b.*", "$1"));
    assertThat(tm("taskmanager.memory.process.size", smallest + "b").totalProcessMemory().bytes())
        .isEqualTo(smallest);
    assertThatThrownBy(() -> tm("taskmanager.memory.process.size", (smallest - 1) + "b"))
        .isInstanceOf(InvalidMemoryConfigurationException.class);
  }

  @Test
  void fixedPartsExceedingFlinkSizeProposeALargerFlinkSize() {
    Map<String, String> c = Map.of("taskmanager.memory.flink.size", "1g",
        "taskmanager.memory.task.heap.size", "900m");
    InvalidMemoryConfigurationException e = (InvalidMemoryConfigurationException) org.assertj.core.api.Assertions
        .catchThrowable(() -> MemoryPlanner.planTaskManager(Configuration.of(c)));
    assertThat(e.problem()).contains("900 mb").contains("1 gb");
    assertThat(e.fix()).contains("taskmanager.memory.flink.size");
    long smallest = Long.parseLong(e.fix().replaceAll(".*works is (\\d+)b.*", "$1"));
    Configuration fixed = Configuration.of(c).with("taskmanager.memory.flink.size", smallest + "b");
    // managed = 0.4f of flink, network its rest (>= 64m): smallest flink = (900m + 256m + 64m) / 0.6
    assertThat(MemoryPlanner.planTaskManager(fixed).totalFlinkMemory().bytes()).isEqualTo(smallest);
    assertThat(smallest).isBetween((1220 * MIB * 10) / 6 - 64, (1220 * MIB * 10) / 6 + 64);
  }
}
