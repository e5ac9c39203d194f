package io.memflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.memflow.config.Configuration;
import io.memflow.config.memory.MemoryPlanner;
import io.memflow.config.memory.TaskManagerMemorySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The decision whether a JVM started with some flags already has a plan's limits. */
class JvmLimitsTest {

  private static final List<String> PLANNED = List.of("-Xmx335544320", "-Xms335544320",
      "-XX:MaxDirectMemorySize=201326592", "-XX:MaxMetaspaceSize=268435456");

  private static List<String> args(String... flags) {
    return Arrays.asList(flags);
  }

  private static List<String> plannedAnd(String... more) {
    List<String> all = new ArrayList<>(PLANNED);
    all.addAll(Arrays.asList(more));
    return all;
  }

  @Test
  void exactlyThePlannedFlagsMatch() {
    assertThat(JvmLimits.setBy(PLANNED, PLANNED)).isTrue();
  }

  @Test
  void thePlanOfARealConfigurationMatchesItsOwnFlagsAndNotAnotherPlans() {
    List<String> small = flags(plan("1g"));
    assertThat(small).hasSize(4);
    assertThat(JvmLimits.setBy(small, small)).isTrue();
    assertThat(JvmLimits.setBy(small, flags(plan("2g")))).isFalse();
  }

  @Test
  void unrelatedFlagsAndPropertiesAroundThemDoNotMatter() {
    List<String> input = new ArrayList<>(List.of("--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC"));
    input.addAll(PLANNED);
    input.addAll(List.of("-XX:AOTCache=/x/memflow.aot", "-Dmemflow.planFile=/x/last-plan.jvmargs", "-Xss2m"));
    assertThat(JvmLimits.setBy(input, PLANNED)).isTrue();
  }

  @Test
  void eachMissingLimitIsAMismatch() {
    for (int i = 0; i < PLANNED.size(); i++) {
      List<String> input = new ArrayList<>(PLANNED);
      String missing = input.remove(i);
      assertThat(JvmLimits.setBy(input, PLANNED)).as("without " + missing).isFalse();
    }
  }

  @Test
  void aDifferentValueIsAMismatch() {
    assertThat(JvmLimits.setBy(args("-Xmx335544321", "-Xms335544320", "-XX:MaxDirectMemorySize=201326592",
        "-XX:MaxMetaspaceSize=268435456"), PLANNED)).isFalse();
    assertThat(JvmLimits.setBy(args("-Xmx335544320", "-Xms335544320", "-XX:MaxDirectMemorySize=201326592",
        "-XX:MaxMetaspaceSize=134217728"), PLANNED)).isFalse();
  }

  @Test
  void theSameSizeWrittenWithAUnitIsAMismatchThatOnlyCostsARelaunch() {
    assertThat(JvmLimits.setBy(args("-Xmx320m", "-Xms335544320", "-XX:MaxDirectMemorySize=201326592",
        "-XX:MaxMetaspaceSize=268435456"), PLANNED)).isFalse();
  }

  @Test
  void aLaterFlagOverridesThePlannedOneAsInTheJvm() {
    assertThat(JvmLimits.setBy(plannedAnd("-Xmx1g"), PLANNED)).isFalse();
    assertThat(JvmLimits.setBy(plannedAnd("-XX:MaxDirectMemorySize=1"), PLANNED)).isFalse();
    assertThat(JvmLimits.setBy(plannedAnd("-XX:MaxHeapSize=1073741824"), PLANNED)).isFalse();
    assertThat(JvmLimits.setBy(plannedAnd("-XX:InitialHeapSize=1073741824"), PLANNED)).isFalse();
  }

  @Test
  void anEarlierFlagThatTheLaterPlannedOneOverridesIsFine() {
    List<String> input = new ArrayList<>(List.of("-Xmx4g", "-XX:MaxMetaspaceSize=1", "-XX:MaxHeapSize=1"));
    input.addAll(PLANNED);
    assertThat(JvmLimits.setBy(input, PLANNED)).isTrue();
  }

  @Test
  void theLongNameOfALimitCountsAsIt() {
    assertThat(JvmLimits.setBy(args("-XX:MaxHeapSize=335544320", "-XX:InitialHeapSize=335544320",
        "-XX:MaxDirectMemorySize=201326592", "-XX:MaxMetaspaceSize=268435456"), PLANNED)).isTrue();
  }

  @Test
  void aLimitThePlanLeavesUnsetMustBeUnset() {
    List<String> planned = args("-Xmx335544320", "-Xms335544320", "-XX:MaxMetaspaceSize=268435456");
    assertThat(JvmLimits.setBy(planned, planned)).isTrue();
    assertThat(JvmLimits.setBy(PLANNED, planned)).isFalse();
  }

  @Test
  void flagsFromAFileHideWhatTheySetSoTheyNeverMatch() {
    assertThat(JvmLimits.setBy(plannedAnd("-XX:Flags=/tmp/f"), PLANNED)).isFalse();
    assertThat(JvmLimits.setBy(plannedAnd("-XX:VMOptionsFile=/tmp/f"), PLANNED)).isFalse();
  }

  @Test
  void aPlannedFlagThatIsNoLimitNeverMatches() {
    List<String> planned = plannedAnd("-XX:+UseSerialGC");
    assertThat(JvmLimits.setBy(planned, planned)).isFalse();
  }

  @Test
  void theMaximumHeapMustBeCloseToThePlannedHeap() {
    long heap = 335_544_320;
    assertThat(JvmLimits.heapConsistent(heap, heap)).isTrue();
    assertThat(JvmLimits.heapConsistent(heap - heap / 10, heap)).as("a survivor space left out").isTrue();
    assertThat(JvmLimits.heapConsistent(heap + (4 << 20), heap)).as("rounded up to a region").isTrue();
    assertThat(JvmLimits.heapConsistent(heap / 2, heap)).isFalse();
    assertThat(JvmLimits.heapConsistent(4L * heap, heap)).isFalse();
    assertThat(JvmLimits.heapConsistent(Long.MAX_VALUE, heap)).as("no -Xmx at all, some collectors").isFalse();
  }

  @Test
  void thisTestJvmHasNotThePlannedLimits() {
    assertThat(Launcher.hasLimitsOf(plan("1g"))).isFalse();
  }

  private static TaskManagerMemorySpec plan(String processSize) {
    return MemoryPlanner.planTaskManager(Configuration.empty().with("taskmanager.memory.process.size", processSize));
  }

  private static List<String> flags(TaskManagerMemorySpec plan) {
    return Arrays.asList(plan.jvmArgs().split(" "));
  }
}
