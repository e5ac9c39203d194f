package io.memflow.cli;

import io.memflow.csv.CsvRowReader;
import io.memflow.csv.CsvRowWriter;
import io.memflow.hash.HashAggregator;
import io.memflow.hash.HashJoin;
import io.memflow.io.SpillManager;
import io.memflow.memory.MemorySegment;
import io.memflow.memory.MemorySegments;
import io.memflow.network.NetworkBufferPool;
import io.memflow.row.KeyFields;
import io.memflow.row.RowWriter;
import io.memflow.runtime.LocalTaskManager;
import io.memflow.sort.ExternalSorter;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code memflow} command: entry point of {@code bin/memflow}.
 *
 * <p>Exit codes: 0 on success, 2 for bad input (arguments, configuration, files), 1 for an
 * internal failure. Users never see a stack trace: errors are one paragraph on stderr.
 * Subcommands ({@code plan}, {@code run}) register here as they arrive.
 */
@Command(
    name = "memflow",
    mixinStandardHelpOptions = true,
    versionProvider = Main.VersionProvider.class,
    description = "A managed-memory runtime for dataflow on the JVM.",
    footer = {"", "Documentation: docs/ in the memflow repository."})
public final class Main implements Runnable {

  /** Exit code for bad input: arguments, configuration or files the user can fix. */
  public static final int EXIT_BAD_INPUT = 2;

  @CommandLine.Spec private CommandLine.Model.CommandSpec spec;

  /**
   * Runs the command line and exits the JVM with its exit code.
   *
   * @param args the command-line arguments
   */
  public static void main(String[] args) {
    if (args.length > 0 && args[0].equals("run")) {
      Thread.ofPlatform().daemon().name("memflow-warm-up").start(Main::warmUp);
    }
    Launcher.allowRelaunch(args);
    System.exit(execute(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
  }

  /**
   * Gets ready for a job while picocli parses the command line on the main thread (50-100 ms in
   * a fresh JVM): links the native allocator's downcalls, makes the first heap and off-heap
   * accesses, and initializes the runtime's main classes and what the run's report uses from the
   * JDK: the management beans (JVM flags, GC and heap figures) and {@code String.format}. (A run's
   * plan no longer touches {@code BigDecimal}, whose class initializer took 30 ms of this thread:
   * see {@code MemorySize.multiply}.) Everything here would otherwise happen on the main thread
   * between parsing and the job's first row. Nothing is kept: the page is freed at once, and a
   * failure only loses the head start.
   */
  private static void warmUp() {
    try {
      MemorySegment page = MemorySegments.allocateOffHeap(MemorySegments.DEFAULT_PAGE_SIZE);
      page.putLong(0, page.getLong(Long.BYTES));
      page.free();
      MemorySegment heap = MemorySegments.wrap(new byte[2 * Long.BYTES]);
      heap.putLong(0, heap.getLong(Long.BYTES));
      for (Class<?> type : List.of(CsvRowReader.class, CsvRowWriter.class, RowWriter.class, KeyFields.class,
          HashAggregator.class, HashJoin.class, ExternalSorter.class, LocalTaskManager.class, NetworkBufferPool.class,
          SpillManager.class)) {
        Class.forName(type.getName(), true, type.getClassLoader());
      }
      ManagementFactory.getRuntimeMXBean().getInputArguments();
      ManagementFactory.getGarbageCollectorMXBeans();
      ManagementFactory.getMemoryPoolMXBeans();
      String.format(Locale.ROOT, "%.1f", 1.0);
    } catch (ClassNotFoundException | RuntimeException | OutOfMemoryError e) {
      // only a head start: the job does all of this itself when it needs it
    }
  }

  /**
   * Runs the command line without exiting: the testable entry point.
   *
   * @param args the command-line arguments
   * @param out where normal output goes
   * @param err where errors go
   * @return the exit code
   */
  public static int execute(String[] args, PrintWriter out, PrintWriter err) {
    CommandLine cli = commandLine(args);
    cli.setOut(out);
    cli.setErr(err);
    cli.setParameterExceptionHandler(Main::badArguments);
    cli.setExecutionExceptionHandler(Main::failed);
    return cli.execute(args);
  }

  /**
   * The command tree for {@code args}. Picocli reflects on every command it is given before it
   * parses anything, about 60 ms for the other commands in a fresh JVM, so {@code memflow run
   * JOB} (a built-in job) gets the tree of its own path only: {@code memflow}, {@code run} and
   * that job, which parse, check and print exactly as in the whole tree. Every other command line
   * (help, typos, {@code plan}, the default job) gets the whole tree.
   */
  static CommandLine commandLine(String[] args) {
    CommandLine main = new CommandLine(new Main());
    CommandLine run = new CommandLine(new RunCommand());
    Object job = args.length > 1 && args[0].equals("run") ? RunCommand.builtIn(args[1]) : null;
    if (job != null) {
      run.addSubcommand(job);
    } else {
      RunCommand.builtIns().forEach(run::addSubcommand);
      main.addSubcommand(new CommandLine(new PlanCommand()));
    }
    return main.addSubcommand(run);
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  private static int badArguments(CommandLine.ParameterException e, String[] args) {
    CommandLine cli = e.getCommandLine();
    PrintWriter err = cli.getErr();
    err.println("memflow: " + e.getMessage());
    err.println("Run '" + cli.getCommandSpec().qualifiedName() + " --help' for the options.");
    return EXIT_BAD_INPUT;
  }

  private static int failed(Exception e, CommandLine cli, CommandLine.ParseResult parsed) {
    PrintWriter err = cli.getErr();
    if (e instanceof UserInputException) {
      err.println("memflow: " + e.getMessage());
      return EXIT_BAD_INPUT;
    }
    if (e instanceof CommandFailedException) {
      err.println("memflow: " + e.getMessage());
      return 1;
    }
    err.println("memflow: internal error: " + e);
    err.println("This is a bug in memflow; please report it with the command you ran.");
    return 1;
  }

  /** Reads the version that Maven wrote into {@code version.properties}. */
  static final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {
        "memflow " + version(),
        "Java " + Runtime.version() + " (" + System.getProperty("java.vm.name") + ")"
      };
    }

    static String version() {
      Properties props = new Properties();
      try (InputStream in = Main.class.getResourceAsStream("version.properties")) {
        if (in != null) {
          props.load(in);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return props.getProperty("version", "unknown");
    }
  }
}
