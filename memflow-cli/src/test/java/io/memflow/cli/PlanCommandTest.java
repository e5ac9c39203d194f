package io.memflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.memflow.config.Configuration;
import io.memflow.config.memory.MemoryPlanner;
import io.memflow.config.memory.TaskManagerMemorySpec;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlanCommandTest {

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();
  @TempDir Path dir;

  private int run(String... args) {
    return Main.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
  }

  private static final String TM_1728M = "taskmanager.memory.process.size=1728m";

  @Test
  void tableShowsEveryComponentWithExactBytesABarAndTheFlags() {
    assertThat(run("plan", "taskmanager", "-D", TM_1728M)).isZero();
    String table = out.toString();
    assertThat(table)
        .contains("Managed").contains("536870920 bytes")
        .contains("Network").contains("134217730 bytes")
        .contains("Task heap").contains("402653174 bytes")
        .contains("Total process memory").contains("1811939328 bytes")
        .contains("JVM flags: -Xmx536870902 -Xms536870902 -XX:MaxDirectMemorySize=268435458 "
            + "-XX:MaxMetaspaceSize=268435456")
        .doesNotContain("\u001b[");
    String bar = table.lines().filter(l -> l.trim().startsWith("[")).findFirst().orElseThrow();
    assertThat(bar.trim()).hasSize(MemoryTable.BAR_WIDTH + 2);
    // managed is 536870920 / 1811939328 of the process: 19 of 64 cells
    assertThat(bar.chars().filter(c -> c == 'M').count()).isEqualTo(19);
  }

  @Test
  void barIsColouredOnlyWhenAskedFor() {
    var spec = MemoryPlanner.planTaskManager(
        Configuration.empty().with("taskmanager.memory.process.size", "1728m"));
    String plain = new MemoryTable(false, false).bar(spec.components(), spec.totalProcessMemory());
    String coloured = new MemoryTable(false, true).bar(spec.components(), spec.totalProcessMemory());
    assertThat(plain).doesNotContain("\u001b[");
    assertThat(coloured).contains("\u001b[35m" + "M".repeat(19) + "\u001b[0m");
    assertThat(coloured.replaceAll("\u001b\\[[0-9;]*m", "")).isEqualTo(plain);
  }

  @Test
  void explainNamesTheRuleOfEachComponent() {
    assertThat(run("plan", "taskmanager", "-D", TM_1728M, "--explain")).isZero();
    assertThat(out.toString())
        .contains("fraction 0.4000000059604645 of total Flink memory 1342177280")
        .contains("raised to the min 192 mb")
        .contains("remainder: total Flink memory");
  }

  @Test
  void jsonHasTheDocumentedFieldsInBytes() {
    assertThat(run("plan", "taskmanager", "-D", TM_1728M, "--format", "json")).isZero();
    TaskManagerMemorySpec s = MemoryPlanner.planTaskManager(
        Configuration.empty().with("taskmanager.memory.process.size", "1728m"));
    String json = out.toString().trim();
    assertThat(json).startsWith("{").endsWith("}")
        .contains("\"frameworkHeap\": 134217728", "\"taskHeap\": 402653174",
            "\"frameworkOffHeap\": 134217728", "\"taskOffHeap\": 0", "\"network\": 134217730",
            "\"managed\": 536870920", "\"jvmMetaspace\": 268435456", "\"jvmOverhead\": 201326592",
            "\"totalFlinkMemory\": 1342177280", "\"totalProcessMemory\": 1811939328",
            "\"jvmArgs\": \"" + s.jvmArgs() + "\"",
            "\"dynamicProperties\": \"" + s.dynamicProperties() + "\"");
  }

  @Test
  void jobManagerJsonHasItsFields() {
    assertThat(run("plan", "jobmanager", "-Djobmanager.memory.process.size=1600m",
        "--format", "json")).isZero();
    assertThat(out.toString()).contains("\"jvmHeap\": 1073741824", "\"offHeap\": 134217728",
        "\"jvmMetaspace\": 268435456", "\"jvmOverhead\": 201326592",
        "\"totalFlinkMemory\": 1207959552", "\"totalProcessMemory\": 1677721600",
        "\"jvmArgs\": \"-Xmx1073741824 -Xms1073741824 -XX:MaxMetaspaceSize=268435456\"",
        "\"dynamicProperties\": \"-D jobmanager.memory.");
  }

  @Test
  void jvmArgsAndDynamicPropertiesFormatsPrintTheBareStrings() {
    assertThat(run("plan", "taskmanager", "-D", TM_1728M, "--format", "jvm-args")).isZero();
    assertThat(out.toString().trim()).isEqualTo("-Xmx536870902 -Xms536870902 "
        + "-XX:MaxDirectMemorySize=268435458 -XX:MaxMetaspaceSize=268435456");
    out.getBuffer().setLength(0);
    assertThat(run("plan", "taskmanager", "-D", TM_1728M, "--format", "dynamic-properties"))
        .isZero();
    assertThat(out.toString().trim()).startsWith("-D ")
        .contains("-D taskmanager.memory.managed.size=536870920b")
        .contains("-D taskmanager.memory.network.min=134217730b")
        .doesNotContain("\n");
  }

  @Test
  void confDirectoryAndOverrides() throws IOException {
    Files.writeString(dir.resolve("config.yaml"),
        "taskmanager:\n  memory:\n    process.size: 1g\n");
    assertThat(run("plan", "taskmanager", "--conf", dir.toString(), "-D", TM_1728M,
        "--format", "jvm-args")).isZero();
    assertThat(out.toString()).contains("-Xmx536870902");
    Files.writeString(dir.resolve("flink-conf.yaml"), "jobmanager.memory.process.size: 1600m\n");
    out.getBuffer().setLength(0);
    assertThat(run("plan", "jobmanager", "--conf", dir.resolve("flink-conf.yaml").toString(),
        "--format", "jvm-args")).isZero();
    assertThat(out.toString()).contains("-Xmx1073741824");
  }

  @Test
  void invalidConfigurationExitsTwoWithConflictAndComputedFixButNoStackTrace() {
    assertThat(run("plan", "taskmanager", "-D", "taskmanager.memory.process.size=600m")).isEqualTo(2);
    String message = err.toString();
    assertThat(message).startsWith("memflow: invalid TaskManager memory configuration.")
        .contains("taskmanager.memory.process.size = 600m")
        .contains("Fix: set taskmanager.memory.process.size to at least")
        .doesNotContain("Exception").doesNotContain("\tat ");
    long smallest = Long.parseLong(message.replaceAll("(?s).*works is (\\d+)b.*", "$1"));
    out.getBuffer().setLength(0);
    assertThat(run("plan", "taskmanager", "-D", "taskmanager.memory.process.size=" + smallest + "b",
        "--format", "json")).isZero();
    assertThat(out.toString()).contains("\"totalProcessMemory\": " + smallest);
  }

  @Test
  void conflictingJobManagerSizesNameAllThreeOptions() {
    assertThat(run("plan", "jobmanager", "-Djobmanager.memory.heap.size=1g",
        "-Djobmanager.memory.off-heap.size=128m", "-Djobmanager.memory.flink.size=1g")).isEqualTo(2);
    assertThat(err.toString()).contains("jobmanager.memory.heap.size = 1g")
        .contains("jobmanager.memory.off-heap.size = 128m")
        .contains("jobmanager.memory.flink.size = 1g")
        .contains("Fix: set jobmanager.memory.off-heap.size to 0b, or jobmanager.memory.flink.size "
            + "to 1207959552b");
  }

  @Test
  void badValuesFormatsAndFilesAreBadInput() {
    assertThat(run("plan", "taskmanager", "-D", "taskmanager.memory.process.size=lots")).isEqualTo(2);
    assertThat(err.toString()).contains("taskmanager.memory.process.size = 'lots'");
    assertThat(run("plan", "taskmanager", "-D", TM_1728M, "--format", "xml")).isEqualTo(2);
    assertThat(err.toString()).contains("unknown --format 'xml'");
    assertThat(run("plan", "taskmanager", "--conf", dir.resolve("nope").toString())).isEqualTo(2);
    assertThat(err.toString()).contains("nope").doesNotContain("\tat ");
    assertThat(run("plan", "taskmanager")).isEqualTo(2);
    assertThat(err.toString()).contains("No TaskManager memory size is configured");
  }

  @Test
  void networkCommandReportsShortageAndVerifiedFixes() throws IOException {
    Path topology = Files.writeString(dir.resolve("job.yaml"), """
        mode: streaming
        slotsPerTaskManager: 4
        tasks:
          - {name: source, outputs: [200]}
          - {name: window, inputs: [200], outputs: [200]}
          - {name: sink, inputs: [200]}
        """);
    assertThat(run("plan", "network", "--topology", topology.toString(), "-D", TM_1728M)).isZero();
    assertThat(out.toString()).contains("per TaskManager").contains("4816")
        .contains("SHORT").contains("-D taskmanager.memory.network.min=151m");
    out.getBuffer().setLength(0);
    assertThat(run("plan", "network", "--topology", topology.toString(), "-D", TM_1728M,
        "-D", "taskmanager.memory.network.min=151m", "--format", "json")).isZero();
    assertThat(out.toString()).contains("\"requiredBuffers\": 4816").contains("\"sufficient\": true")
        .contains("\"suggestions\": []");
  }

  @Test
  void badTopologyIsBadInput() throws IOException {
    Path topology = Files.writeString(dir.resolve("bad.json"), "{\"mode\": \"warp\", \"tasks\": [{}]}");
    assertThat(run("plan", "network", "--topology", topology.toString(), "-D", TM_1728M))
        .isEqualTo(2);
    assertThat(err.toString()).contains("bad topology").contains("'warp'").doesNotContain("\tat ");
  }

  @Test
  void planWithoutSubcommandPrintsUsage() {
    assertThat(run("plan")).isZero();
    assertThat(out.toString()).contains("taskmanager").contains("jobmanager").contains("network");
  }
}
