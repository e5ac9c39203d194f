package io.memflow.cli;

import io.memflow.hash.AggregateFunction;
import io.memflow.hash.HashJoin;
import io.memflow.hash.JoinType;
import io.memflow.row.RowSchema;
import io.memflow.row.SortField;
import io.memflow.runtime.Input;
import io.memflow.runtime.Job;
import io.memflow.runtime.Stage;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SortedSet;
import java.util.TreeSet;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The built-in jobs of {@code memflow run} on the user's CSV/TSV files (header row, types inferred
 * or declared with {@code --types}). Each checks its files and columns before anything runs and
 * writes its output all or nothing.
 */
final class RunBuiltIns {

  private RunBuiltIns() {}

  /** What every built-in shares: the run options, the output file, declared types. */
  abstract static class BuiltIn implements Runnable {
    @Mixin RunOptions options;

    @Option(names = "--output", required = true, paramLabel = "FILE", description = "The result (CSV, or TSV by .tsv).")
    Path output;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
      CsvInputs.checkOutput(output);
      PrintWriter out = spec.commandLine().getOut();
      RunSession.run(options, p -> job(), out, spec.commandLine().getErr());
      out.println("Wrote " + output);
      out.flush();
    }

    /** The job, its files and columns checked. */
    abstract Job job();

