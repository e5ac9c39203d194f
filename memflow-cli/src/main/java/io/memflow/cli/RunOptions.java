package io.memflow.cli;

import io.memflow.config.Configuration;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The options every {@code run} command shares: the memory (a Flink configuration, as for {@code
 * plan}), slots, parallelism, where to spill, progress and report. A picocli mixin.
 */
final class RunOptions {

  /** The process size {@code memflow run} plans when none is configured. */
  static final String DEFAULT_PROCESS_SIZE = "1g";

  /** The managed memory {@code memflow run} plans when none is configured. */
  static final String DEFAULT_MANAGED_SIZE = "64m";

  static final String PROCESS_SIZE = "taskmanager.memory.process.size";
  static final String MANAGED_SIZE = "taskmanager.memory.managed.size";
  static final String SLOTS = "taskmanager.numberOfTaskSlots";

  @Option(names = "--process-size", paramLabel = "SIZE",
      description = "The TaskManager's total process memory (taskmanager.memory.process.size); "
          + "default " + DEFAULT_PROCESS_SIZE + " with " + DEFAULT_MANAGED_SIZE + " managed memory.")
  String processSize;

  @Option(names = "--conf", paramLabel = "PATH",
      description = "Flink conf directory, config.yaml or legacy flink-conf.yaml.")
  Path conf;

  @Option(names = "-D", paramLabel = "key=value",
      description = "Set a Flink option, e.g. -D taskmanager.memory.managed.size=128m. Repeatable.")
  Map<String, String> overrides = new LinkedHashMap<>();

  @Option(names = "--slots", paramLabel = "N",
      description = "Task slots (default: the parallelism, or taskmanager.numberOfTaskSlots).")
  Integer slots;

  @Option(names = "--parallelism", paramLabel = "N", description = "Subtasks per parallel stage (default 1).")
  int parallelism = 1;

  @Option(names = "--tmp-dir", paramLabel = "DIR", split = ",",
      description = "Where to spill (comma-separated; default java.io.tmpdir).")
  List<Path> tmpDirs = List.of();

  @Option(names = "--progress", paramLabel = "MODE",
      description = "auto (bars on a terminal, lines otherwise), bars, lines or none. Default auto.")
  String progress = "auto";

  @Option(names = "--report", arity = "2", paramLabel = "FORMAT FILE",
      description = "Also write the report to FILE; FORMAT is json.")
  List<String> report = List.of();

  /** The Flink configuration: file, then -D, then --process-size/--slots, then run's defaults. */
  Configuration configuration() {
    if (parallelism < 1) {
      throw new UserInputException("--parallelism " + parallelism + " must be at least 1.");
    }
    if (slots != null && slots < 1) {
      throw new UserInputException("--slots " + slots + " must be at least 1.");
    }
    Configuration config = PlanInput.load(conf, overrides);
    if (processSize != null) {
      config = config.with(PROCESS_SIZE, processSize);
    }
    if (!config.contains(PROCESS_SIZE) && !config.contains("taskmanager.memory.flink.size")
        && !config.contains("taskmanager.memory.task.heap.size")) {
      config = config.with(PROCESS_SIZE, DEFAULT_PROCESS_SIZE);
    }
    if (!config.contains(MANAGED_SIZE) && !config.contains("taskmanager.memory.managed.fraction")) {
      config = config.with(MANAGED_SIZE, DEFAULT_MANAGED_SIZE);
    }
    int slotCount = slots != null ? slots
        : Math.max(parallelism, config.get(SLOTS).map(RunOptions::parseSlots).orElse(1));
    return config.with(SLOTS, Integer.toString(slotCount));
  }

  private static int parseSlots(String value) {
    try {
      return Integer.parseInt(value.strip());
    } catch (NumberFormatException e) {
      throw new UserInputException(SLOTS + "=" + value + " is not a number; set it to the number of slots.");
    }
  }

  /** The JSON report file, or null. */
  Path reportFile() {
    if (report.isEmpty()) {
      return null;
    }
    if (!report.get(0).equals("json")) {
      throw new UserInputException("unknown report format '" + report.get(0) + "'; use --report json FILE.");
    }
    return Path.of(report.get(1));
  }
}
