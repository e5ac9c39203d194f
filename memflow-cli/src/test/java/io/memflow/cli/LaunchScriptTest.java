package io.memflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * How {@code bin/memflow} starts the JVM, run in bash on a copy of the scripts with a built jar
 * and AOT cache in place (so nothing is built) and a fake JDK whose {@code java} prints its
 * arguments: {@code run} starts with the remembered limits when they are four plain limit flags,
 * and with the launcher's quick flags otherwise; each job with its own AOT cache.
 */
class LaunchScriptTest {

  private static final Path BIN = Path.of("..", "bin").toAbsolutePath().normalize();
  private static final String LIMITS = "-Xmx335544320 -Xms335544320 -XX:MaxDirectMemorySize=201326592 "
      + "-XX:MaxMetaspaceSize=268435456";
  private static final List<String> QUICK = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-XX:TypeProfileLevel=0");
  /** The flags of the launcher that a job's JVM does not start with. */
  private static final List<String> QUICK_ONLY = QUICK.subList(0, 2);
  /** The JIT flags of a job's JVM that the launcher does not start with. */
  private static final List<String> JOB_ONLY_JIT = List.of("-XX:FreqInlineSize=100", "-XX:-UseTypeSpeculation");
  private static final List<String> JOB_JIT = List.of("-XX:FreqInlineSize=100", "-XX:-UseTypeSpeculation",
      "-XX:TypeProfileLevel=0");
  private static final String JOB_JIT_PROPERTY = "-Dmemflow.jobJvmFlags=" + String.join(" ", JOB_JIT);

  @TempDir Path dir;
  private Path root;
  private Path planFile;
  private Path javaHome;

  @BeforeEach
  void copyTheScriptsAndFakeABuild() throws IOException {
    root = dir.resolve("memflow");
    Path lib = Files.createDirectories(root.resolve("bin/lib"));
    executable(root.resolve("bin/memflow"), Files.readString(BIN.resolve("memflow")));
    for (String script : List.of("jdk.sh", "build.sh", "limits.sh")) {
      Files.copy(BIN.resolve("lib").resolve(script), lib.resolve(script));
    }
    Path target = Files.createDirectories(root.resolve("memflow-cli/target"));
    Files.writeString(target.resolve("memflow.jar"), "");
    for (String name : List.of("memflow", "memflow-default", "memflow-aggregate", "memflow-sort", "memflow-join")) {
      Path cache = Files.writeString(target.resolve(name + ".aot"), "");
      Files.setLastModifiedTime(cache, FileTime.fromMillis(System.currentTimeMillis() + 60_000));
    }
    planFile = target.resolve("last-plan.jvmargs");
    javaHome = Files.createDirectories(dir.resolve("jdk/bin")).getParent();
    Files.writeString(javaHome.resolve("release"), "JAVA_VERSION=\"25.0.1\"\n");
    executable(javaHome.resolve("bin/javac"), "#!/bin/sh\nexit 0\n");
    executable(javaHome.resolve("bin/java"), "#!/bin/sh\nfor a in \"$@\"; do echo \"$a\"; done\n");
  }

  @Test
  void aFirstRunStartsTheQuickLauncherAndNamesTheFileToRemember() throws Exception {
    List<String> args = memflow(Map.of(), "run", "--rows", "10");
    assertThat(args).containsSubsequence(QUICK).contains("-Dmemflow.planFile=" + planFile, JOB_JIT_PROPERTY)
        .noneMatch(a -> a.startsWith("-Xm")).doesNotContainAnyElementsOf(JOB_ONLY_JIT);
    assertThat(args.subList(args.size() - 3, args.size())).containsExactly("run", "--rows", "10");
  }

  @Test
  void aRunStartsWithTheRememberedLimitsInsteadOfTheQuickFlags() throws Exception {
    Files.writeString(planFile, LIMITS + "\n");
    List<String> args = memflow(Map.of(), "run", "--rows", "10");
    assertThat(args).containsSubsequence(List.of(LIMITS.split(" "))).contains("-Dmemflow.planFile=" + planFile)
        .containsSubsequence(JOB_JIT).contains(JOB_JIT_PROPERTY).doesNotContainAnyElementsOf(QUICK_ONLY);
  }

