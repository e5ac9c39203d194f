package io.memflow.cli;

import io.memflow.config.memory.TaskManagerMemorySpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Starts {@code memflow run} again in a JVM with the planned heap, direct memory and metaspace
 * limits, as Flink's launcher starts a TaskManager. Only the process started by {@code
 * bin/memflow} relaunches (never the in-process entry point that tests use, never the child
 * itself, and not when {@code MEMFLOW_NO_RELAUNCH} is set); the child's exit code becomes ours.
 */
final class Launcher {

  static final String CHILD_PROPERTY = "memflow.child";

  /** Set by bin/memflow: the JDK AOT cache the child JVM starts with too. */
  static final String AOT_CACHE_PROPERTY = "memflow.aotCache";

  private static volatile String[] mainArgs;

  private Launcher() {}

  /** Called by {@link Main#main} only: this process may relaunch itself with these arguments. */
  static void allowRelaunch(String[] args) {
    mainArgs = args.clone();
  }

  static boolean shouldRelaunch() {
    return mainArgs != null && System.getProperty(CHILD_PROPERTY) == null
        && System.getenv("MEMFLOW_NO_RELAUNCH") == null;
  }

  /** Runs the same command in a JVM sized by {@code plan}; returns its exit code. */
  static int relaunch(TaskManagerMemorySpec plan) {
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> command = new ArrayList<>();
    command.add(java);
    command.addAll(Arrays.asList(plan.jvmArgs().split(" ")));
    command.add("--enable-native-access=ALL-UNNAMED");
    String cache = System.getProperty(AOT_CACHE_PROPERTY);
    if (cache != null && Files.isRegularFile(Path.of(cache))) {
      command.add("-XX:AOTCache=" + cache); // the same classpath as ours, so the cache fits
    }
    command.add("-D" + CHILD_PROPERTY + "=true");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(Main.class.getName());
    command.addAll(Arrays.asList(mainArgs));
    try {
      Process child = new ProcessBuilder(command).inheritIO().start();
      Runtime.getRuntime().addShutdownHook(new Thread(child::destroy));
      return child.waitFor();
    } catch (IOException e) {
      throw new CommandFailedException("cannot start the TaskManager JVM (" + String.join(" ", command.subList(0, 2))
          + "...): " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 130;
    }
  }
}
