package io.memflow.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * Turns a JMH JSON result ({@code -rf json}) of this module's benchmarks into the markdown
 * tables of {@code docs/benchmarks.md}, in millions of operations per second with the ratio
 * memflow / Flink; with {@code -prof gc}, also the bytes allocated per operation.
 *
 * <ul>
 *   <li>Segment benchmarks (one class per operation, methods per memory kind such as {@code
 *       memflowHeap}, {@code flinkHeap}, {@code bufferHeap}): one row per (operation, kind),
 *       with the anchors.
 *   <li>Every other benchmark class: methods {@code memflowX} and {@code flinkX} (same suffix,
 *       same parameters) make one row.
 * </ul>
 *
 * <p>Usage: {@code java -cp benchmarks.jar io.memflow.bench.BenchTable jmh-result.json}. Not
 * thread-safe; a command-line tool.
 */
public final class BenchTable {

  /** Segment benchmark classes in table order, with the operation's name in the table. */
  private static final String[][] OPERATIONS = {
    {"SequentialGetInt", "sequential get int"},
    {"SequentialGetLong", "sequential get long"},
    {"SequentialPutInt", "sequential put int"},
    {"SequentialPutLong", "sequential put long"},
    {"RandomGetInt", "random get int"},
    {"RandomGetLong", "random get long"},
    {"RandomPutInt", "random put int"},
    {"RandomPutLong", "random put long"},
    {"CopyPage", "copy 32 KiB page"},
    {"CompareKeys", "compare 16-byte keys"},
    {"SwapKeys", "swap 16-byte keys"},
    {"AllocateFree", "allocate + free 32 KiB page"},
  };

  /** Per kind: the benchmark methods for memflow, Flink, Flink direct, ByteBuffer, byte[]. */
  private static final String[][] KINDS = {
    {"heap", "memflowHeap", "flinkHeap", null, "bufferHeap", "byteArray"},
    {"off-heap", "memflowOffHeap", "flinkOffHeap", "flinkDirect", "bufferDirect", null},
  };

  private BenchTable() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 1) {
      System.err.println("usage: BenchTable <jmh-result.json>");
      System.exit(2);
    }
    System.out.print(table(Files.readString(Path.of(args[0]), StandardCharsets.UTF_8)));
  }

  /** One benchmark's result: throughput in ops/µs and, with {@code -prof gc}, bytes per op. */
  private record Score(double opsPerMicrosecond, Double bytesPerOp) {}

  /** The markdown tables for a JMH JSON result. */
  static String table(String json) {
    Map<String, Score> scores = new LinkedHashMap<>();
    for (JsonNode result : new ObjectMapper().readTree(json)) {
      JsonNode primary = result.get("primaryMetric");
      JsonNode alloc = result.path("secondaryMetrics").get("gc.alloc.rate.norm");
      scores.put(
          name(result),
          new Score(
              perMicrosecond(primary.get("score").asDouble(), primary.get("scoreUnit").asString()),
              alloc == null ? null : alloc.get("score").asDouble()));
    }
    StringBuilder out = new StringBuilder();
    segmentTable(scores, out);
    pairTable(scores, out);
    return out.toString();
  }

  /** {@code Class.method} plus {@code (param=value, ...)} when the benchmark has parameters. */
  private static String name(JsonNode result) {
    String[] parts = result.get("benchmark").asString().split("\\.");
    StringBuilder name = new StringBuilder(parts[parts.length - 2] + "." + parts[parts.length - 1]);
    JsonNode params = result.get("params");
    if (params != null && !params.isEmpty()) {
      List<String> values = new ArrayList<>();
      for (Map.Entry<String, JsonNode> param : params.properties()) {
        values.add(param.getKey() + "=" + param.getValue().asString());
      }
      name.append(" (").append(String.join(", ", values)).append(')');
    }
    return name.toString();
  }

  private static void segmentTable(Map<String, Score> scores, StringBuilder out) {
    boolean gc = scores.values().stream().anyMatch(s -> s.bytesPerOp() != null);
    StringBuilder rows = new StringBuilder();
    for (String[] operation : OPERATIONS) {
      for (String[] kind : KINDS) {
        Score memflow = scores.get(operation[0] + "." + kind[1]);
        Score flink = scores.get(operation[0] + "." + kind[2]);
        if (memflow == null && flink == null) {
          continue;
        }
        List<String> cells = new ArrayList<>(List.of(operation[1], kind[0], format(memflow), format(flink), ratio(memflow, flink)));
        for (int i = 3; i < kind.length; i++) {
          cells.add(kind[i] == null ? "" : format(scores.get(operation[0] + "." + kind[i])));
        }
        if (gc) {
          cells.add(bytes(memflow));
        }
        rows.append("| ").append(String.join(" | ", cells)).append(" |\n");
      }
    }
    if (rows.isEmpty()) {
      return;
    }
    out.append("| operation | kind | memflow | Flink | memflow / Flink | Flink direct | ByteBuffer | byte[] |")
        .append(gc ? " memflow B/op |\n" : "\n")
        .append("|---|---|--:|--:|--:|--:|--:|--:|")
        .append(gc ? "--:|\n" : "\n")
        .append(rows)
        .append('\n');
  }

  private static void pairTable(Map<String, Score> scores, StringBuilder out) {
    StringBuilder rows = new StringBuilder();
    for (Map.Entry<String, Score> entry : scores.entrySet()) {
      String name = entry.getKey();
      String className = name.substring(0, name.indexOf('.'));
      String method = name.substring(name.indexOf('.') + 1);
      if (isSegmentClass(className) || !method.startsWith("memflow")) {
        continue;
      }
      Score flink = scores.get(className + ".flink" + method.substring("memflow".length()));
      String label = className + " " + method.substring("memflow".length()).replace(" ", "");
      rows.append("| ").append(String.join(" | ", List.of(
              label.trim(), format(entry.getValue()), format(flink), ratio(entry.getValue(), flink),
              bytes(entry.getValue()), bytes(flink))))
          .append(" |\n");
    }
    if (!rows.isEmpty()) {
      out.append("| benchmark | memflow | Flink | memflow / Flink | memflow B/op | Flink B/op |\n")
          .append("|---|--:|--:|--:|--:|--:|\n")
          .append(rows)
          .append('\n');
    }
  }

  private static boolean isSegmentClass(String className) {
    for (String[] operation : OPERATIONS) {
      if (operation[0].equals(className)) {
        return true;
      }
    }
    return false;
  }

  /** Scores in operations per microsecond, which is millions of operations per second. */
  private static double perMicrosecond(double score, String unit) {
    return switch (unit) {
      case "ops/us" -> score;
      case "ops/ms" -> score / 1e3;
      case "ops/s" -> score / 1e6;
      case "ops/ns" -> score * 1e3;
      default -> throw new IllegalArgumentException("unit=" + unit + " is not a throughput unit");
    };
  }

  private static String ratio(Score memflow, Score flink) {
    return memflow == null || flink == null
        ? ""
        : String.format(Locale.ROOT, "**%.2f**", memflow.opsPerMicrosecond() / flink.opsPerMicrosecond());
  }

  private static String bytes(Score score) {
    return score == null || score.bytesPerOp() == null ? "" : String.format(Locale.ROOT, "%.1f", score.bytesPerOp());
  }

  private static String format(Score score) {
    if (score == null) {
      return "";
    }
    double v = score.opsPerMicrosecond();
    return String.format(Locale.ROOT, v >= 100 ? "%.0f" : v >= 10 ? "%.1f" : v >= 1 ? "%.2f" : "%.3f", v);
  }
}
