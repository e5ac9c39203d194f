package io.memflow.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The training run of memflow's AOT cache ({@code memflow_aot_cache_if_stale} in {@code
 * bin/lib/build.sh}): runs each kind of command once on small generated files, in one JVM, so that
 * the cache holds the classes of all of them, loaded and linked, not only those of the default
 * job. A class the training never loaded is read from the jar and verified in every later run.
 *
 * <p>Usage: {@code java -XX:AOTCacheOutput=CACHE -cp memflow.jar io.memflow.cli.AotTraining DIR}.
 * Every job runs in this JVM (only {@link Main#main} may relaunch). {@code DIR} is an empty
 * directory for the files, the spills and the outputs; the caller deletes it. Exits with 1 if a
 * command fails (the cache is then not worth keeping), naming it on stderr.
 */
final class AotTraining {

  private AotTraining() {}

  /**
   * Runs the commands; exits with 1 if one fails.
   *
   * @param args one argument: the working directory
   */
  public static void main(String[] args) {
    if (!train(Path.of(args[0]), new PrintWriter(System.err, true))) {
      System.exit(1);
    }
  }

  /**
   * Runs every command once in {@code dir}, output discarded, errors to {@code err}.
   *
   * @return whether all of them succeeded (the first failure ends the training)
   */
  static boolean train(Path dir, PrintWriter err) {
    String orders = dir.resolve("orders.csv").toString();
    String customers = dir.resolve("customers.csv").toString();
    String tmp = dir.resolve("tmp").toString();
    List<List<String>> commands = List.of(
        List.of("run", "--rows", "50000", "--tmp-dir", tmp, "--progress", "none"),
        List.of("run", "generate", "--rows", "20000", "--output", orders, "--progress", "none"),
        List.of("run", "generate", "--rows", "500", "--schema", "customers", "--output", customers,
            "--progress", "none"),
        List.of("run", "aggregate", "--input", orders, "--group-by", "customer", "--agg",
            "count,sum:amount,min:amount,max:amount,avg:amount", "--parallelism", "2", "--tmp-dir", tmp,
            "--progress", "none", "--output", dir.resolve("aggregated.csv").toString()),
        List.of("run", "sort", "--input", orders, "--by", "amount:desc,id", "--tmp-dir", tmp, "--progress", "none",
            "--output", dir.resolve("sorted.csv").toString()),
        List.of("run", "join", "--left", orders, "--right", customers, "--on", "customer=customer",
            "--parallelism", "2", "--tmp-dir", tmp, "--progress", "none",
            "--output", dir.resolve("joined.csv").toString()),
        List.of("plan", "taskmanager", "-D", "taskmanager.memory.process.size=4g"),
        List.of("plan", "jobmanager", "-D", "jobmanager.memory.process.size=2g"));
    try {
      Files.createDirectories(Path.of(tmp));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    PrintWriter none = new PrintWriter(Writer.nullWriter());
    for (List<String> command : commands) {
      if (Main.execute(command.toArray(String[]::new), none, err) != 0) {
        err.println("memflow: the AOT training command failed: " + String.join(" ", command));
        return false;
      }
    }
    return true;
  }
}
