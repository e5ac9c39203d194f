package io.memflow.cli;

import io.memflow.config.Configuration;
import io.memflow.config.MemorySize;
import io.memflow.config.memory.MemoryPlanner;
import io.memflow.config.memory.TaskManagerMemorySpec;
import io.memflow.csv.CsvException;
import io.memflow.memory.MemorySegments;
import io.memflow.network.InsufficientNetworkBuffersException;
import io.memflow.runtime.InsufficientManagedMemoryException;
import io.memflow.runtime.Job;
import io.memflow.runtime.JobFailedException;
import io.memflow.runtime.JobResult;
import io.memflow.runtime.LocalTaskManager;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * One {@code memflow run}: plans the memory, assembles a {@link LocalTaskManager}, runs the job
 * with progress, prints the report, and turns every failure into a one-paragraph message (exit 2
 * for what the user can fix, 1 otherwise). The task manager is closed on every path.
 */
final class RunSession {

  /** Builds the job of a run, once the memory and parallelism are known. */
  interface JobDefinition {
    /** The job to run with {@code parallelism} subtasks per parallel stage. */
    Job build(int parallelism);

    /** Prints what the job is, before it runs; only the JVM that runs it prints it. */
    default void printHeader(PrintWriter out) {}

    /** Prints what the job computed, before the report (the default job's summary). */
    default void printResult(PrintWriter out) {}
  }

  private static final String SEGMENT_SIZE = "taskmanager.memory.segment-size";

  private RunSession() {}

  static JobResult run(RunOptions options, JobDefinition definition, PrintWriter out, PrintWriter err) {
    if (!Launcher.isLauncher()) { // this JVM runs the job whatever the plan: the header comes first
      printHeader(definition, out);
    }
    Configuration config = options.configuration();
    ProgressPrinter.Mode mode = ProgressPrinter.mode(options.progress);
    Path reportFile = options.reportFile();
    if (reportFile != null) {
      CsvInputs.checkOutput(reportFile);
    }
    TaskManagerMemorySpec plan = plan(config);
    int pageSize = pageSize(config);
    options.tmpDirs.forEach(RunSession::checkTempDirectory);
    boolean runsHere = !Launcher.isLauncher() || Launcher.hasLimitsOf(plan);
    TaskManagerStart start = runsHere
        ? TaskManagerStart.begin(LocalTaskManager.builder(plan).pageSize(pageSize).tempDirectories(options.tmpDirs))
        : null;
    Job job;
    try { // the job's files and columns are checked before a relaunch
      job = definition.build(options.parallelism);
      if (Launcher.isLauncher()) {
        runHereOrRelaunch(plan, definition, out);
      }
    } catch (RuntimeException | Error e) {
      if (start != null) {
        start.discard();
      }
      throw e;
    }
    JobResult result;
    try (LocalTaskManager taskManager = start.get()) {
      Duration interval = mode == ProgressPrinter.Mode.BARS ? Duration.ofMillis(250) : Duration.ofSeconds(5);
      result = taskManager.execute(job, new ProgressPrinter(err, mode), interval);
    } catch (JobFailedException e) {
      throw failed(e);
    } catch (InsufficientManagedMemoryException e) {
      throw new UserInputException(e.getMessage() + ". Fix: -D taskmanager.memory.managed.size="
          + (e.minimumManagedBytes() + 1023) / 1024 + "kb (or more), or lower --parallelism.", e);
    } catch (InsufficientNetworkBuffersException e) {
      throw new UserInputException(e.getMessage() + " Raise taskmanager.memory.network.min/max (-D) or --process-size, or lower --parallelism.", e);
    }
    definition.printResult(out);
    RunReport report = new RunReport(result, plan);
    report.print(out);
    if (reportFile != null) {
      report.writeJson(reportFile);
    }
    return result;
  }

  /** The managed memory of one slot of the task manager {@code options} plan. */
  static long managedBytesPerSlot(RunOptions options) {
    TaskManagerMemorySpec plan = plan(options.configuration());
    return plan.managed().bytes() / plan.numSlots();
  }