  @ParameterizedTest
  @ValueSource(strings = {
    "", "\n", "garbage", "-Xmx335544320", LIMITS + " -XX:+UseSerialGC",
    "-Xmx1g -Xms1g -XX:MaxDirectMemorySize=201326592 -XX:MaxMetaspaceSize=268435456",
    "-Xmx335544320 -Xmx335544320 -XX:MaxDirectMemorySize=201326592 -XX:MaxMetaspaceSize=268435456",
    "-Xmx335544320 -Xms16777216 -XX:MaxDirectMemorySize=201326592 -XX:MaxMetaspaceSize=268435456",
    "-Xmx0335544320 -Xms0335544320 -XX:MaxDirectMemorySize=201326592 -XX:MaxMetaspaceSize=268435456",
    "-Xmx9999999999999 -Xms9999999999999 -XX:MaxDirectMemorySize=201326592 -XX:MaxMetaspaceSize=268435456",
    "-Xmx99999999999999999999 -Xms99999999999999999999 -XX:MaxDirectMemorySize=1 -XX:MaxMetaspaceSize=268435456",
    "-Xmx335544320 -Xms335544320 -XX:MaxDirectMemorySize=201326592 -XX:MaxMetaspaceSize=1048576",
    "-Xmx335544320;touch${IFS}pwned -Xms335544320 -XX:MaxDirectMemorySize=201326592 -XX:MaxMetaspaceSize=268435456",
    "-Xmx335544320 -Xms335544320 -XX:MaxDirectMemorySize=201326592 -XX:MaxMetaspaceSize=2684354 56",
  })
  void aRememberedFileThatIsNotFourPlainLimitFlagsStartsTheQuickLauncher(String content) throws Exception {
    Files.writeString(planFile, content);
    List<String> args = memflow(Map.of(), "run", "--rows", "10");
    assertThat(args).containsSubsequence(QUICK).noneMatch(a -> a.startsWith("-Xm") || a.startsWith("-XX:Max"));
    assertThat(dir.resolve("pwned")).doesNotExist();
  }

  @Test
  void otherCommandsStartTheQuickLauncherWhateverIsRemembered() throws Exception {
    Files.writeString(planFile, LIMITS + "\n");
    List<String> args = memflow(Map.of(), "plan", "taskmanager");
    assertThat(args).containsSubsequence(QUICK).doesNotContainAnyElementsOf(JOB_ONLY_JIT)
        .noneMatch(a -> a.startsWith("-Xm") || a.startsWith("-Dmemflow.planFile") || a.startsWith("-Dmemflow.jobJvmFlags"));
  }

  @Test
  void noRelaunchRunsWithTheJobsJitFlagsAndRemembersNothing() throws Exception {
    Files.writeString(planFile, LIMITS + "\n");
    List<String> args = memflow(Map.of("MEMFLOW_NO_RELAUNCH", "1"), "run", "--rows", "10");
    assertThat(args).doesNotContainAnyElementsOf(QUICK_ONLY).containsSubsequence(JOB_JIT)
        .noneMatch(a -> a.startsWith("-Xm") || a.startsWith("-Dmemflow.planFile"));
  }

  @Test
  void javaOptionsOfTheUserKeepTheLauncherAsItWas() throws Exception {
    Files.writeString(planFile, LIMITS + "\n");
    List<String> args = memflow(Map.of("MEMFLOW_JAVA_OPTS", "-Xss2m"), "run", "--rows", "10");
    assertThat(args).containsSubsequence(QUICK).contains("-Xss2m").noneMatch(a -> a.startsWith("-Xm"));
  }

  @Test
  void aCollectorChosenInTheJavaOptionsReplacesTheLaunchersSerialCollector() throws Exception {
    List<String> args = memflow(Map.of("MEMFLOW_JAVA_OPTS", "-Xss2m -XX:+UseParallelGC"), "run", "--rows", "10");
    assertThat(args).contains("-XX:TieredStopAtLevel=1", "-XX:+UseParallelGC").doesNotContain("-XX:+UseSerialGC");
  }

  @ParameterizedTest
  @CsvSource({
    "run --rows 10, memflow-default.aot",
    "run, memflow-default.aot",
    "run aggregate --input x.csv, memflow-aggregate.aot",
    "run sort --input x.csv, memflow-sort.aot",
    "run join --left x.csv, memflow-join.aot",
    "run generate --rows 10, memflow.aot",
    "plan taskmanager, memflow.aot",
    "--version, memflow.aot",
  })
  void eachJobStartsWithItsOwnCacheAndEveryOtherCommandWithTheGeneralOne(String command, String cache)
      throws Exception {
    Path file = root.resolve("memflow-cli/target").resolve(cache);
    List<String> args = memflow(Map.of(), command.split(" "));
    assertThat(args).contains("-XX:AOTCache=" + file, "-Dmemflow.aotCache=" + file)
        .filteredOn(a -> a.startsWith("-XX:AOTCache=")).hasSize(1);
  }

  /** The arguments bin/memflow starts java with, one per element. */
  private List<String> memflow(Map<String, String> env, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("bash", root.resolve("bin/memflow").toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
    builder.environment().keySet().removeIf(k -> k.startsWith("MEMFLOW_"));
    builder.environment().put("JAVA_HOME", javaHome.toString());
    builder.environment().putAll(env);
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(output).isZero();
    assertThat(output).as("nothing built").doesNotContain("building", "preparing");
    return output.lines().toList();
  }

  private static void executable(Path file, String text) throws IOException {
    Files.writeString(file, text);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
  }
}
