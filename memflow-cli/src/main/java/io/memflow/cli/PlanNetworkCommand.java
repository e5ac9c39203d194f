package io.memflow.cli;

import io.memflow.config.memory.InvalidMemoryConfigurationException;
import io.memflow.config.memory.NetworkBufferPlan;
import io.memflow.config.memory.NetworkBufferPlan.TaskBuffers;
import io.memflow.config.memory.NetworkBufferPlanner;
import io.memflow.config.memory.NetworkTopology;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code memflow plan network}: the network buffers a job's shape needs on one TaskManager,
 * against the TaskManager's planned network memory. One instance per command run.
 */
@Command(
    name = "network",
    mixinStandardHelpOptions = true,
    description = {
      "Size network buffers from a job topology (YAML or JSON) and check them against the "
          + "TaskManager's network memory.",
      "Topology: mode (streaming|batch), slotsPerTaskManager, tasks: [{name, inputs: [channels "
          + "per gate], outputs: [subpartitions per partition]}]."
    })
final class PlanNetworkCommand implements Runnable {

  @Mixin PlanInput input;

  @Option(names = "--topology", paramLabel = "FILE", required = true,
      description = "The job's shape, YAML or JSON.")
  Path topology;

  @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "table",
      description = "table (default) or json.")
  String format;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    String chosen = PlanInput.format(format, List.of("table", "json"));
    NetworkBufferPlan plan;
    try {
      plan = NetworkBufferPlanner.plan(input.configuration(), readTopology());
    } catch (InvalidMemoryConfigurationException e) {
      throw new UserInputException("invalid TaskManager memory configuration. " + e.getMessage(), e);
    }
    PrintWriter out = spec.commandLine().getOut();
    if (chosen.equals("json")) {
      out.println(json(plan));
    } else {
      table(out, plan);
    }
    out.flush();
  }

  private NetworkTopology readTopology() {
    try {
      String text = Files.readString(topology, StandardCharsets.UTF_8);
      return NetworkTopology.parse(text, topology.toString());
    } catch (IOException e) {
      throw new UserInputException("cannot read the topology " + topology + ": " + e, e);
    } catch (IllegalArgumentException e) {
      throw new UserInputException("bad topology: " + e.getMessage(), e);
    }
  }

  static Json json(NetworkBufferPlan p) {
    List<Json> tasks = p.tasks().stream().map(PlanNetworkCommand::task).toList();
    return new Json()
        .put("mode", p.mode().name().toLowerCase(Locale.ROOT))
        .put("slotsPerTaskManager", p.slotsPerTaskManager())
        .put("segmentSize", p.segmentSize().bytes())
        .put("networkMemory", p.networkMemory().bytes())
        .put("totalBuffers", p.totalBuffers())
        .putObjects("tasks", tasks)
        .put("requiredBuffers", p.requiredPerTaskManager())
        .put("maxBuffers", p.maxPerTaskManager())
        .put("overdraftBuffers", p.overdraftPerTaskManager())
        .put("sufficient", p.sufficient())
        .put("shortage", p.shortage())
        .put("minimumNetworkMemory", p.minimumNetworkMemory().bytes())
        .putStrings("suggestions", p.suggestions());
  }

  private static Json task(TaskBuffers t) {
    return new Json().put("name", t.name()).put("requiredBuffers", t.required())
        .put("maxBuffers", t.max()).put("overdraftBuffers", t.overdraft())
        .putNumbers("inputGateChannels", t.gates().stream().map(g -> g.channels()).toList())
        .putNumbers("inputGateRequired", t.gates().stream().map(g -> g.required()).toList())
        .putNumbers("partitionSubpartitions",
            t.partitions().stream().map(q -> q.subpartitions()).toList())
        .putNumbers("partitionRequired", t.partitions().stream().map(q -> q.min()).toList());
  }

  private void table(PrintWriter out, NetworkBufferPlan p) {
    out.printf(Locale.ROOT, "Network buffers (%s, %d slots per TaskManager, %d-byte segments)%n%n",
        p.mode().name().toLowerCase(Locale.ROOT), p.slotsPerTaskManager(), p.segmentSize().bytes());
    out.printf(Locale.ROOT, "  %-24s %10s %10s %10s%n", "task (one subtask)", "required", "max",
        "overdraft");
    for (TaskBuffers t : p.tasks()) {
      out.printf(Locale.ROOT, "  %-24s %10d %10d %10d%n", t.name(), t.required(), t.max(),
          t.overdraft());
    }
    out.printf(Locale.ROOT, "  %-24s %10d %10d %10d%n%n", "per TaskManager", p.requiredPerTaskManager(),
        p.maxPerTaskManager(), p.overdraftPerTaskManager());
    out.printf(Locale.ROOT, "  network memory %s = %d buffers; the job needs %d (%s)%n",
        MemoryTable.human(p.networkMemory().bytes()), p.totalBuffers(),
        p.requiredPerTaskManager(), MemoryTable.human(p.minimumNetworkMemory().bytes()));
    if (p.sufficient()) {
      out.println("  OK: the required buffers fit.");
      return;
    }
    out.println("  SHORT: " + p.shortage());
    out.println("  Any one of these fixes it (each checked by planning it):");
    p.suggestions().forEach(s -> out.println("    " + s));
  }
}