    int parallelism() {
      return options.parallelism;
    }
  }

  /** A built-in reading one file: {@code --input} and {@code --types}. */
  abstract static class OneInput extends BuiltIn {
    @Option(names = "--input", required = true, paramLabel = "FILE", description = "The CSV/TSV file (with a header row).")
    Path input;

    @Option(names = "--types", paramLabel = "COL:TYPE,...", description = "Declared column types (int, long, double, string).")
    String types;

    /** The input's schema: declared types, the others inferred. */
    RowSchema schema() {
      return CsvInputs.schema(input, types);
    }

    /** The stage reading the input with {@code parallelism} subtasks, each a range of the file. */
    Stage read(Job.Builder job, RowSchema schema, int parallelism) {
      return job.source("read", parallelism, schema, CsvInputs.source(input, schema));
    }
  }

  /** {@code memflow run sort}. */
  @Command(name = "sort", mixinStandardHelpOptions = true, description = "Sort a file by columns.")
  static final class Sort extends OneInput {
    @Option(names = "--by", required = true, paramLabel = "COL[:desc],...", description = "Sort keys, e.g. amount:desc,id.")
    String by;

    @Override
    Job job() {
      RowSchema schema = schema();
      SortField[] keys = CsvInputs.sortKeys(schema, input, by);
      Job.Builder job = Job.builder("sort");
      Stage read = read(job, schema, parallelism());
      Stage sorted = job.sort("sort", parallelism() == 1 ? Input.forward(read) : Input.global(read), keys);
      job.sink("write", 1, Input.forward(sorted), () -> new CsvSink(output, schema));
      return job.build();
    }
  }

  /** {@code memflow run aggregate}. */
  @Command(name = "aggregate", mixinStandardHelpOptions = true,
      description = "Group a file by columns and aggregate; output sorted by the group columns.")
  static final class Aggregate extends OneInput {
    @Option(names = "--group-by", required = true, paramLabel = "COL,...", description = "The group columns.")
    String groupBy;

    @Option(names = "--agg", required = true, paramLabel = "FN[:COL],...",
        description = "count, count:COL, sum:COL, min:COL, max:COL, avg:COL (comma-separated).")
    String agg;

    @Option(names = "--pre-aggregate", paramLabel = "auto|on|off",
        description = "At --parallelism 2 or more, fold rows in the readers before the exchange: on, off, or auto "
            + "(default: on when the groups repeat in a sample of the file's first rows).")
    String preAggregate = "auto";

    @Override
    Job job() {
      RowSchema fileSchema = schema();
      int[] used = usedColumns(fileSchema);
      RowSchema schema = fileSchema.project(used); // only what the aggregation reads crosses the exchange
      int[] groups = CsvInputs.columns(schema, input, groupBy, "--group-by");
      AggregateFunction[] functions = functions(schema);
      Job.Builder job = Job.builder("aggregate");
      Stage read = job.source("read", parallelism(), schema, CsvInputs.source(input, fileSchema, used));
      Stage totals;
      try {
        totals = job.aggregate("aggregate", parallelism(), Input.hash(read, groups), preAggregates(fileSchema),
            groups, functions);
      } catch (IllegalArgumentException e) {
        throw new UserInputException("bad --agg " + agg + ": " + e.getMessage(), e);
      }
      SortField[] order = new SortField[groups.length];
      for (int i = 0; i < groups.length; i++) {
        order[i] = SortField.ascending(i);
      }
      Stage sorted = job.sort("sort", Input.global(totals), order);
      job.sink("write", 1, Input.forward(sorted), () -> new CsvSink(output, sorted.outputSchema()));
      return job.build();
    }

    /** Whether to aggregate in two phases (only asked at parallelism 2 or more). */
    private boolean preAggregates(RowSchema fileSchema) {
      return switch (preAggregate.toLowerCase(Locale.ROOT)) {
        case "on" -> true;
        case "off" -> false;
        case "auto" -> parallelism() == 1
            || CsvInputs.groupsRepeat(input, fileSchema, CsvInputs.columns(fileSchema, input, groupBy, "--group-by"));
        default -> throw new UserInputException("unknown --pre-aggregate '" + preAggregate + "'; use auto, on or off.");
      };
    }

    /**
     * The file's columns that the group keys and the aggregates read, in file order; names are
     * checked against all of the file's columns, so an error lists them all.
     */
    private int[] usedColumns(RowSchema fileSchema) {
      SortedSet<Integer> used = new TreeSet<>();
      for (int group : CsvInputs.columns(fileSchema, input, groupBy, "--group-by")) {
        used.add(group);
      }
      for (String part : agg.split(",")) {
        String[] bits = part.strip().split(":");
        if (bits.length == 2) { // other forms are count or malformed: functions() says which
          used.add(CsvInputs.column(fileSchema, input, bits[1], "--agg"));
        }
      }
      return used.stream().mapToInt(Integer::intValue).toArray();
    }

    private AggregateFunction[] functions(RowSchema schema) {
      List<AggregateFunction> out = new ArrayList<>();
      for (String part : agg.split(",")) {
        String[] bits = part.strip().split(":");
        String fn = bits[0].strip().toLowerCase(Locale.ROOT);
        if (bits.length == 1 && fn.equals("count")) {
          out.add(AggregateFunction.count());
          continue;
        }
        if (bits.length != 2) {
          throw new UserInputException("bad --agg part '" + part + "'; write count or FN:COL with FN one of count, sum, min, max, avg.");
        }
        int field = CsvInputs.column(schema, input, bits[1], "--agg");
        out.add(switch (fn) {
          case "count" -> AggregateFunction.count(field);
          case "sum" -> AggregateFunction.sum(field);
          case "min" -> AggregateFunction.min(field);
          case "max" -> AggregateFunction.max(field);
          case "avg" -> AggregateFunction.avg(field);
          default -> throw new UserInputException("unknown aggregate '" + bits[0] + "' in --agg; use count, sum, min, max or avg.");
        });
      }
      return out.toArray(AggregateFunction[]::new);
    }
  }

  /** {@code memflow run join}. */
  @Command(name = "join", mixinStandardHelpOptions = true,
      description = "Join two files on columns (hash join; the right file is the build side).")
  static final class Join extends BuiltIn {
    @Option(names = "--left", required = true, paramLabel = "FILE", description = "The left (probe) file.")
    Path left;

    @Option(names = "--right", required = true, paramLabel = "FILE", description = "The right (build) file.")
    Path right;

    @Option(names = "--on", required = true, paramLabel = "LCOL=RCOL,...", description = "Join columns.")
    String on;

    @Option(names = "--type", paramLabel = "TYPE", description = "inner (default), left, right, semi or anti.")
    String type = "inner";

    @Option(names = "--types", paramLabel = "COL:TYPE,...", description = "Declared column types of both files.")
    String types;

    @Override
    Job job() {
      JoinType joinType = joinType();
      RowSchema leftSchema = CsvInputs.schema(left, typesFor(left));
      RowSchema rightSchema = CsvInputs.schema(right, typesFor(right));
      String[] pairs = on.split(",");
      int[] leftKeys = new int[pairs.length];
      int[] rightKeys = new int[pairs.length];
      for (int i = 0; i < pairs.length; i++) {
        String[] sides = pairs[i].split("=");
        if (sides.length != 2) {
          throw new UserInputException("bad --on part '" + pairs[i] + "'; write LCOL=RCOL, comma-separated.");
        }
        leftKeys[i] = CsvInputs.column(leftSchema, left, sides[0], "--on");
        rightKeys[i] = CsvInputs.column(rightSchema, right, sides[1], "--on");
        if (leftSchema.type(leftKeys[i]) != rightSchema.type(rightKeys[i])) {
          throw new UserInputException("--on " + pairs[i].strip() + " compares " + leftSchema.type(leftKeys[i])
              + " with " + rightSchema.type(rightKeys[i]) + "; declare both with the same type with --types.");
        }
      }
      Job.Builder job = Job.builder("join");
      Stage build = job.source("read-right", parallelism(), rightSchema, CsvInputs.source(right, rightSchema));
      Stage probe = job.source("read-left", parallelism(), leftSchema, CsvInputs.source(left, leftSchema));
      boolean broadcast = broadcastsBuildSide(joinType);
      Input buildInput = broadcast ? Input.broadcast(build) : Input.hash(build, rightKeys);
      Input probeInput = broadcast ? Input.chained(probe) : Input.hash(probe, leftKeys);
      if (parallelism() == 1) { // the writer formats, in a thread of its own beside the join's
        Stage joined = job.join("join", 1, buildInput, rightKeys, probeInput, leftKeys, joinType);
        job.sink("write", 1, Input.global(joined), () -> new CsvSink(output, joined.outputSchema()));
        return job.build();
      }
      // the join subtasks format their output pairs in parallel; the one writer only appends the text
      Stage encoded = job.operator("join+format", parallelism(), CsvSink.CHUNKS, HashJoin.Builder.MIN_PAGES,
          () -> new JoinEncode(output, rightSchema, rightKeys, leftSchema, leftKeys, joinType), buildInput, probeInput);
      RowSchema joinedSchema = HashJoin.outputSchema(rightSchema, leftSchema, joinType);
      job.sink("write", 1, Input.global(encoded), () -> CsvSink.encoded(output, joinedSchema));
      return job.build();
    }

    /**
     * Whether every join subtask builds from the whole right file, so that the left file needs no
     * exchange: its readers probe in their own threads ({@link Input#chained}) and a skewed key no
     * longer loads one subtask. When the right file is small (its rows, about {@value
     * #ROW_BYTES_PER_FILE_BYTE} times the file, take at most half a subtask's managed memory) and,
     * at parallelism 2 or more, the join emits unmatched rows of the left side only (a right outer
     * join's unmatched build rows would come out of every subtask). A larger right file spills,
     * and then the reading of the left file pays for its own thread.
     */
    private boolean broadcastsBuildSide(JoinType joinType) {
      if (joinType == JoinType.RIGHT_OUTER && parallelism() > 1) {
        return false;
      }
      long buildBytes = ROW_BYTES_PER_FILE_BYTE * CsvInputs.size(right);
      return buildBytes <= RunSession.managedBytesPerSlot(options) / 2;
    }

    /** Binary rows of a CSV file take about twice its bytes (the customers file: 2.1x); with room to spare. */
    private static final int ROW_BYTES_PER_FILE_BYTE = 3;

    /** The declared types that name columns of {@code file} (a declaration may cover both files). */
    private String typesFor(Path file) {
      if (types == null) {
        return null;
      }
      RowSchema header = CsvInputs.schema(file, null);
      List<String> mine = new ArrayList<>();
      for (String part : types.split(",")) {
        String name = part.contains(":") ? part.substring(0, part.lastIndexOf(':')).strip() : part.strip();
        if (CsvInputs.indexOf(header, name) >= 0) {
          mine.add(part);
        }
      }
      return String.join(",", mine);
    }

    private JoinType joinType() {
      return switch (type.toLowerCase(Locale.ROOT)) {
        case "inner" -> JoinType.INNER;
        case "left" -> JoinType.LEFT_OUTER;
        case "right" -> JoinType.RIGHT_OUTER;
        case "semi" -> JoinType.SEMI;
        case "anti" -> JoinType.ANTI;
        default -> throw new UserInputException("unknown --type '" + type + "'; use inner, left, right, semi or anti.");
      };
    }
  }

  /** {@code memflow run generate}. */
  @Command(name = "generate", mixinStandardHelpOptions = true,
      description = "Generate a CSV file: orders (id, skewed customer, word, amount), customers, or a declared schema.")
  static final class Generate extends BuiltIn {
    @Option(names = "--rows", required = true, paramLabel = "N", description = "Rows to generate.")
    long rows;

    @Option(names = "--schema", paramLabel = "orders|customers|COL:TYPE,...", description = "What to generate (default orders).")
    String schema = "orders";

    @Option(names = "--customers", paramLabel = "N", description = "Customer keys of orders (default ${DEFAULT-VALUE}).")
    long customers = 10_000;

    @Option(names = "--seed", paramLabel = "N", description = "Seed (default ${DEFAULT-VALUE}).")
    long seed = 42;

    @Override
    Job job() {
      if (rows < 0 || customers < 1) {
        throw new UserInputException("--rows " + rows + " must be at least 0 and --customers " + customers + " at least 1.");
      }
      RowSchema rowSchema = Datasets.schema(schema);
      var source = rowSchema == Datasets.ORDERS ? Datasets.orders(rows, customers, seed)
          : rowSchema == Datasets.CUSTOMERS ? Datasets.customers(rows) : Datasets.random(rowSchema, rows, seed);
      Job.Builder job = Job.builder("generate");
      Stage gen = job.source("generate", 1, rowSchema, source);
      job.sink("write", 1, Input.forward(gen), () -> new CsvSink(output, rowSchema));
      return job.build();
    }
  }
}
