package io.memflow.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.memflow.config.Configuration;
import io.memflow.config.memory.MemoryPlanner;
import io.memflow.hash.AggregateFunction;
import io.memflow.hash.JoinType;
import io.memflow.io.FileOpener;
import io.memflow.memory.MemorySegment;
import io.memflow.memory.MemorySegments;
import io.memflow.row.BinaryRow;
import io.memflow.row.FieldType;
import io.memflow.row.RowSchema;
import io.memflow.row.RowWriter;
import io.memflow.row.SortField;
import io.memflow.testing.FaultyFileChannel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LocalTaskManagerTest {

  static final RowSchema ORDERS = RowSchema.builder()
      .field("id", FieldType.LONG).field("customer", FieldType.INT)
      .field("word", FieldType.STRING).field("amount", FieldType.LONG).build();
  static final RowSchema CUSTOMERS = RowSchema.builder()
      .field("customer", FieldType.INT).field("region", FieldType.STRING).build();

  @TempDir Path temp;
  private LocalTaskManager taskManager;

  @AfterEach
  void close() {
    if (taskManager != null) {
      taskManager.close();
    }
  }

  static LocalTaskManager taskManager(String managed, int slots, Path temp) {
    Configuration config = Configuration.empty()
        .with("taskmanager.memory.process.size", "1g")
        .with("taskmanager.memory.managed.size", managed)
        .with("taskmanager.numberOfTaskSlots", Integer.toString(slots));
    return LocalTaskManager.builder(MemoryPlanner.planTaskManager(config))
        .tempDirectories(List.of(temp)).build();
  }

  /** Order {@code i}: customer skewed towards small numbers, amount derived from i. */
  static void order(RowWriter w, long i) {
    int customer = (int) ((i * 7919) % 1000 < 500 ? i % 10 : (i * 31) % 5000);
    w.reset().setLong(0, i).setInt(1, customer).setString(2, "w" + (i % 37)).setLong(3, (i * 7717) % 100_000);
  }

  static Source orders(long rows) {
    return (ctx, out) -> {
      RowWriter w = new RowWriter(ORDERS);
      BinaryRow row = new BinaryRow(ORDERS);
      for (long i = ctx.subtask(); i < rows; i += ctx.parallelism()) {
        order(w, i);
        w.writeTo(row);
        out.collect(row);
      }
    };
  }

  /** Customers 0 to 3999 (region "r" + customer % 7), spread over the subtasks. */
  static Source customers() {
    return (ctx, out) -> {
      RowWriter w = new RowWriter(CUSTOMERS);
      for (int c = ctx.subtask(); c < 4000; c += ctx.parallelism()) {
        out.collect(w.reset().setInt(0, c).setString(1, "r" + (c % 7)).toRow());
      }
    };
  }

  /** How many of the first {@code rows} orders have a customer that {@link #customers()} makes. */
  static long matchingOrders(long rows) {
    long matching = 0;
    RowWriter w = new RowWriter(ORDERS);
    for (long i = 0; i < rows; i++) {
      order(w, i);
      matching += w.toRow().getInt(1) < 4000 ? 1 : 0;
    }
    return matching;
  }

  /** A sink that keeps copies of the rows it gets, shared by its subtasks. */
  static final class Collecting {
    final List<BinaryRow> rows = Collections.synchronizedList(new ArrayList<>());

    Operator operator() {
      return (input, row, out) -> rows.add(row.copy());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"64m", "4m"})
  void aggregatesThroughAHashExchangeAndSortsTheGroups(String managed) throws Exception {
    taskManager = taskManager(managed, 2, temp);
    long rows = 300_000;
    Collecting sink = new Collecting();
    Job.Builder job = Job.builder("agg");
    Stage src = job.source("orders", 2, ORDERS, orders(rows));
    Stage agg = job.aggregate("totals", 2, Input.hash(src, 1), new int[] {1},
        AggregateFunction.count(), AggregateFunction.sum(3));
    Stage sorted = job.sort("sorted", Input.global(agg), SortField.descending(2), SortField.ascending(0));
    job.sink("sink", 1, Input.forward(sorted), sink::operator);

    JobResult result = taskManager.execute(job.build());

    Map<Integer, long[]> expected = new HashMap<>();
    RowWriter w = new RowWriter(ORDERS);
    for (long i = 0; i < rows; i++) {
      order(w, i);
      BinaryRow r = w.toRow();
      long[] acc = expected.computeIfAbsent(r.getInt(1), k -> new long[2]);
      acc[0]++;
      acc[1] += r.getLong(3);
    }
    List<long[]> want = new ArrayList<>();
    expected.forEach((k, v) -> want.add(new long[] {k, v[0], v[1]}));
    want.sort(Comparator.<long[]>comparingLong(a -> -a[2]).thenComparingLong(a -> a[0]));
    List<long[]> got = sink.rows.stream().map(r -> new long[] {r.getInt(0), r.getLong(1), r.getLong(2)}).toList();
    assertThat(got).usingElementComparator((a, b) -> java.util.Arrays.compare(a, b)).containsExactlyElementsOf(want);
    assertThat(result.leaks()).isEmpty();
    assertThat(result.stages()).extracting(StageMetrics::name)
        .containsExactly("orders", "totals-combine", "totals", "sorted", "sink");
    StageMetrics combine = result.stages().get(1);
    assertThat(result.stages().get(0).recordsOut()).isEqualTo(rows);
    assertThat(combine.recordsIn()).isEqualTo(rows);
    assertThat(combine.recordsOut()).as("the skewed keys fold before the exchange").isLessThan(rows / 10);
    assertThat(result.stages().get(2).recordsIn()).isEqualTo(combine.recordsOut());
    assertThat(result.stages().get(3).recordsIn()).isEqualTo(want.size());
    assertAllReleased();
  }

  /**
   * Two-phase aggregation with every function, nulls and string min/max, in a memory where the
   * combiners flush and the merging aggregators spill, against a reference computed in Java.
   */
  @ParameterizedTest
  @ValueSource(strings = {"64m", "2m"})
  void twoPhaseAggregationGivesTheReferenceResultWithEveryFunction(String managed) throws Exception {
    taskManager = taskManager(managed, 2, temp);
    RowSchema schema = RowSchema.builder().field("key", FieldType.LONG).nullableField("value", FieldType.LONG)
        .nullableField("word", FieldType.STRING).build();
    long rows = 200_000;
    Source source = (ctx, out) -> {
      RowWriter w = new RowWriter(schema);
      for (long i = ctx.subtask(); i < rows; i += ctx.parallelism()) {
        out.collect(row(w, i));
      }
    };
    Collecting sink = new Collecting();
    Job.Builder job = Job.builder("two-phase");
    Stage src = job.source("rows", 2, schema, source);
    Stage agg = job.aggregate("agg", 2, Input.hash(src, 0), new int[] {0}, AggregateFunction.count(),
        AggregateFunction.count(1), AggregateFunction.sum(1), AggregateFunction.min(2), AggregateFunction.max(2),
        AggregateFunction.avg(1));
    job.sink("sink", 2, Input.forward(agg), sink::operator);

    JobResult result = taskManager.execute(job.build());

    Map<Long, List<Object>> expected = new TreeMap<>();
    Map<Long, List<BinaryRow>> groups = new HashMap<>();
    RowWriter w = new RowWriter(schema);
    for (long i = 0; i < rows; i++) {
      BinaryRow r = row(w, i);
      groups.computeIfAbsent(r.getLong(0), k -> new ArrayList<>()).add(r);
    }
    groups.forEach((key, list) -> {
      List<Long> values = list.stream().filter(r -> !r.isNullAt(1)).map(r -> r.getLong(1)).toList();
      List<String> words = list.stream().filter(r -> !r.isNullAt(2)).map(r -> r.getString(2)).sorted().toList();
      long sum = values.stream().mapToLong(Long::longValue).sum();
      expected.put(key, java.util.Arrays.asList((long) list.size(), (long) values.size(),
          values.isEmpty() ? null : sum, words.isEmpty() ? null : words.getFirst(),
          words.isEmpty() ? null : words.getLast(), values.isEmpty() ? null : (double) sum / values.size()));
    });
    Map<Long, List<Object>> got = new TreeMap<>();
    for (BinaryRow r : sink.rows) {
      got.put(r.getLong(0), java.util.Arrays.asList(r.getLong(1), r.getLong(2), r.isNullAt(3) ? null : r.getLong(3),
          r.isNullAt(4) ? null : r.getString(4), r.isNullAt(5) ? null : r.getString(5),
          r.isNullAt(6) ? null : r.getDouble(6)));
    }
    assertThat(sink.rows).hasSameSizeAs(expected.keySet());
    assertThat(got).isEqualTo(expected);
    assertThat(result.stages().get(1).name()).isEqualTo("agg-combine");
    if (managed.equals("2m")) {
      assertThat(result.spilledBytes()).as("the merging aggregators spill").isPositive();
    }
    assertAllReleased();
  }

  /** Row {@code i}: one hot key and many rare ones; nulls in both value fields; words of several lengths. */
  private static BinaryRow row(RowWriter w, long i) {
    long key = i % 3 == 0 ? 7 : (i * 7919) % 40_000;
    w.reset().setLong(0, key);
    if (i % 11 == 0) {
      w.setNull(1);
    } else {
      w.setLong(1, (i * 31) % 1000 - 500);
    }
    if (i % 13 == 0) {
      w.setNull(2);
    } else {
      w.setString(2, "w".repeat((int) (i % 5)) + (i % 97));
    }
    return w.toRow();
  }

  @Test
  void theSmallestManagedMemoryAJobIsToldToUseRunsIt() throws Exception {
    taskManager = taskManager("64k", 2, temp);
    java.util.function.Supplier<Job> build = () -> {
      Job.Builder job = Job.builder("tight");
      Stage src = job.source("orders", 2, ORDERS, orders(50_000));
      Stage agg = job.aggregate("totals", 2, Input.hash(src, 1), new int[] {1}, AggregateFunction.count());
      Stage sorted = job.sort("sorted", Input.global(agg), SortField.ascending(0));
      job.sink("sink", 1, Input.forward(sorted), () -> (i, row, out) -> {});
      return job.build();
    };
    long minimum = 0;
    try {
      taskManager.execute(build.get());
    } catch (InsufficientManagedMemoryException e) {
      assertThat(e.getMessage()).contains("totals-combine 2").contains("totals 6").contains("sorted 8");
      minimum = e.minimumManagedBytes();
    }
    assertThat(minimum).as("slot 0 holds the combiner, the aggregator and the sort: 16 pages, twice")
        .isEqualTo(2 * 16 * 32 * 1024);
    taskManager.close();
    taskManager = taskManager(minimum / 1024 + "k", 2, temp);
    JobResult result = taskManager.execute(build.get());
    assertThat(result.spilledBytes()).isPositive();
    assertAllReleased();
  }

  @Test
  void sortsMoreDataThanItsMemoryBySpilling() throws Exception {
    taskManager = taskManager("2m", 1, temp);
    long rows = 200_000;
    Collecting sink = new Collecting();
    Job.Builder job = Job.builder("sort");
    Stage src = job.source("orders", 1, ORDERS, orders(rows));
    Stage sorted = job.sort("sorted", Input.forward(src), SortField.ascending(3), SortField.ascending(0));
    job.sink("sink", 1, Input.forward(sorted), sink::operator);

    JobResult result = taskManager.execute(job.build());

    assertThat(result.spilledFiles()).isPositive();
    assertThat(result.spilledBytes()).isPositive();
    assertThat(sink.rows).hasSize((int) rows);
    assertOrdered(sink.rows, BY_AMOUNT_THEN_ID, true);
    assertAllReleased();
  }

  @ParameterizedTest
  @ValueSource(strings = {"INNER", "LEFT_OUTER", "SEMI", "ANTI"})
  void joinsTwoSourcesThroughHashExchanges(String type) throws Exception {
    taskManager = taskManager("8m", 2, temp);
    long rows = 100_000;
    Collecting sink = new Collecting();
    Job.Builder job = Job.builder("join");
    Stage dim = job.source("customers", 2, CUSTOMERS, customers());
    Stage fact = job.source("orders", 2, ORDERS, orders(rows));
    Stage joined = job.join("joined", 2, Input.hash(dim, 0), new int[] {0}, Input.hash(fact, 1), new int[] {1},
        JoinType.valueOf(type));
    job.sink("sink", 2, Input.forward(joined), sink::operator);

    taskManager.execute(job.build());

    long matching = matchingOrders(rows);
    long expected = switch (JoinType.valueOf(type)) {
      case INNER, SEMI -> matching;
      case LEFT_OUTER -> rows;
      case ANTI -> rows - matching;
      default -> throw new AssertionError(type);
    };
    assertThat(sink.rows).hasSize((int) expected);
    if (type.equals("INNER")) {
      for (BinaryRow r : sink.rows) {
        assertThat(r.getInt(4)).isEqualTo(r.getInt(1));
        assertThat(r.getString(5)).isEqualTo("r" + (r.getInt(1) % 7));
      }
    }
    assertAllReleased();
  }

  @Test
  void chainedStagesRunInTheProducersThreadAndKeepTheirOwnMetrics() throws Exception {
    taskManager = taskManager("8m", 2, temp);
    long rows = 200_000;
    Map<String, String> threads = new ConcurrentHashMap<>();
    Collecting sink = new Collecting();
    Job.Builder job = Job.builder("chain");
    Stage src = job.source("orders", 2, ORDERS, (ctx, out) -> {
      threads.put("orders#" + ctx.subtask(), Thread.currentThread().getName());
      orders(rows).run(ctx, out);
    });
    Stage even = job.operator("even", 2, ORDERS, false, () -> new Operator() {
      int subtask;

      @Override
      public void open(TaskContext context) {
        subtask = context.subtask();
        threads.put("even#" + subtask, Thread.currentThread().getName());
      }

      @Override
      public void process(int input, BinaryRow row, Collector out) throws Exception {
        if (row.getLong(0) % 2 == 0) {
          out.collect(row);
        }
      }
    }, Input.chained(src));
    Stage agg = job.aggregate("totals", 2, Input.hash(even, 1), new int[] {1}, AggregateFunction.count());
    Stage sorted = job.sort("sorted", Input.global(agg), SortField.ascending(0));
    job.sink("sink", 1, Input.chained(sorted), sink::operator);

    JobResult result = taskManager.execute(job.build());

    Map<Integer, Long> expected = new TreeMap<>();
    RowWriter w = new RowWriter(ORDERS);
    for (long i = 0; i < rows; i += 2) {
      order(w, i);
      expected.merge(w.toRow().getInt(1), 1L, Long::sum);
    }
    Map<Integer, Long> got = new java.util.LinkedHashMap<>();
    sink.rows.forEach(r -> got.put(r.getInt(0), r.getLong(1)));
    assertThat(got).containsExactlyEntriesOf(expected);
    assertThat(threads.get("even#0")).isEqualTo(threads.get("orders#0")).contains("orders+even+totals-combine#0");
    assertThat(threads.get("even#1")).isEqualTo(threads.get("orders#1"));
    StageMetrics evenMetrics = result.stages().get(1);
    assertThat(evenMetrics.recordsIn()).isEqualTo(rows);
    assertThat(evenMetrics.recordsOut()).isEqualTo(rows / 2);
    assertThat(evenMetrics.finishedSubtasks()).isEqualTo(2);
    assertThat(result.stages().get(4).recordsIn()).isEqualTo(expected.size());
    assertThat(result.leaks()).isEmpty();
    assertAllReleased();
  }

  @Test
  void aJoinProbesWithAChainedSourceAgainstABroadcastBuildSide() throws Exception {
    taskManager = taskManager("8m", 2, temp);
    long rows = 100_000;
    Collecting sink = new Collecting();
    Job.Builder job = Job.builder("broadcast-join");
    Stage dim = job.source("customers", 2, CUSTOMERS, customers());
    Stage fact = job.source("orders", 2, ORDERS, orders(rows));
    Stage joined = job.join("joined", 2, Input.broadcast(dim), new int[] {0}, Input.chained(fact), new int[] {1},
        JoinType.INNER);
    job.sink("sink", 1, Input.global(joined), sink::operator);

    JobResult result = taskManager.execute(job.build());

    long matching = matchingOrders(rows);
    assertThat(sink.rows).hasSize((int) matching);
    for (BinaryRow r : sink.rows) {
      assertThat(r.getInt(4)).isEqualTo(r.getInt(1));
      assertThat(r.getString(5)).isEqualTo("r" + (r.getInt(1) % 7));
    }
    assertThat(result.stages().get(0).recordsOut()).isEqualTo(4000);
    assertThat(result.stages().get(0).bytesOut()).as("every customer sent to both subtasks")
        .isEqualTo(result.stages().get(2).bytesIn() - result.stages().get(1).bytesOut());
    assertThat(result.stages().get(2).recordsIn()).isEqualTo(2 * 4000 + rows);
    assertThat(result.stages().get(1).backpressureNanos()).isZero();
    assertAllReleased();
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void aFailingChainedOperatorNamesItsStageAndCauseAndReleasesEverything(boolean checked) throws Exception {
    taskManager = taskManager("8m", 2, temp);
    Job.Builder job = Job.builder("failing-chain");
    Stage src = job.source("orders", 2, ORDERS, orders(300_000));
    Stage agg = job.aggregate("totals", 2, Input.chained(src), new int[] {1}, AggregateFunction.count());
    Stage bad = job.operator("bad", 2, agg.outputSchema(), false, () -> new Operator() {
      long seen;

      @Override
      public void process(int input, BinaryRow row, Collector out) throws Exception {
        if (++seen == 100) {
          throw checked ? new Exception("checked failure") : new IllegalStateException("unchecked failure");
        }
      }
    }, Input.chained(agg));
    job.sink("sink", 1, Input.global(bad), () -> (i, row, out) -> {});

    assertThatThrownBy(() -> taskManager.execute(job.build()))
        .isInstanceOf(JobFailedException.class)
        .hasMessageContaining("bad#")
        .hasRootCauseMessage(checked ? "checked failure" : "unchecked failure");
    assertAllReleased();
  }

  @Test
  void aSourceFailingUnderAChainedAggregationReleasesItsMemory() throws Exception {
    taskManager = taskManager("8m", 1, temp);
    Job.Builder job = Job.builder("failing-under-chain");
    Stage src = job.source("orders", 1, ORDERS, (ctx, out) -> {
      orders(50_000).run(ctx, out);
      throw new IOException("the file vanished");
    });
    Stage agg = job.aggregate("totals", 1, Input.chained(src), new int[] {1}, AggregateFunction.count());
    job.sink("sink", 1, Input.chained(agg), () -> (i, row, out) -> {});

    assertThatThrownBy(() -> taskManager.execute(job.build()))
        .isInstanceOf(JobFailedException.class)
        .hasMessageContaining("orders#0")
        .hasRootCauseMessage("the file vanished");
    assertAllReleased();
  }

  @Test
  void theBuilderRejectsAChainOfUnequalParallelism() {
    Job.Builder job = Job.builder("uneven");
    Stage src = job.source("orders", 2, ORDERS, orders(10));
    assertThatThrownBy(() -> job.sink("sink", 1, Input.chained(src), () -> (i, row, out) -> {}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("chained input from 'orders' (parallelism 2)");
  }

  @Test
  void aFailingOperatorFailsTheJobWithItsCauseAndReleasesEverything() throws Exception {
    taskManager = taskManager("4m", 2, temp);
    Job.Builder job = Job.builder("failing");
    Stage src = job.source("orders", 2, ORDERS, orders(300_000));
    Stage sorted = job.sort("sorted", Input.hash(src, 0), SortField.ascending(3));
    job.sink("sink", 2, Input.forward(sorted), () -> new Operator() {
      long seen;

      @Override
      public void process(int input, BinaryRow row, Collector out) throws IOException {
        if (++seen == 1000) {
          throw new IOException("disk on fire");
        }
      }
    });

    assertThatThrownBy(() -> taskManager.execute(job.build()))
        .isInstanceOf(JobFailedException.class)
        .hasMessageContaining("sink#")
        .hasRootCauseMessage("disk on fire");
    assertAllReleased();
  }

  @Test
  void aFailingSourceCancelsConsumersWaitingForInput() throws Exception {
    taskManager = taskManager("4m", 2, temp);
    Job.Builder job = Job.builder("failing-source");
    Stage src = job.source("orders", 2, ORDERS, (ctx, out) -> {
      if (ctx.subtask() == 1) {
        throw new IllegalStateException("bad input");
      }
      orders(10_000_000).run(ctx, out);
    });
    Stage agg = job.aggregate("totals", 2, Input.hash(src, 1), new int[] {1}, AggregateFunction.count());
    job.sink("sink", 2, Input.forward(agg), () -> (i, row, out) -> {});

    assertThatThrownBy(() -> taskManager.execute(job.build()))
        .isInstanceOf(JobFailedException.class)
        .hasRootCauseMessage("bad input");
    assertAllReleased();
  }

  @Test
  void aFullDiskWhileSpillingFailsTheJobAndLeavesNoFiles() throws Exception {
    taskManager = diskFullTaskManager("1m", 1, 3 << 20);
    Job.Builder job = Job.builder("disk-full");
    Stage src = job.source("orders", 1, ORDERS, orders(400_000));
    Stage sorted = job.sort("sorted", Input.forward(src), SortField.ascending(3));
    job.sink("sink", 1, Input.forward(sorted), () -> (i, row, out) -> {});

    assertThatThrownBy(() -> taskManager.execute(job.build()))
        .isInstanceOf(JobFailedException.class)
        .hasMessageContaining("sorted#0")
        .rootCause().hasMessageContaining("No space left on device");
    assertAllReleased();
  }

  /**
   * Passes rows on, records each subtask's managed-memory share and holds all of it until it
   * closes, which takes a while after its last row (so a consumer that does not wait for the memory
   * finds it taken); a memory user of weight 8.
   */
  private static Stage recordingShares(Job.Builder job, int parallelism, Input input, Map<Integer, Long> shares) {
    return job.operator("memory", parallelism, input.stage().outputSchema(), 1, () -> new Operator() {
      private TaskContext context;
      private List<MemorySegment> pages = List.of();

      @Override
      public void open(TaskContext context) throws Exception {
        this.context = context;
        shares.put(context.subtask(), context.managedMemoryBytes());
        int count = (int) (context.managedMemoryBytes() / context.memoryManager().pageSize());
        pages = context.memoryManager().allocatePages(context.owner(), count);
      }

      @Override
      public void process(int input, BinaryRow row, Collector out) throws Exception {
        out.collect(row);
      }

      @Override
      public void close() {
        try {
          Thread.sleep(200);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        context.memoryManager().release(pages);
      }
    }, input);
  }

  /** Orders of two subtasks through {@link #recordingShares}, sorted together by amount and id, into {@code sink}. */
  private static Job spoolingJob(String name, long rows, Map<Integer, Long> shares,
      Supplier<Operator> sink) {
    Job.Builder job = Job.builder(name);
    Stage src = job.source("orders", 2, ORDERS, orders(rows));
    Stage memory = recordingShares(job, 2, Input.hash(src, 1), shares);
    Stage sorted = job.sort("sorted", Input.global(memory), SortField.ascending(3), SortField.ascending(0));
    job.sink("sink", 1, Input.forward(sorted), sink);
    return job.build();
  }

  /**
   * A sort whose slot's other memory user feeds it spools its input and sorts with the whole slot
   * afterwards: that producer had its slot but the spool pages, as much as the producer alone in
   * the other slot, where a shared slot would have given it half; the whole input went through
   * the spool, and the output is sorted and complete.
   */
  @Test
  void aSortAfterItsProducersSpoolsAndThenTakesTheWholeSlot() throws Exception {
    taskManager = taskManager("8m", 2, temp);
    long rows = 100_000;
    Map<Integer, Long> shares = new ConcurrentHashMap<>();
    Collecting sink = new Collecting();
    JobResult result = taskManager.execute(spoolingJob("spool", rows, shares, sink::operator));

    long budget = taskManager.memoryManager(0).budget();
    int page = taskManager.memoryManager(0).pageSize();
    assertThat(shares).containsEntry(1, budget).containsEntry(0, budget - SortOperator.spoolPages(2) * page);
    assertThat(result.spilledBytes()).as("the spool holds every row").isGreaterThan(rows * 20);
    assertThat(sink.rows).hasSize((int) rows);
    assertOrdered(sink.rows, BY_AMOUNT_THEN_ID, true);
    assertThat(result.slots()).allSatisfy(slot -> assertThat(slot.peakBytes()).isLessThanOrEqualTo(budget));
    assertThat(result.leaks()).isEmpty();
    assertAllReleased();
  }

  /** A spooling sort whose input is empty emits nothing and leaves nothing behind. */
  @Test
  void aSpoolingSortOfNoRowsEmitsNothing() throws Exception {
    taskManager = taskManager("8m", 2, temp);
    Map<Integer, Long> shares = new ConcurrentHashMap<>();
    Collecting sink = new Collecting();
    JobResult result = taskManager.execute(spoolingJob("spool-empty", 0, shares, sink::operator));

    assertThat(shares.get(0)).as("spooled").isLessThan(shares.get(1));
    assertThat(sink.rows).isEmpty();
    assertThat(result.leaks()).isEmpty();
    assertAllReleased();
  }

  /** A sort right after a source (no memory user feeds it) keeps its share and sorts as rows come. */
  @Test
  void aSortWithoutMemoryUsingProducersDoesNotSpool() throws Exception {
    taskManager = taskManager("8m", 1, temp);
    Job.Builder job = Job.builder("no-spool");
    Stage src = job.source("orders", 1, ORDERS, orders(20_000));
    Stage sorted = job.sort("sorted", Input.forward(src), SortField.ascending(3));
    job.sink("sink", 1, Input.forward(sorted), () -> (i, row, out) -> {});

    JobResult result = taskManager.execute(job.build());

    assertThat(result.spilledBytes()).as("20,000 rows fit 8 MiB").isZero();
    assertAllReleased();
  }

  /** A sort sharing its slot with a memory user that does not feed it keeps its share. */
  @Test
  void aSortBesideAMemoryUserItDoesNotReadKeepsItsShare() throws Exception {
    taskManager = taskManager("8m", 1, temp);
    Map<Integer, Long> shares = new ConcurrentHashMap<>();
    Job.Builder job = Job.builder("beside");
    Stage customers = job.source("customers", 1, CUSTOMERS, customers());
    Stage sortedCustomers = job.sort("sorted", Input.forward(customers), SortField.ascending(0));
    Stage orders = job.source("orders", 1, ORDERS, orders(20_000));
    Stage memory = recordingShares(job, 1, Input.forward(orders), shares);
    Stage join = job.join("join", 1, Input.forward(sortedCustomers), new int[] {0}, Input.forward(memory),
        new int[] {1}, JoinType.INNER);
    job.sink("sink", 1, Input.forward(join), () -> (i, row, out) -> {});

    JobResult result = taskManager.execute(job.build());

    assertThat(result.leaks()).isEmpty();
    long budget = taskManager.memoryManager(0).budget();
    assertThat(shares.get(0)).as("a third of the slot, beside the sort and the join").isLessThan(budget / 2);
    assertAllReleased();
  }

  /** A producer failing while the sort spools fails the job with its cause; the spool is deleted. */
  @Test
  void aProducerFailingWhileTheSortSpoolsReleasesEverything() throws Exception {
    taskManager = taskManager("8m", 2, temp);
    Job.Builder job = Job.builder("spool-failing");
    Stage src = job.source("orders", 2, ORDERS, orders(200_000));
    Stage memory = job.operator("memory", 2, ORDERS, 1, () -> new Operator() {
      long seen;

      @Override
      public void process(int input, BinaryRow row, Collector out) throws Exception {
        if (++seen == 60_000) {
          throw new IllegalStateException("producer broke");
        }
        out.collect(row);
      }
    }, Input.hash(src, 1));
    Stage sorted = job.sort("sorted", Input.global(memory), SortField.ascending(3));
    job.sink("sink", 1, Input.forward(sorted), () -> (i, row, out) -> {});

    assertThatThrownBy(() -> taskManager.execute(job.build()))
        .isInstanceOf(JobFailedException.class)
        .hasMessageContaining("memory#")
        .hasRootCauseMessage("producer broke");
    assertAllReleased();
  }

  /**
   * A spooling sort whose channels each arrive in its order merges their spools instead of
   * sorting: the producers pass on their source's rows, ids ascending per subtask, and the sort by
   * id spills only its spool (the sort by amount, of the same rows in the same memory, spills the
   * spool and then its runs); both outputs are sorted and complete, and nothing stays.
   */
  @Test
  void aSpoolingSortOfChannelsInOrderMergesThemWithoutSorting() throws Exception {
    taskManager = taskManager("8m", 2, temp);
    long rows = 200_000;
    Collecting byId = new Collecting();
    JobResult merged = taskManager.execute(inOrderPerChannelJob("merge", rows, SortField.ascending(0), byId));
    assertAllReleased();
    Collecting byAmount = new Collecting();
    JobResult sorted = taskManager.execute(inOrderPerChannelJob("sort", rows, SortField.ascending(3), byAmount));

    assertThat(byId.rows).extracting(r -> r.getLong(0)).containsExactlyElementsOf(
        java.util.stream.LongStream.range(0, rows).boxed().toList());
    assertThat(byAmount.rows).hasSize((int) rows);
    assertOrdered(byAmount.rows, Comparator.comparingLong(r -> r.getLong(3)), false);
    assertThat(merged.spilledBytes()).as("the spool alone").isGreaterThan(rows * 20)
        .isLessThan(sorted.spilledBytes() * 3 / 4);
    assertThat(merged.leaks()).isEmpty();
    assertAllReleased();
  }

  /** A sink failing while the sort merges its spools fails the job; the spools are deleted, their pages back. */
  @Test
  void aFailureWhileTheSortMergesReleasesEverything() throws Exception {
    taskManager = taskManager("8m", 2, temp);
    Job job = inOrderPerChannelJob("merge-failing", 100_000, SortField.ascending(0), null);

    assertThatThrownBy(() -> taskManager.execute(job))
        .isInstanceOf(JobFailedException.class)
        .hasRootCauseMessage("sink broke");
    assertAllReleased();
  }

  /**
   * An aggregation sorted by its group fields: its subtasks emit their groups in key order (they
   * fit), the sort merges them, and the result equals the reference, at parallelism 1 (one
   * channel) and 2, with a second sort key among the group fields.
   */
  @ParameterizedTest
  @ValueSource(ints = {1, 2})
  void groupsSortedByTheirKeysComeOutSortedAndComplete(int parallelism) throws Exception {
    taskManager = taskManager("8m", 2, temp);
    long rows = 150_000;
    Collecting sink = new Collecting();
    Job.Builder job = Job.builder("agg-by-key");
    Stage src = job.source("orders", parallelism, ORDERS, orders(rows));
    Stage agg = job.aggregate("totals", parallelism, Input.hash(src, 1, 2), new int[] {1, 2},
        AggregateFunction.count());
    Stage sorted = job.sort("sorted", Input.global(agg), SortField.ascending(0), SortField.ascending(1));
    job.sink("sink", 1, Input.forward(sorted), sink::operator);

    JobResult result = taskManager.execute(job.build());

    Map<List<Object>, Long> expected = new java.util.TreeMap<>(Comparator.<List<Object>, Integer>comparing(
        k -> (Integer) k.get(0)).thenComparing(k -> (String) k.get(1)));
    RowWriter w = new RowWriter(ORDERS);
    for (long i = 0; i < rows; i++) {
      order(w, i);
      BinaryRow r = w.toRow();
      expected.merge(List.of(r.getInt(1), r.getString(2)), 1L, Long::sum);
    }
    List<List<Object>> want = expected.entrySet().stream()
        .map(e -> List.of(e.getKey().get(0), e.getKey().get(1), e.getValue())).toList();
    List<List<Object>> got = sink.rows.stream()
        .map(r -> List.<Object>of(r.getInt(0), r.getString(1), r.getLong(2))).toList();
    assertThat(got).containsExactlyElementsOf(want);
    assertThat(result.leaks()).isEmpty();
    assertAllReleased();
  }

  /**
   * Orders of two subtasks, each passed on in its source's order (ids ascending) by a memory user
   * forwarding them, gathered by a sort on {@code key} into {@code sink} (null: a sink that fails
   * after 30,000 rows).
   */
  private static Job inOrderPerChannelJob(String name, long rows, SortField key, Collecting sink) {
    Job.Builder job = Job.builder(name);
    Stage src = job.source("orders", 2, ORDERS, orders(rows));
    Stage memory = recordingShares(job, 2, Input.forward(src), new ConcurrentHashMap<>());
    Stage sorted = job.sort("sorted", Input.global(memory), key);
    job.sink("sink", 1, Input.forward(sorted), sink != null ? sink::operator : () -> new Operator() {
      long seen;

      @Override
      public void process(int input, BinaryRow row, Collector out) {
        if (++seen == 30_000) {
          throw new IllegalStateException("sink broke");
        }
      }
    });
    return job.build();
  }

  /** A full disk while the sort spools its input fails the job naming the sort; nothing stays. */
  @Test
  void aFullDiskWhileTheSortSpoolsFailsTheJobAndLeavesNoFiles() throws Exception {
    taskManager = diskFullTaskManager("8m", 2, 1 << 20);
    Map<Integer, Long> shares = new ConcurrentHashMap<>();
    assertThatThrownBy(() -> taskManager.execute(spoolingJob("spool-disk-full", 200_000, shares,
        () -> (i, row, out) -> {})))
        .isInstanceOf(JobFailedException.class)
        .hasMessageContaining("sorted#0")
        .rootCause().hasMessageContaining("No space left on device");
    assertAllReleased();
  }

  @Test
  void aJobRunTwiceLeavesNoGrowth() throws Exception {
    taskManager = taskManager("4m", 2, temp);
    long before = 0;
    for (int run = 0; run < 3; run++) {
      Job.Builder job = Job.builder("again");
      Stage src = job.source("orders", 2, ORDERS, orders(100_000));
      Stage sorted = job.sort("sorted", Input.hash(src, 1), SortField.ascending(1));
      job.sink("sink", 2, Input.forward(sorted), () -> (i, row, out) -> {});
      taskManager.execute(job.build());
      assertAllReleased();
      long now = MemorySegments.offHeapBytesInUse();
      if (run > 0) {
        assertThat(now).isEqualTo(before);
      }
      before = now;
    }
  }

  @Test
  void aJobWiderThanTheSlotsIsRejectedWithTheFix() {
    taskManager = taskManager("4m", 1, temp);
    Job.Builder job = Job.builder("wide");
    Stage src = job.source("orders", 2, ORDERS, orders(10));
    job.sink("sink", 2, Input.forward(src), () -> (i, row, out) -> {});
    assertThatThrownBy(() -> taskManager.execute(job.build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("parallelism 2").hasMessageContaining("1 slots");
  }

  @Test
  void theBuilderRejectsAStageWithTwoConsumers() {
    Job.Builder job = Job.builder("fan-out");
    Stage src = job.source("orders", 1, ORDERS, orders(10));
    job.sink("a", 1, Input.forward(src), () -> (i, row, out) -> {});
    assertThatThrownBy(() -> job.sink("b", 1, Input.forward(src), () -> (i, row, out) -> {}))
        .hasMessageContaining("already feeds another stage");
  }

  /** Orders by amount, then id (ids are unique, so every two orders differ). */
  private static final Comparator<BinaryRow> BY_AMOUNT_THEN_ID =
      Comparator.<BinaryRow>comparingLong(r -> r.getLong(3)).thenComparingLong(r -> r.getLong(0));

  /** Each row orders after the one before it by {@code order}: strictly, or with ties allowed. */
  private static void assertOrdered(List<BinaryRow> rows, Comparator<BinaryRow> order, boolean strict) {
    for (int i = 1; i < rows.size(); i++) {
      int c = order.compare(rows.get(i - 1), rows.get(i));
      assertThat(strict ? c < 0 : c <= 0).as("row %d in order", i).isTrue();
    }
  }

  private void assertAllReleased() throws IOException {
    for (int s = 0; s < taskManager.slots(); s++) {
      assertThat(taskManager.memoryManager(s).verifyEmpty()).as("slot %d empty", s).isTrue();
    }
    assertThat(taskManager.networkBufferPool().numberOfFreeSegments())
        .isEqualTo(taskManager.networkBufferPool().totalNumberOfSegments());
    assertThat(taskManager.networkBufferPool().numberOfBufferPools()).isZero();
    assertThat(taskManager.spillManager().liveFiles()).isZero();
    try (Stream<Path> files = Files.list(temp)) {
      assertThat(files).isEmpty();
    }
  }

  /** A task manager whose spill files together take {@code bytes} bytes, then fail every write. */
  private LocalTaskManager diskFullTaskManager(String managed, int slots, long bytes) {
    Configuration config = Configuration.empty().with("taskmanager.memory.process.size", "1g")
        .with("taskmanager.memory.managed.size", managed)
        .with("taskmanager.numberOfTaskSlots", Integer.toString(slots));
    return LocalTaskManager.builder(MemoryPlanner.planTaskManager(config))
        .tempDirectories(List.of(temp)).fileOpener(diskFullAfter(bytes)).build();
  }

  /** An opener of spill channels that together accept {@code bytes} bytes, then fail every write. */
  private static FileOpener diskFullAfter(long bytes) {
    FaultyFileChannel.Faults faults = new FaultyFileChannel.Faults();
    faults.writeLimit = bytes;
    return faults.opener();
  }
}
