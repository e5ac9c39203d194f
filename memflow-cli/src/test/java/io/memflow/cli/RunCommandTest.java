package io.memflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.memflow.memory.MemorySegments;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** End-to-end tests of {@code memflow run}: built-in jobs against references, errors, reports. */
class RunCommandTest {

  @TempDir Path dir;
  private StringWriter out = new StringWriter();
  private StringWriter err = new StringWriter();

  private int run(String... args) {
    out = new StringWriter();
    err = new StringWriter();
    List<String> all = new ArrayList<>(Arrays.asList(args));
    all.addAll(List.of("--progress", "none", "--tmp-dir", spill().toString()));
    return Main.execute(all.toArray(String[]::new), new PrintWriter(out, true), new PrintWriter(err, true));
  }

  private Path spill() {
    Path spill = dir.resolve("spill");
    try {
      Files.createDirectories(spill);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return spill;
  }

  private Path generate(String name, int rows, String... extra) {
    Path file = dir.resolve(name);
    List<String> args = new ArrayList<>(List.of("run", "generate", "--rows", Integer.toString(rows), "--output", file.toString()));
    args.addAll(Arrays.asList(extra));
    assertThat(run(args.toArray(String[]::new))).as(err.toString()).isZero();
    return file;
  }

  private static List<String[]> rows(Path file) throws IOException {
    return Files.readAllLines(file).stream().skip(1).map(l -> l.split(",", -1)).toList();
  }

  private void assertNoSpillFilesLeft() throws IOException {
    try (Stream<Path> files = Files.list(spill())) {
      assertThat(files).isEmpty();
    }
  }

  @ParameterizedTest
  @CsvSource({"64m, 1", "1m, 2"})
  void sortsAFileByAmountDescendingThenIdLikeAReferenceSort(String managed, String parallelism) throws IOException {
    Path orders = generate("orders.csv", 60_000);
    Path sorted = dir.resolve("sorted.csv");

    int code = run("run", "sort", "--input", orders.toString(), "--by", "amount:desc,id", "--output", sorted.toString(),
        "-D", "taskmanager.memory.managed.size=" + managed, "--parallelism", parallelism);

    assertThat(code).as(err.toString()).isZero();
    List<String[]> expected = new ArrayList<>(rows(orders));
    expected.sort(Comparator.<String[]>comparingDouble(r -> -Double.parseDouble(r[3]))
        .thenComparingLong(r -> Long.parseLong(r[0])));
    assertThat(rows(sorted)).usingElementComparator(Arrays::compare).containsExactlyElementsOf(expected);
    assertThat(Files.readAllLines(sorted).getFirst()).isEqualTo("id,customer,word,amount");
    assertThat(out.toString()).contains("Job 'sort' finished").contains("released").doesNotContain("LEAKED");
    if (managed.equals("1m")) {
      assertThat(out.toString()).doesNotContain("spilled         0 B");
    }
    assertNoSpillFilesLeft();
  }

  @ParameterizedTest
  @CsvSource({"64m, auto", "1m, auto", "1m, on", "1m, off"})
  void aggregatesPerCustomerLikeAReference(String managed, String preAggregate) throws IOException {
    Path orders = generate("orders.csv", 50_000, "--customers", "20000");
    Path result = dir.resolve("totals.csv");

    int code = run("run", "aggregate", "--input", orders.toString(), "--group-by", "customer",
        "--agg", "count,sum:amount,min:amount,max:amount", "--output", result.toString(), "--parallelism", "2",
        "-D", "taskmanager.memory.managed.size=" + managed, "--pre-aggregate", preAggregate);

    assertThat(code).as(err.toString()).isZero();
    if (preAggregate.equals("off")) {
      assertThat(out.toString()).doesNotContain("aggregate-combine");
    } else { // the skewed customers repeat: auto pre-aggregates too
      assertThat(out.toString()).contains("aggregate-combine");
    }
    Map<Long, double[]> expected = new TreeMap<>();
    for (String[] r : rows(orders)) {
      double amount = Double.parseDouble(r[3]);
      double[] acc = expected.computeIfAbsent(Long.parseLong(r[1]),
          k -> new double[] {0, 0, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY});
      acc[0]++;
      acc[1] += amount;
      acc[2] = Math.min(acc[2], amount);
      acc[3] = Math.max(acc[3], amount);
    }
    List<String[]> got = rows(result);
    assertThat(Files.readAllLines(result).getFirst()).isEqualTo("customer,count,sum_amount,min_amount,max_amount");
    assertThat(got).hasSize(expected.size());
    int i = 0;
    for (Map.Entry<Long, double[]> e : expected.entrySet()) {
      String[] r = got.get(i++);
      assertThat(Long.parseLong(r[0])).isEqualTo(e.getKey());
      assertThat(Long.parseLong(r[1])).isEqualTo((long) e.getValue()[0]);
      assertThat(Double.parseDouble(r[2])).isCloseTo(e.getValue()[1], org.assertj.core.api.Assertions.within(1e-6));
      assertThat(Double.parseDouble(r[3])).isEqualTo(e.getValue()[2]);
      assertThat(Double.parseDouble(r[4])).isEqualTo(e.getValue()[3]);
    }
    assertNoSpillFilesLeft();
  }

  /**
   * Every join type against a reference join of the files' lines, with a right file small enough
   * to be broadcast to both join subtasks (2,000 rows), one that is hashed (20,000 rows, more
   * than half of a subtask's managed memory) and one whose join spills (60,000 rows: the spilled
   * partitions are read back into pages that held rows whose text was kept while probing), each at
   * parallelism 1 and 2.
   */
  @ParameterizedTest
  @CsvSource({"inner, 2000, 2", "left, 2000, 2", "right, 2000, 2", "semi, 2000, 2", "anti, 2000, 2",
      "inner, 20000, 2", "left, 20000, 2", "right, 20000, 2", "anti, 20000, 2", "inner, 2000, 1", "right, 20000, 1",
      "inner, 60000, 2", "left, 60000, 2", "right, 60000, 2"})
  void joinsTwoFilesLikeAReference(String type, int customerRows, int parallelism) throws IOException {
    Path orders = generate("orders.csv", 30_000, "--customers", Integer.toString(customerRows + 1000));
    Path customers = generate("customers.csv", customerRows, "--schema", "customers");
    Path result = dir.resolve("joined.csv");

    int code = run("run", "join", "--left", orders.toString(), "--right", customers.toString(), "--on",
        "customer=customer", "--type", type, "--output", result.toString(), "--parallelism",
        Integer.toString(parallelism), "-D", "taskmanager.memory.managed.size=2m");

    assertThat(code).as(err.toString()).isZero();
    List<String> expected = referenceJoin(type, Files.readAllLines(orders), Files.readAllLines(customers));
    List<String> got = new ArrayList<>(Files.readAllLines(result));
    String header = got.removeFirst();
    got.sort(null);
    assertThat(got).containsExactlyElementsOf(expected);
    assertThat(header).isEqualTo(type.equals("semi") || type.equals("anti") ? "id,customer,word,amount"
        : "id,customer,word,amount,build.customer,name,region");
    assertThat(out.toString()).contains("released").doesNotContain("LEAKED");
    assertNoSpillFilesLeft();
  }

  /** The sorted lines of a join of the orders' and customers' lines (with headers) on customer. */
  private static List<String> referenceJoin(String type, List<String> orders, List<String> customers) {
    Map<String, String> byKey = new HashMap<>();
    customers.stream().skip(1).forEach(c -> byKey.put(c.split(",", -1)[0], c));
    Set<String> matchedKeys = new HashSet<>();
    List<String> lines = new ArrayList<>();
    for (String order : orders.subList(1, orders.size())) {
      String customer = byKey.get(order.split(",", -1)[1]);
      if (customer != null) {
        matchedKeys.add(order.split(",", -1)[1]);
      }
      switch (type) {
        case "inner", "right" -> { if (customer != null) lines.add(order + "," + customer); }
        case "left" -> lines.add(order + "," + (customer != null ? customer : ",,"));
        case "semi" -> { if (customer != null) lines.add(order); }
        case "anti" -> { if (customer == null) lines.add(order); }
        default -> throw new AssertionError(type);
      }
    }
    if (type.equals("right")) {
      byKey.forEach((key, customer) -> { if (!matchedKeys.contains(key)) lines.add(",,,," + customer); });
    }
    lines.sort(null);
    return lines;
  }

  @Test
  void preAggregationIsChosenFromASampleOfTheGroupsAndCanBeForced() throws IOException {
    Path unique = dir.resolve("unique.csv");
    Path repeating = dir.resolve("repeating.csv");
    StringBuilder u = new StringBuilder("key,value\n");
    StringBuilder r = new StringBuilder("key,value\n");
    for (int i = 0; i < 20_000; i++) {
      u.append(i).append(',').append(i % 7).append('\n');
      r.append(i % 5000).append(',').append(i % 7).append('\n');
    }
    Files.writeString(unique, u);
    Files.writeString(repeating, r);
    RepeatProbe probe = file -> CsvInputs.groupsRepeat(file, CsvInputs.schema(file, null), new int[] {0});
    assertThat(probe.repeats(unique)).isFalse();
    assertThat(probe.repeats(repeating)).isTrue();
    Files.writeString(dir.resolve("bad.csv"), "key,value\n1,2\n3\n");
    assertThat(probe.repeats(dir.resolve("bad.csv"))).as("an unreadable sample leaves the choice to the job").isTrue();
    StringBuilder longer = new StringBuilder("key,value\n");
    for (int i = 0; i < CsvInputs.SAMPLE_ROWS / 2 + 10; i++) {
      longer.append(i).append(",1\n");
    }
    Files.writeString(dir.resolve("late.csv"), longer.append("broken\n"));
    assertThat(probe.repeats(dir.resolve("late.csv")))
        .as("more distinct keys than the sample could repeat: settled before the malformed row").isFalse();

    Path result = dir.resolve("sums.csv");
    assertThat(run("run", "aggregate", "--input", unique.toString(), "--group-by", "key", "--agg", "sum:value",
        "--output", result.toString(), "--parallelism", "2")).as(err.toString()).isZero();
    assertThat(out.toString()).doesNotContain("aggregate-combine");
    assertThat(rows(result)).hasSize(20_000);
    assertThat(run("run", "aggregate", "--input", repeating.toString(), "--group-by", "key", "--agg", "sum:value",
        "--output", result.toString(), "--parallelism", "2")).as(err.toString()).isZero();
    assertThat(out.toString()).contains("aggregate-combine");
    assertThat(rows(result)).hasSize(5000);
    assertThat(run("run", "aggregate", "--input", repeating.toString(), "--group-by", "key", "--agg", "sum:value",
        "--output", result.toString(), "--parallelism", "2", "--pre-aggregate", "sometimes")).isEqualTo(2);
    assertThat(err.toString()).contains("unknown --pre-aggregate 'sometimes'");
  }

  /** {@link CsvInputs#groupsRepeat} on a file's first column. */
  private interface RepeatProbe {
    boolean repeats(Path file);
  }

  @Test
  void theDefaultJobPrintsItsSummaryAndAJsonReport() throws IOException {
    Path report = dir.resolve("report.json");

    int code = run("run", "--rows", "50000", "--customers", "500", "--report", "json", report.toString(),
        "-D", "taskmanager.memory.managed.size=2m");

    assertThat(code).as(err.toString()).isZero();
    assertThat(out.toString()).contains("Default job: 50,000 orders").contains("groups of 50,000 joined orders")
        .contains("managed slot 0").contains("network").contains("spilled").contains("GC");
    String json = Files.readString(report);
    assertThat(json).contains("\"job\": \"default\"").contains("\"stages\": [").contains("\"leaks\": []")
        .contains("\"managedSlots\"").contains("\"spilled\"");
    assertNoSpillFilesLeft();
  }

  @Test
  void aMissingInputFileIsABadInputError() {
    int code = run("run", "sort", "--input", dir.resolve("nope.csv").toString(), "--by", "id", "--output",
        dir.resolve("o.csv").toString());
    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("nope.csv does not exist").doesNotContain("Exception").doesNotContain("\tat ");
  }

  @Test
  void anUnknownColumnNamesTheColumnsThereAre() {
    Path orders = generate("orders.csv", 100);
    long offHeapBefore = MemorySegments.offHeapBytesInUse();
    int code = run("run", "sort", "--input", orders.toString(), "--by", "price", "--output", dir.resolve("o.csv").toString());
    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("column 'price'").contains("id, customer, word, amount");
    // the task manager built meanwhile (its network buffers are off-heap) was closed again
    assertThat(MemorySegments.offHeapBytesInUse()).isEqualTo(offHeapBefore);
  }

  @Test
  void aMalformedRowNamesLineAndColumnAndLeavesNoOutputBehind() throws IOException {
    Path input = dir.resolve("bad.csv");
    StringBuilder b = new StringBuilder("id,amount\n");
    for (int i = 0; i < 30_000; i++) {
      b.append(i).append(',').append(i).append('\n');
    }
    b.append("30000,oops\n");
    Files.writeString(input, b);
    Path output = dir.resolve("o.csv");
    Files.writeString(output, "old contents\n");

    // three readers: the bad row is in the last one's range, which still names the file's line
    int code = run("run", "sort", "--input", input.toString(), "--by", "amount", "--output", output.toString(),
        "--parallelism", "3");

    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("line 30002").contains("column 2").contains("amount");
    assertThat(Files.readString(output)).isEqualTo("old contents\n");
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("bad.csv", "o.csv", "spill");
    }
    assertNoSpillFilesLeft();
  }

