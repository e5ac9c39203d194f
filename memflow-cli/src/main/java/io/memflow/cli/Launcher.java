package io.memflow.cli;

import io.memflow.config.memory.TaskManagerMemorySpec;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Makes sure the JVM that runs a job has the planned heap, direct memory and metaspace limits, as
 * Flink's launcher starts a TaskManager: a process started by {@code bin/memflow} (never the
 * in-process entry point that tests use, never the relaunched child itself, and not when {@code
 * MEMFLOW_NO_RELAUNCH} is set) runs the job itself if it was started with exactly those limits,
 * and otherwise starts {@code memflow run} again in a JVM with them; the child's exit code becomes
 * ours. Either way, once a JVM with the limits has run memflow, it remembers them in the file
 * {@code bin/memflow} names, which starts the next run with them, so that a run with the same
 * memory options needs no second JVM. Static state only, set once by {@link Main#main} before
 * anything else reads it.
 */
final class Launcher {

  static final String CHILD_PROPERTY = "memflow.child";

  /** Set by bin/memflow: the JDK AOT cache the child JVM starts with too. */
  static final String AOT_CACHE_PROPERTY = "memflow.aotCache";

  /**
   * Set by bin/memflow: the flags, separated by spaces, that the JVM running a job starts with
   * besides the limits (its JIT settings).
   */
  static final String JOB_JVM_FLAGS_PROPERTY = "memflow.jobJvmFlags";

  /** Set by bin/memflow: the file that remembers the limits of the last run for the next. */
  static final String PLAN_FILE_PROPERTY = "memflow.planFile";

  private static volatile String[] mainArgs;

  private Launcher() {}

  /** Called by {@link Main#main} only: this process may relaunch itself with these arguments. */
  static void allowRelaunch(String[] args) {
    mainArgs = args.clone();
  }

  /**
   * Whether this process decides, once the plan is known, where the job runs: true in the
   * process bin/memflow started, false in the child and the in-process entry point, which run
   * the job themselves.
   */
  static boolean isLauncher() {
    return mainArgs != null && System.getProperty(CHILD_PROPERTY) == null
        && System.getenv("MEMFLOW_NO_RELAUNCH") == null;
  }

  /**
   * Whether this JVM was started with exactly the limits of {@code plan}, so that it may run the
   * job itself. Its maximum heap is checked first: reading the input arguments takes about 10 ms.
   */
  static boolean hasLimitsOf(TaskManagerMemorySpec plan) {
    return JvmLimits.heapConsistent(Runtime.getRuntime().maxMemory(), plan.jvmHeap().bytes())
        && JvmLimits.setBy(ManagementFactory.getRuntimeMXBean().getInputArguments(), limitFlags(plan));
  }

  /** Remembers the limits of {@code plan} for bin/memflow's next run, if bin/memflow asked to. */
  static void remember(TaskManagerMemorySpec plan) {
    String file = System.getProperty(PLAN_FILE_PROPERTY);
    if (file != null && isLauncher()) {
      write(Path.of(file), plan.jvmArgs());
    }
  }

  /**
   * Replaces {@code file} by one line, {@code flags}, atomically (bin/memflow never reads half a
   * file; the temporary file is named by our process id, so concurrent runs do not share one),
   * unless it already holds it. Failures are ignored: the file only saves a relaunch, and
   * a missing or stale one costs nothing else.
   */
  static void write(Path file, String flags) {
    byte[] line = (flags + "\n").getBytes(StandardCharsets.UTF_8);
    Path temp = null;
    try {
      if (Files.isRegularFile(file) && Files.size(file) == line.length
          && Arrays.equals(Files.readAllBytes(file), line)) {
        return;
      }
      temp = file.resolveSibling(file.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
      Files.write(temp, line);
      Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      temp = null;
    } catch (IOException | RuntimeException e) { // a speed-up only; the run goes on as it would have
      deleteQuietly(temp);
    }
  }

  private static void deleteQuietly(Path temp) {
    try {
      if (temp != null) {
        Files.deleteIfExists(temp);
      }
    } catch (IOException e) { // nothing more to do for a temporary file
    }
  }

  private static List<String> limitFlags(TaskManagerMemorySpec plan) {
    return Arrays.asList(plan.jvmArgs().split(" "));
  }

  /** Runs the same command in a JVM sized by {@code plan}; returns its exit code. */
  static int relaunch(TaskManagerMemorySpec plan) {
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> command = new ArrayList<>();
    command.add(java);
    command.addAll(limitFlags(plan));
    for (String flag : System.getProperty(JOB_JVM_FLAGS_PROPERTY, "").split(" ")) {
      if (!flag.isEmpty()) {
        command.add(flag);
      }
    }
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
      int code = child.waitFor();
      if (code == 0 || code == Main.EXIT_BAD_INPUT) { // memflow ran: these limits start a JVM here
        remember(plan);
      }
      return code;
    } catch (IOException e) {
      throw new CommandFailedException("cannot start the TaskManager JVM (" + String.join(" ", command.subList(0, 2))
          + "...): " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 130;
    }
  }
}
