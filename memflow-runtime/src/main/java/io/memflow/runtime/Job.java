package io.memflow.runtime;

import io.memflow.hash.AggregateFunction;
import io.memflow.hash.HashAggregator;
import io.memflow.hash.HashCombiner;
import io.memflow.hash.JoinType;
import io.memflow.row.BinaryRow;
import io.memflow.row.RowSchema;
import io.memflow.row.SortField;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * A batch job: a graph of {@link Stage}s joined by {@link Input}s, built with {@link #builder}
 * and run by {@link LocalTaskManager#execute}.
 *
 * <pre>{@code
 * Job.Builder job = Job.builder("top-customers");
 * Stage orders = job.source("orders", 2, schema, (ctx, out) -> ...);
 * Stage totals = job.aggregate("totals", 2, Input.hash(orders, 1),
 *     new int[] {1}, AggregateFunction.count(), AggregateFunction.sum(3));
 * Stage sorted = job.sort("sorted", Input.global(totals), SortField.descending(2));
 * job.sink("print", 1, Input.forward(sorted), () -> (input, row, out) -> System.out.println(row));
 * JobResult result = taskManager.execute(job.build());
 * }</pre>
 *
 * <p>Immutable and thread-safe once built; a job can run any number of times.
 */
public final class Job {

  /** The managed-memory weight of a stage that uses managed memory (see {@link Stage#managedWeight}). */
  static final int OPERATOR_WEIGHT = 8;

  /** The weight of the local phase of a two-phase aggregation: a small table is all it needs. */
  static final int COMBINE_WEIGHT = 1;

  private final String name;
  private final List<Stage> stages;

  private Job(String name, List<Stage> stages) {
    this.name = name;
    this.stages = List.copyOf(stages);
  }

  /** A builder for a job called {@code name}. */
  public static Builder builder(String name) {
    return new Builder(name);
  }

  /** The job's name. */
  public String name() {
    return name;
  }

  /** The stages in the order they were added (producers before consumers). */
  public List<Stage> stages() {
    return stages;
  }

  /** The highest parallelism of any stage: the slots the job needs. */
  public int maxParallelism() {
    return stages.stream().mapToInt(Stage::parallelism).max().orElse(0);
  }

  @Override
  public String toString() {
    return "Job[" + name + ", " + stages + "]";
  }

  /** Builds a {@link Job}. Not thread-safe. */
  public static final class Builder {

    private final String name;
    private final List<Stage> stages = new ArrayList<>();
    private final Set<String> names = new HashSet<>();
    private final Set<Stage> consumed = Collections.newSetFromMap(new IdentityHashMap<>());
    /** The aggregation stages: their group field count, and whether a sort asked for their groups in key order. */
    private final Map<Stage, KeyOrder> aggregations = new IdentityHashMap<>();

    private record KeyOrder(int groupFields, AtomicBoolean wanted) {}

    private Builder(String name) {
      this.name = Objects.requireNonNull(name, "name");
    }

    /** Adds a source stage. */
    public Stage source(String name, int parallelism, RowSchema schema, Source source) {
      Objects.requireNonNull(source, "source");
      return add(name, parallelism, schema, 0, 0, source, null, List.of(), false);
    }

    /**
     * Adds an operator stage reading {@code inputs} in order.
     *
     * @param usesManagedMemory whether its subtasks take a share of the slot's managed memory
     * @param operators makes one operator per subtask
     */
    public Stage operator(String name, int parallelism, RowSchema outputSchema, boolean usesManagedMemory,
        Supplier<? extends Operator> operators, Input... inputs) {
      return operator(name, parallelism, outputSchema, usesManagedMemory ? 1 : 0, operators, inputs);
    }

    /**
     * As {@link #operator(String, int, RowSchema, boolean, Supplier, Input...)}, for an operator
     * that needs at least {@code minManagedPages} pages of managed memory per subtask: a job whose
     * slots cannot give that fails before it starts, naming the smallest managed size that would
     * do (a custom hash join, say: {@code HashJoin.Builder.MIN_PAGES}).
     */
    public Stage operator(String name, int parallelism, RowSchema outputSchema, int minManagedPages,
        Supplier<? extends Operator> operators, Input... inputs) {
      if (minManagedPages < 0) {
        throw new IllegalArgumentException("minManagedPages=" + minManagedPages + " must be at least 0");
      }
      return operator(name, parallelism, outputSchema, minManagedPages, OPERATOR_WEIGHT, operators, inputs);
    }

    private Stage operator(String name, int parallelism, RowSchema outputSchema, int minManagedPages, int weight,
        Supplier<? extends Operator> operators, Input... inputs) {
      Objects.requireNonNull(operators, "operators");
      if (inputs.length == 0) {
        throw new IllegalArgumentException("stage '" + name + "' has no input: use source() for a source");
      }
      return add(name, parallelism, outputSchema, minManagedPages, weight, null, operators, List.of(inputs), false);
    }

    /** A parallel filter: keeps the rows {@code keep} accepts. */
    public Stage filter(String name, Input input, RowFilter keep) {
      Objects.requireNonNull(keep, "keep");
      Stage in = input.stage();
      return operator(name, parallelismOf(input), in.outputSchema(), 0,
          () -> (i, row, out) -> { if (keep.test(row)) out.collect(row); }, input);
    }

    /**
     * A sort of all rows of each subtask by {@code keys} (fields of the input's schema). When
     * {@code input} is an aggregation's and {@code keys} are its leading group fields ascending,
     * the aggregation's subtasks emit their groups in that order when they stay in memory ({@link
     * HashAggregator.Builder#emitInKeyOrder()}), and the sort then merges them instead of sorting.
     */
    public Stage sort(String name, Input input, SortField... keys) {
      RowSchema schema = input.stage().outputSchema();
      KeyOrder aggregation = aggregations.get(input.stage());
      if (aggregation != null && sortsByGroupFields(keys, aggregation.groupFields())) {
        aggregation.wanted().set(true); // its groups come in order when they stay in memory: merged, not sorted
      }
      return add(name, parallelismOf(input), schema, SortOperator.MIN_PAGES, OPERATOR_WEIGHT, null,
          () -> new SortOperator(schema, keys, SortOperator.channels(input)), List.of(input), true);
    }

    /**
     * A hash aggregation grouping by {@code groupBy} (fields of the input's schema). Behind an
     * exchange ({@code hash}, {@code global}, {@code rebalance}) to two or more subtasks, with at
     * least one group field, it aggregates in two phases, as Flink's local-global aggregation and DuckDB do: a stage named
     * {@code NAME-combine} chained to the producer (its parallelism, a small share of managed
     * memory) folds each subtask's rows into partial rows ({@code HashCombiner}, which passes
     * rows through once folding does not pay), and the returned stage merges them after the
     * exchange, routed by all the group fields. The exchange then carries a row per group and
     * flush instead of a row per input row, and a skewed key no longer loads one subtask. The
     * result is the same as in one phase. With one subtask there is nothing to balance, and the
     * aggregation keeps its own thread, working in parallel with its producer's.
     */
    public Stage aggregate(String name, int parallelism, Input input, int[] groupBy,
        AggregateFunction... functions) {
      return aggregate(name, parallelism, input, true, groupBy, functions);
    }

    /**
     * As {@link #aggregate(String, int, Input, int[], AggregateFunction...)}; with {@code
     * preAggregate} false always in one phase: for groups that rarely repeat within a producer's
     * rows, where the combiners would only pass their rows on, made partial rows (larger than the
     * input rows they stand for, which costs the exchange and the merging aggregator).
     */
    public Stage aggregate(String name, int parallelism, Input input, boolean preAggregate, int[] groupBy,
        AggregateFunction... functions) {
      RowSchema schema = input.stage().outputSchema();
      RowSchema out = AggregateOperator.outputSchema(schema, groupBy, functions, AggregateOperator.Role.WHOLE);
      Input.Routing routing = input.routing();
      boolean exchange = routing == Input.Routing.HASH || routing == Input.Routing.GLOBAL
          || routing == Input.Routing.REBALANCE;
      AtomicBoolean keyOrder = new AtomicBoolean();
      if (!preAggregate || !exchange || groupBy.length == 0 || parallelism == 1) {
        return aggregation(operator(name, parallelism, out, HashAggregator.MIN_PAGES,
            () -> new AggregateOperator(schema, groupBy, functions, AggregateOperator.Role.WHOLE, keyOrder.get()),
            input), groupBy.length, keyOrder);
      }
      RowSchema partial = AggregateOperator.outputSchema(schema, groupBy, functions, AggregateOperator.Role.COMBINE);
      Stage combine = operator(name + "-combine", input.stage().parallelism(), partial, HashCombiner.MIN_PAGES,
          COMBINE_WEIGHT, () -> new AggregateOperator(schema, groupBy, functions, AggregateOperator.Role.COMBINE, false),
          Input.chained(input.stage()));
      Input partials = switch (routing) {
        case HASH -> Input.hash(combine, range(groupBy.length));
        case GLOBAL -> Input.global(combine);
        default -> Input.rebalance(combine);
      };
      return aggregation(operator(name, parallelism, out, HashAggregator.MIN_PAGES,
          () -> new AggregateOperator(schema, groupBy, functions, AggregateOperator.Role.MERGE, keyOrder.get()),
          partials), groupBy.length, keyOrder);
    }

    private Stage aggregation(Stage stage, int groupFields, AtomicBoolean keyOrder) {
      aggregations.put(stage, new KeyOrder(groupFields, keyOrder));
      return stage;
    }

    /** Whether {@code keys} are the leading group fields of an aggregation's output, ascending. */
    private static boolean sortsByGroupFields(SortField[] keys, int groupFields) {
      if (keys.length == 0 || keys.length > groupFields) {
        return false;
      }
      for (int i = 0; i < keys.length; i++) {
        if (!keys[i].equals(SortField.ascending(i))) {
          return false;
        }
      }
      return true;
    }

    private static int[] range(int n) {
      int[] fields = new int[n];
      for (int i = 0; i < n; i++) {
        fields[i] = i;
      }
      return fields;
    }

    /**
     * A hash join: {@code build} (read first, held in memory or spilled) with {@code probe};
     * output rows are the probe row's fields then the build row's (only the probe's for semi and
     * anti joins). Both inputs should be hash-routed on their keys.
     */
    public Stage join(String name, int parallelism, Input build, int[] buildKeys, Input probe,
        int[] probeKeys, JoinType type) {
      RowSchema buildSchema = build.stage().outputSchema();
      RowSchema probeSchema = probe.stage().outputSchema();
      RowSchema out = JoinOperator.outputSchema(buildSchema, probeSchema, type);
      return operator(name, parallelism, out, JoinOperator.MIN_PAGES,
          () -> new JoinOperator(buildSchema, buildKeys, probeSchema, probeKeys, type), build, probe);
    }

    /** A sink: hands every row to {@code sink}. */
    public Stage sink(String name, int parallelism, Input input, Supplier<? extends Operator> sink) {
      return operator(name, parallelism, input.stage().outputSchema(), 0, sink, input);
    }

    /** Checks the graph and builds the job. */
    public Job build() {
      if (stages.isEmpty()) {
        throw new IllegalStateException("job '" + name + "' has no stage");
      }
      return new Job(name, stages);
    }

    private int parallelismOf(Input input) {
      return input.routing() == Input.Routing.GLOBAL ? 1 : input.stage().parallelism();
    }

    private Stage add(String stageName, int parallelism, RowSchema schema, int minManagedPages, int weight,
        Source source, Supplier<? extends Operator> operators, List<Input> inputs, boolean canSpoolInput) {
      Objects.requireNonNull(stageName, "name");
      Objects.requireNonNull(schema, "schema");
      if (parallelism < 1) {
        throw new IllegalArgumentException("stage '" + stageName + "': parallelism=" + parallelism
            + " must be at least 1");
      }
      if (!names.add(stageName)) {
        throw new IllegalArgumentException("job '" + name + "' already has a stage '" + stageName + "'");
      }
      for (Input input : inputs) {
        checkInput(stageName, parallelism, input);
      }
      Stage stage = new Stage(stages.size(), stageName, parallelism, schema, minManagedPages, weight, source,
          operators, inputs, canSpoolInput);
      stages.add(stage);
      return stage;
    }

    private void checkInput(String stageName, int parallelism, Input input) {
      Stage producer = input.stage();
      if (!stages.contains(producer)) {
        throw new IllegalArgumentException("stage '" + stageName + "' reads '" + producer.name()
            + "', which is not a stage of job '" + name + "'");
      }
      if (!consumed.add(producer)) {
        throw new IllegalArgumentException("stage '" + producer.name()
            + "' already feeds another stage; a stage has at most one consumer");
      }
      boolean oneToOne = input.routing() == Input.Routing.FORWARD || input.isChained();
      if (oneToOne && producer.parallelism() != parallelism) {
        String routing = input.routing().name().toLowerCase(Locale.ROOT);
        throw new IllegalArgumentException(routing + " input from '" + producer.name() + "' (parallelism "
            + producer.parallelism() + ") to '" + stageName + "' (parallelism " + parallelism + "): " + routing
            + " needs equal parallelism; use hash or rebalance");
      }
    }
  }

  /** A predicate on rows for {@link Builder#filter}. */
  @FunctionalInterface
  public interface RowFilter {
    /** Whether to keep {@code row}. */
    boolean test(BinaryRow row) throws Exception;
  }
}