  @Test
  void aBudgetTooSmallToRunSaysTheSmallestThatWould() {
    Path orders = generate("orders.csv", 100);
    int code = run("run", "sort", "--input", orders.toString(), "--by", "id", "--output", dir.resolve("o.csv").toString(),
        "-D", "taskmanager.memory.managed.size=64k");
    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("too small").contains("taskmanager.memory.managed.size=256kb");
    assertThat(dir.resolve("o.csv")).doesNotExist();
  }

  @Test
  void tooFewNetworkBuffersSaysHowMuchNetworkMemoryWouldDoAndThatAmountRuns() {
    String[] shape = {"run", "--rows", "1000", "--customers", "50", "--parallelism", "2"};
    List<String> small = new ArrayList<>(List.of(shape));
    small.addAll(List.of("-D", "taskmanager.memory.network.min=256kb", "-D", "taskmanager.memory.network.max=256kb"));
    assertThat(run(small.toArray(String[]::new))).isEqualTo(2);
    java.util.regex.Matcher fix = java.util.regex.Pattern.compile("taskmanager.memory.network.min: (\\d+mb)").matcher(err.toString());
    assertThat(fix.find()).as(err.toString()).isTrue();

    List<String> enough = new ArrayList<>(List.of(shape));
    enough.addAll(List.of("-D", "taskmanager.memory.network.min=" + fix.group(1), "-D",
        "taskmanager.memory.network.max=" + fix.group(1)));
    assertThat(run(enough.toArray(String[]::new))).as(err.toString()).isZero();
  }

  @Test
  void anInvalidMemoryConfigurationIsABadInputError() {
    int code = run("run", "--rows", "10", "--process-size", "100m");
    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("invalid TaskManager memory configuration");
  }

  @Test
  void badArgumentsAreBadInputErrors() {
    Path orders = generate("orders.csv", 100);
    assertThat(run("run", "aggregate", "--input", orders.toString(), "--group-by", "word", "--agg", "median:amount",
        "--output", dir.resolve("o.csv").toString())).isEqualTo(2);
    assertThat(err.toString()).contains("unknown aggregate 'median'");
    assertThat(run("run", "join", "--left", orders.toString(), "--right", orders.toString(), "--on", "id=word",
        "--output", dir.resolve("o.csv").toString())).isEqualTo(2);
    assertThat(err.toString()).contains("compares LONG with STRING");
    assertThat(run("run", "--rows", "10", "--parallelism", "0")).isEqualTo(2);
    assertThat(run("run", "--rows", "10", "--report", "xml", "r.xml")).isEqualTo(2);
    assertThat(err.toString()).contains("--report json FILE");
  }
}
