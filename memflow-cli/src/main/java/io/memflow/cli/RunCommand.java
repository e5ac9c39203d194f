package io.memflow.cli;

import io.memflow.hash.AggregateFunction;
import io.memflow.hash.JoinType;
import io.memflow.row.BinaryRow;
import io.memflow.row.SortField;
import io.memflow.runtime.Collector;
import io.memflow.runtime.Input;
import io.memflow.runtime.Job;
import io.memflow.runtime.Operator;
import io.memflow.runtime.Stage;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code memflow run}: alone, the default job on generated data (orders joined with customers
 * through a hash exchange, aggregated per customer and word, sorted by total); with a subcommand,
 * a built-in job on the user's files. One instance per command run.
 */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = {
      "Run a job in an embedded TaskManager sized by the memory plan.",
      "Alone: the default job on generated data, several times the managed memory, so it spills."
    })
final class RunCommand implements Runnable {

  /** Orders the default job generates: about 6 times its default managed memory as binary rows. */
  static final long DEFAULT_ROWS = 8_000_000;

  @Mixin RunOptions options;

  @Option(names = "--rows", paramLabel = "N", description = "Orders to generate (default ${DEFAULT-VALUE}).")
  long rows = DEFAULT_ROWS;

  @Option(names = "--customers", paramLabel = "N", description = "Customers (default ${DEFAULT-VALUE}).")
  long customers = 10_000;

  @Option(names = "--seed", paramLabel = "N", description = "Seed of the generated data (default ${DEFAULT-VALUE}).")
  long seed = 42;

  @CommandLine.Spec private CommandLine.Model.CommandSpec spec;

  /** The built-in jobs, new instances, in the order {@code memflow run --help} lists them (Main adds them). */
  static List<Object> builtIns() {
    return Stream.of("sort", "aggregate", "join", "generate").map(RunCommand::builtIn).toList();
  }

  /** A new instance of the built-in job named {@code name}, or null if there is none. */
  static Object builtIn(String name) {
    return switch (name) {
      case "sort" -> new RunBuiltIns.Sort();
      case "aggregate" -> new RunBuiltIns.Aggregate();
      case "join" -> new RunBuiltIns.Join();
      case "generate" -> new RunBuiltIns.Generate();
      default -> null;
    };
  }

  @Override
  public void run() {
    if (rows < 0 || customers < 1) {
      throw new UserInputException("--rows " + rows + " and --customers " + customers
          + " must be at least 0 and 1.");
    }
    PrintWriter out = spec.commandLine().getOut();
    DefaultJob job = new DefaultJob(rows, customers, seed);
    RunSession.run(options, job, out, spec.commandLine().getErr());
  }

  /** The default job and its summary. */
  static final class DefaultJob implements RunSession.JobDefinition {
    private static final int TOP = 10;
    private final long rows;
    private final long customers;
    private final long seed;
    private final List<BinaryRow> top = Collections.synchronizedList(new ArrayList<>());
    private final AtomicLong groups = new AtomicLong();
    private final AtomicLong orders = new AtomicLong();

    DefaultJob(long rows, long customers, long seed) {
      this.rows = rows;
      this.customers = customers;
      this.seed = seed;
    }

    @Override
    public Job build(int parallelism) {
      Job.Builder job = Job.builder("default");
      Stage dim = job.source("customers", parallelism, Datasets.CUSTOMERS, Datasets.customers(customers));
      Stage fact = job.source("orders", parallelism, Datasets.ORDERS, Datasets.orders(rows, customers, seed));
      Stage joined = job.join("join", parallelism, Input.hash(dim, 0), new int[] {0}, Input.hash(fact, 1),
          new int[] {1}, JoinType.INNER);
      // joined: id, customer, word, amount, build.customer, name, region
      Stage totals = job.aggregate("aggregate", parallelism, Input.hash(joined, 1, 2), new int[] {1, 2},
          AggregateFunction.count(), AggregateFunction.sum(3), AggregateFunction.min(3), AggregateFunction.max(3));
      // totals: customer, word, count, sum, min, max
      Stage sorted = job.sort("sort", Input.global(totals), SortField.descending(3), SortField.ascending(0),
          SortField.ascending(1));
      job.sink("summary", 1, Input.forward(sorted), () -> new Summary());
      return job.build();
    }

    private final class Summary implements Operator {
      @Override
      public void process(int input, BinaryRow row, Collector out) {
        if (groups.getAndIncrement() < TOP) {
          top.add(row.copy());
        }
        orders.addAndGet(row.getLong(2));
      }
    }

    @Override
    public void printHeader(PrintWriter out) {
      out.printf(Locale.ROOT, "Default job: %,d orders joined with %,d customers, aggregated per customer and word, "
          + "sorted by total amount.%n%n", rows, customers);
    }

    @Override
    public void printResult(PrintWriter out) {
      out.printf(Locale.ROOT, "%,d groups of %,d joined orders. Top %d customer/word groups by total amount:%n%n",
          groups.get(), orders.get(), Math.min(TOP, top.size()));
      out.printf(Locale.ROOT, "  %8s %-10s %8s %16s %10s %10s%n", "customer", "word", "orders", "total", "min", "max");
      for (BinaryRow r : top) {
        out.printf(Locale.ROOT, "  %8d %-10s %8d %16.2f %10.2f %10.2f%n", r.getLong(0), r.getString(1), r.getLong(2),
            r.getDouble(3), r.getDouble(4), r.getDouble(5));
      }
      out.println();
    }

  }
}
