package io.memflow.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code memflow plan}: Flink memory plans. The work is in the subcommands; alone it prints its
 * usage. One instance per command run.
 */
@Command(
    name = "plan",
    mixinStandardHelpOptions = true,
    description = "Plan Flink memory to the byte: TaskManager, JobManager, network buffers.",
    subcommands = {
      PlanProcessCommand.TaskManager.class,
      PlanProcessCommand.JobManager.class,
      PlanNetworkCommand.class
    })
final class PlanCommand implements Runnable {

  @CommandLine.Spec private CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
