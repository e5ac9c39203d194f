package io.memflow.cli;

import io.memflow.config.Configuration;
import io.memflow.config.memory.Component;
import io.memflow.config.memory.InvalidMemoryConfigurationException;
import io.memflow.config.memory.JobManagerMemorySpec;
import io.memflow.config.memory.MemoryPlanner;
import io.memflow.config.memory.TaskManagerMemorySpec;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code memflow plan taskmanager} and {@code memflow plan jobmanager}: a process's memory plan
 * in one of four formats. One instance per command run.
 */
abstract class PlanProcessCommand implements Runnable {

  static final List<String> FORMATS = List.of("table", "json", "jvm-args", "dynamic-properties");

  @Mixin PlanInput input;

  @Option(
      names = "--format",
      paramLabel = "FORMAT",
      defaultValue = "table",
      description = "table (default), json, jvm-args or dynamic-properties.")
  String format;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /** The plan rendered in every format this command knows. */
  record Rendered(String title, List<Component> parts, io.memflow.config.MemorySize flink,
      io.memflow.config.MemorySize process, String jvmArgs, String dynamicProperties, Json json) {}

  abstract Rendered plan(Configuration config);

  abstract String processName();

  @Override
  public void run() {
    String chosen = PlanInput.format(format, FORMATS);
    Rendered r;
    try {
      r = plan(input.configuration());
    } catch (InvalidMemoryConfigurationException e) {
      throw new UserInputException("invalid " + processName() + " memory configuration. "
          + e.getMessage(), e);
    }
    PrintWriter out = spec.commandLine().getOut();
    switch (chosen) {
      case "json" -> out.println(r.json());
      case "jvm-args" -> out.println(r.jvmArgs());
      case "dynamic-properties" -> out.println(r.dynamicProperties());
      default -> new MemoryTable(input.explain, MemoryTable.terminal())
          .print(out, r.title(), r.parts(), r.flink(), r.process(), r.jvmArgs());
    }
    out.flush();
  }

  Json common(Json json, List<Component> parts, Map<String, String> rules, String jvmArgs,
      String dynamicProperties, io.memflow.config.MemorySize flink,
      io.memflow.config.MemorySize process) {
    parts.forEach(c -> json.put(c.name(), c.size().bytes()));
    json.put("totalFlinkMemory", flink.bytes()).put("totalProcessMemory", process.bytes())
        .put("jvmArgs", jvmArgs).put("dynamicProperties", dynamicProperties);
    if (input.explain) {
      json.put("explanations", new TreeMap<>(rules));
    }
    return json;
  }

  /** {@code memflow plan taskmanager}. */
  @Command(name = "taskmanager", mixinStandardHelpOptions = true,
      description = "Plan a TaskManager's memory exactly as Flink 2.x derives it.")
  static final class TaskManager extends PlanProcessCommand {
    @Override
    Rendered plan(Configuration config) {
      TaskManagerMemorySpec s = MemoryPlanner.planTaskManager(config);
      Json json = common(new Json(), s.components(), s.rules(), s.jvmArgs(),
          s.dynamicProperties(), s.totalFlinkMemory(), s.totalProcessMemory());
      return new Rendered("TaskManager memory plan (Flink 2.x model)", s.components(),
          s.totalFlinkMemory(), s.totalProcessMemory(), s.jvmArgs(), s.dynamicProperties(), json);
    }

    @Override
    String processName() {
      return "TaskManager";
    }
  }

  /** {@code memflow plan jobmanager}. */
  @Command(name = "jobmanager", mixinStandardHelpOptions = true,
      description = "Plan a JobManager's memory exactly as Flink 2.x derives it.")
  static final class JobManager extends PlanProcessCommand {
    @Override
    Rendered plan(Configuration config) {
      JobManagerMemorySpec s = MemoryPlanner.planJobManager(config);
      Json json = common(new Json(), s.components(), s.rules(), s.jvmArgs(),
          s.dynamicProperties(), s.totalFlinkMemory(), s.totalProcessMemory());
      return new Rendered("JobManager memory plan (Flink 2.x model)", s.components(),
          s.totalFlinkMemory(), s.totalProcessMemory(), s.jvmArgs(), s.dynamicProperties(), json);
    }

    @Override
    String processName() {
      return "JobManager";
    }
  }
}
