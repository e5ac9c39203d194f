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

/**
 * Turns a JMH JSON result ({@code -rf json}) of this module's benchmarks into the markdown table
 * of {@code docs/benchmarks.md}: one row per (operation, memory kind), memflow next to Flink and
 * the anchors, in millions of operations per second, with the ratio memflow / Flink. When the run
 * used {@code -prof gc}, a last column gives memflow's allocation in bytes per operation.
 *
 * <p>Usage: {@code java -cp benchmarks.jar io.memflow.bench.BenchTable jmh-result.json}. Not
 * thread-safe; a command-line tool.
 */
public final class BenchTable {

  /** Benchmark classes in table order, with the operation's name in the table. */
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
    String json = Files.readString(Path.of(args[0]), StandardCharsets.UTF_8);
    System.out.print(table(json));
  }

  /** The markdown table for a JMH JSON result. */
  static String table(String json) {
    Map<String, Double> scores = new LinkedHashMap<>();
    Map<String, Double> allocations = new LinkedHashMap<>();
    for (Object entry : (List<?>) new Json(json).value()) {
      Map<?, ?> result = (Map<?, ?>) entry;
      String name = shortName((String) result.get("benchmark"));
      Map<?, ?> primary = (Map<?, ?>) result.get("primaryMetric");
      scores.put(name, perMicrosecond((Double) primary.get("score"), (String) primary.get("scoreUnit")));
      Map<?, ?> secondary = (Map<?, ?>) result.get("secondaryMetrics");
      if (secondary != null) {
        secondary.forEach(
            (key, metric) -> {
              if (((String) key).endsWith("gc.alloc.rate.norm")) {
                allocations.put(name, (Double) ((Map<?, ?>) metric).get("score"));
              }
            });
      }
    }
    boolean gc = !allocations.isEmpty();
    StringBuilder out = new StringBuilder();
    out.append("| operation | kind | memflow | Flink | memflow / Flink | Flink direct | ByteBuffer | byte[] |");
    out.append(gc ? " memflow B/op |\n" : "\n");
    out.append("|---|---|--:|--:|--:|--:|--:|--:|").append(gc ? "--:|\n" : "\n");
    for (String[] operation : OPERATIONS) {
      for (String[] kind : KINDS) {
        List<String> cells = new ArrayList<>();
        cells.add(operation[1]);
        cells.add(kind[0]);
        Double memflow = scores.get(operation[0] + "." + kind[1]);
        Double flink = scores.get(operation[0] + "." + kind[2]);
        if (memflow == null && flink == null) {
          continue;
        }
        cells.add(format(memflow));
        cells.add(format(flink));
        cells.add(memflow == null || flink == null ? "" : String.format(Locale.ROOT, "**%.2f**", memflow / flink));
        for (int i = 3; i < kind.length; i++) {
          cells.add(kind[i] == null ? "" : format(scores.get(operation[0] + "." + kind[i])));
        }
        if (gc) {
          Double bytes = allocations.get(operation[0] + "." + kind[1]);
          cells.add(bytes == null ? "" : String.format(Locale.ROOT, "%.1f", bytes));
        }
        out.append("| ").append(String.join(" | ", cells)).append(" |\n");
      }
    }
    return out.toString();
  }

  private static String shortName(String benchmark) {
    String[] parts = benchmark.split("\\.");
    return parts[parts.length - 2] + "." + parts[parts.length - 1];
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

  private static String format(Double opsPerMicrosecond) {
    if (opsPerMicrosecond == null) {
      return "";
    }
    double v = opsPerMicrosecond;
    return String.format(Locale.ROOT, v >= 100 ? "%.0f" : v >= 10 ? "%.1f" : v >= 1 ? "%.2f" : "%.3f", v);
  }

  /** A minimal JSON reader: objects, arrays, strings, numbers (as Double), true, false, null. */
  static final class Json {
    private final String text;
    private int at;

    Json(String text) {
      this.text = text;
    }

    Object value() {
      skipSpace();
      char c = text.charAt(at);
      switch (c) {
        case '{':
          return object();
        case '[':
          return array();
        case '"':
          return string();
        default:
          break;
      }
      if (text.startsWith("true", at) || text.startsWith("null", at)) {
        at += 4;
        return c == 't' ? Boolean.TRUE : null;
      }
      if (text.startsWith("false", at)) {
        at += 5;
        return Boolean.FALSE;
      }
      if (text.startsWith("NaN", at)) {
        at += 3;
        return Double.NaN;
      }
      int start = at;
      while (at < text.length() && "+-.eE0123456789".indexOf(text.charAt(at)) >= 0) {
        at++;
      }
      if (start == at) {
        throw new IllegalArgumentException("unexpected '" + c + "' at offset " + at);
      }
      return Double.valueOf(text.substring(start, at));
    }

    private Map<String, Object> object() {
      Map<String, Object> map = new LinkedHashMap<>();
      at++;
      skipSpace();
      if (text.charAt(at) == '}') {
        at++;
        return map;
      }
      while (true) {
        skipSpace();
        String key = string();
        skipSpace();
        expect(':');
        map.put(key, value());
        skipSpace();
        if (text.charAt(at++) == '}') {
          return map;
        }
      }
    }

    private List<Object> array() {
      List<Object> list = new ArrayList<>();
      at++;
      skipSpace();
      if (text.charAt(at) == ']') {
        at++;
        return list;
      }
      while (true) {
        list.add(value());
        skipSpace();
        if (text.charAt(at++) == ']') {
          return list;
        }
      }
    }

    private String string() {
      expect('"');
      StringBuilder s = new StringBuilder();
      for (char c = text.charAt(at++); c != '"'; c = text.charAt(at++)) {
        if (c == '\\') {
          char e = text.charAt(at++);
          switch (e) {
            case 'n' -> s.append('\n');
            case 't' -> s.append('\t');
            case 'r' -> s.append('\r');
            case 'b' -> s.append('\b');
            case 'f' -> s.append('\f');
            case 'u' -> {
              s.append((char) Integer.parseInt(text.substring(at, at + 4), 16));
              at += 4;
            }
            default -> s.append(e);
          }
        } else {
          s.append(c);
        }
      }
      return s.toString();
    }

    private void expect(char c) {
      if (text.charAt(at) != c) {
        throw new IllegalArgumentException("expected '" + c + "' at offset " + at + ", found '" + text.charAt(at) + "'");
      }
      at++;
    }

    private void skipSpace() {
      while (at < text.length() && Character.isWhitespace(text.charAt(at))) {
        at++;
      }
    }
  }
}
