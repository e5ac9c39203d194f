package io.memflow.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The training runs of memflow's AOT caches ({@code memflow_aot_cache_if_stale} in {@code
 * bin/lib/build.sh}). Each workload runs a list of {@code memflow} commands in this JVM:
 *
 * <ul>
 *   <li>{@code commands}: every kind of command once on small files, so that the general cache
 *       holds the classes of all of them, loaded and linked (a class the training never loaded
 *       is read from the jar and verified in every later run). Made without method profiles.
 *   <li>{@code data}: writes the files the next three read (run in a JVM of its own, so that
 *       generating them leaves nothing in a cache's profiles).
 *   <li>{@code aggregate}, {@code sort}, {@code join}: one built-in job, at parallelism 1 and 2,
 *       in memory and spilling, on {@value #ROWS} generated orders. Their caches keep the method
 *       profiles of these runs (JEP 515), and {@code bin/memflow} starts that built-in with its
 *       own cache, so that the JIT compiles its hot methods from the start and with profiles of
 *       this job alone (docs/runtime.md has the measurements).
 *   <li>{@code default}: the default job ({@code memflow run}) on {@value #ROWS} orders, for a
 *       cache of its own with profiles, made the same way.
 * </ul>
 *
 * <p>Usage: {@code java -XX:AOTCacheOutput=CACHE -cp memflow.jar io.memflow.cli.AotTraining DIR
 * WORKLOAD}. Every job runs in this JVM (only {@link Main#main} may relaunch). {@code DIR} is a
 * directory for the files, the spills and the outputs, the same for {@code data} and the
 * workload after it; the caller deletes it. Exits with 1 if a command fails (the cache is then
 * not worth keeping), naming it on stderr.
 */
final class AotTraining {

  /** Orders in each generated file. */
  static final long ROWS = 1_000_000;

  private AotTraining() {}

  /**
   * Runs a workload; exits with 1 if one of its commands fails.
   *
   * @param args the working directory and the workload
   */
  public static void main(String[] args) {
    if (!train(Path.of(args[0]), args[1], ROWS, new PrintWriter(System.err, true))) {
      System.exit(1);
    }
  }

  /**
   * Runs every command of {@code workload} in {@code dir}, output discarded, errors to {@code err}.
   *
   * @param rows the orders in each file that {@code data} writes, and of the default job
   * @return whether all of them succeeded (the first failure ends the training)
   * @throws IllegalArgumentException for an unknown workload
   */
  static boolean train(Path dir, String workload, long rows, PrintWriter err) {
    Workloads workloads = new Workloads(dir);
    List<List<String>> commands = switch (workload) {
      case "commands" -> workloads.commands();
      case "data" -> workloads.data(rows);
      case "aggregate" -> workloads.aggregate();
      case "sort" -> workloads.sort();
      case "join" -> workloads.join();
      case "default" -> workloads.defaultJob(rows);
      default -> throw new IllegalArgumentException("unknown training workload '" + workload
          + "'; use commands, data, aggregate, sort, join or default");
    };
    workloads.createTmp();
    PrintWriter none = new PrintWriter(Writer.nullWriter());
    for (List<String> command : commands) {
      if (Main.execute(command.toArray(String[]::new), none, err) != 0) {
        err.println("memflow: the AOT training command failed: " + String.join(" ", command));
        return false;
      }
    }
    return true;
  }

  /** The commands of each workload, on the training's files in {@code dir}. */
  private record Workloads(Path dir) {

    /** Spilling runs get this little managed memory (the jobs' other runs get the default). */
    private static final String SMALL = "taskmanager.memory.managed.size=16m";

    String path(String name) {
      return dir.resolve(name).toString();
    }

    void createTmp() {
      try {
        Files.createDirectories(dir.resolve("tmp"));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    List<List<String>> commands() {
      return List.of(
          List.of("run", "--rows", "50000", "--tmp-dir", path("tmp"), "--progress", "none"),
          List.of("run", "generate", "--rows", "20000", "--output", path("orders.csv"), "--progress", "none"),
          List.of("run", "generate", "--rows", "500", "--schema", "customers", "--output", path("customers.csv"),
              "--progress", "none"),
          job("aggregate", 2, "--input", path("orders.csv"), "--group-by", "customer", "--agg",
              "count,sum:amount,min:amount,max:amount,avg:amount"),
          job("sort", 1, "--input", path("orders.csv"), "--by", "amount:desc,id"),
          job("join", 2, "--left", path("orders.csv"), "--right", path("customers.csv"), "--on", "customer=customer"),
          List.of("plan", "taskmanager", "-D", "taskmanager.memory.process.size=4g"),
          List.of("plan", "jobmanager", "-D", "jobmanager.memory.process.size=2g"));
    }

    /** Orders with 10 k customers (which repeat) and with 30 % as many customers as rows (which spill). */
    List<List<String>> data(long rows) {
      String wide = Long.toString(Math.max(1, rows * 3 / 10));
      return List.of(
          generate("orders.csv", "--rows", Long.toString(rows), "--customers", "10000"),
          generate("customers.csv", "--rows", "10000", "--schema", "customers"),
          generate("orders-wide.csv", "--rows", Long.toString(rows), "--customers", wide, "--seed", "9"),
          generate("customers-wide.csv", "--rows", wide, "--schema", "customers"));
    }

    List<List<String>> defaultJob(long rows) {
      return List.of(List.of("run", "--rows", Long.toString(rows), "--tmp-dir", path("tmp"), "--progress", "none"));
    }

    List<List<String>> aggregate() {
      return List.of(
          job("aggregate", 2, "--input", path("orders.csv"), "--group-by", "customer", "--agg", "count,sum:amount"),
          job("aggregate", 1, "--input", path("orders.csv"), "--group-by", "customer", "--agg", "count,sum:amount"),
          job("aggregate", 2, "--input", path("orders-wide.csv"), "--group-by", "customer", "--agg",
              "count,min:amount", "-D", SMALL),
          job("aggregate", 1, "--input", path("orders-wide.csv"), "--group-by", "customer", "--agg",
              "count,max:amount", "-D", SMALL));
    }

    List<List<String>> sort() {
      return List.of(
          job("sort", 1, "--input", path("orders.csv"), "--by", "amount,id", "-D", SMALL),
          job("sort", 2, "--input", path("orders-wide.csv"), "--by", "amount:desc,word", "-D", SMALL));
    }

    List<List<String>> join() {
      return List.of(
          job("join", 2, "--left", path("orders.csv"), "--right", path("customers.csv"), "--on", "customer=customer"),
          job("join", 1, "--left", path("orders.csv"), "--right", path("customers.csv"), "--on", "customer=customer"),
          job("join", 2, "--left", path("orders-wide.csv"), "--right", path("customers-wide.csv"), "--on",
              "customer=customer", "-D", SMALL),
          job("join", 1, "--left", path("orders-wide.csv"), "--right", path("customers-wide.csv"), "--on",
              "customer=customer", "-D", SMALL));
    }

    private List<String> generate(String file, String... options) {
      List<String> command = new ArrayList<>(List.of("run", "generate", "--output", path(file), "--progress", "none"));
      command.addAll(List.of(options));
      return command;
    }

    private List<String> job(String name, int parallelism, String... options) {
      List<String> command = new ArrayList<>(List.of("run", name, "--parallelism", Integer.toString(parallelism),
          "--output", path(name + ".out.csv"), "--tmp-dir", path("tmp"), "--progress",
          "none"));
      command.addAll(List.of(options));
      return command;
    }
  }
}