  /**
   * In the launcher, once everything is checked: returns if this JVM has the plan's limits (the
   * job runs here), and otherwise exits with the exit code of the JVM that ran it.
   */
  private static void runHereOrRelaunch(TaskManagerMemorySpec plan, JobDefinition definition, PrintWriter out) {
    if (Launcher.hasLimitsOf(plan)) {
      Launcher.remember(plan);
      printHeader(definition, out);
      return;
    }
    out.flush();
    System.exit(Launcher.relaunch(plan));
  }

  private static void printHeader(JobDefinition definition, PrintWriter out) {
    definition.printHeader(out);
    out.flush();
  }

  /**
   * A task manager built in a thread of its own while the main thread builds the job: allocating
   * its network buffers and linking native memory take about 50 ms of a fresh JVM, and building a
   * job reads its files' headers and samples their rows. The caller owns the task manager once
   * {@link #get} returns it, and calls {@link #discard} instead if the job cannot run.
   */
  private static final class TaskManagerStart {
    private final FutureTask<LocalTaskManager> task;

    private TaskManagerStart(FutureTask<LocalTaskManager> task) {
      this.task = task;
    }

    static TaskManagerStart begin(LocalTaskManager.Builder builder) {
      FutureTask<LocalTaskManager> task = new FutureTask<>(builder::build);
      Thread.ofPlatform().daemon().name("memflow-task-manager-start").start(task);
      return new TaskManagerStart(task);
    }

    /** The task manager, once built; what its build threw, thrown here. Waits through interrupts. */
    LocalTaskManager get() {
      boolean interrupted = false;
      try {
        while (true) {
          try {
            return task.get();
          } catch (InterruptedException e) {
            interrupted = true;
          } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
              throw cause;
            }
            if (e.getCause() instanceof Error cause) {
              throw cause;
            }
            throw new IllegalStateException("building the task manager failed", e.getCause());
          }
        }
      } finally {
        if (interrupted) {
          Thread.currentThread().interrupt();
        }
      }
    }

    /** Waits for the build and closes what it built: the job will not run. */
    void discard() {
      try {
        get().close();
      } catch (RuntimeException | Error e) {
        // the job's own failure is what the user needs to see
      }
    }
  }

  private static TaskManagerMemorySpec plan(Configuration config) {
    try {
      return MemoryPlanner.planTaskManager(config);
    } catch (IllegalArgumentException e) { // InvalidMemoryConfigurationException and bad sizes
      throw new UserInputException("invalid TaskManager memory configuration. " + e.getMessage(), e);
    }
  }

  private static int pageSize(Configuration config) {
    String value = config.get(SEGMENT_SIZE).orElse("32kb");
    try {
      long bytes = MemorySize.parse(value).bytes();
      return MemorySegments.checkPageSize((int) Math.min(bytes, Integer.MAX_VALUE));
    } catch (IllegalArgumentException e) {
      throw new UserInputException(SEGMENT_SIZE + "=" + value + " is not a valid page size (" + e.getMessage()
          + "); use a power of two between 4kb and 1gb, such as 32kb.", e);
    }
  }

  private static void checkTempDirectory(Path dir) {
    if (!Files.isDirectory(dir) || !Files.isWritable(dir)) {
      throw new UserInputException("--tmp-dir " + dir + " is not a writable directory; create it or choose another.");
    }
  }

  /** A failed job as the user should see it. */
  static RuntimeException failed(JobFailedException e) {
    Throwable cause = e.getCause();
    for (Throwable t = cause; t != null; t = t.getCause()) {
      if (t instanceof CsvException || t instanceof NoSuchFileException) {
        return new UserInputException(t.getMessage() + ". Nothing was written.", e);
      }
    }
    String what = cause instanceof IOException ? "an I/O error" : cause.getClass().getSimpleName();
    String hint = cause instanceof IOException && String.valueOf(cause.getMessage()).contains("space")
        ? " Free disk space or point --tmp-dir at a larger disk." : "";
    return new CommandFailedException("job '" + e.job() + "' failed in " + e.stage() + " with " + what + ": "
        + cause.getMessage() + "." + hint + " Every page, buffer and spill file was released and no output file was written.", e);
  }
}
