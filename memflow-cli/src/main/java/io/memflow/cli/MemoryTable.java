package io.memflow.cli;

import io.memflow.config.MemorySize;
import io.memflow.config.memory.Component;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Renders a memory plan as a table: each component with a human size and its exact bytes, the
 * totals, a bar of the process drawn to scale (coloured only on a terminal), and the JVM flags.
 * Stateless apart from its settings; one per rendering.
 */
final class MemoryTable {

  static final int BAR_WIDTH = 64;
  private static final long MIB = 1L << 20;
  private static final long GIB = 1L << 30;
  private static final String RESET = "\u001b[0m";
  private static final Map<String, String> SYMBOLS = Map.ofEntries(
      Map.entry("frameworkHeap", "F"), Map.entry("taskHeap", "T"),
      Map.entry("frameworkOffHeap", "f"), Map.entry("taskOffHeap", "t"),
      Map.entry("network", "N"), Map.entry("managed", "M"), Map.entry("jvmHeap", "H"),
      Map.entry("offHeap", "D"), Map.entry("jvmMetaspace", "S"), Map.entry("jvmOverhead", "O"));
  private static final Map<String, String> COLOURS = Map.ofEntries(
      Map.entry("frameworkHeap", "\u001b[34m"), Map.entry("taskHeap", "\u001b[94m"),
      Map.entry("frameworkOffHeap", "\u001b[32m"), Map.entry("taskOffHeap", "\u001b[92m"),
      Map.entry("network", "\u001b[33m"), Map.entry("managed", "\u001b[35m"),
      Map.entry("jvmHeap", "\u001b[94m"), Map.entry("offHeap", "\u001b[92m"),
      Map.entry("jvmMetaspace", "\u001b[36m"), Map.entry("jvmOverhead", "\u001b[90m"));

  private final boolean explain;
  private final boolean colour;

  MemoryTable(boolean explain, boolean colour) {
    this.explain = explain;
    this.colour = colour;
  }

  void print(PrintWriter out, String title, List<Component> parts, MemorySize flink,
      MemorySize process, String jvmArgs) {
    out.println(title);
    out.println();
    for (Component c : parts) {
      row(out, SYMBOLS.get(c.name()) + " " + c.label(), c.size());
      if (explain && !c.rule().isEmpty()) {
        out.println("      <- " + c.rule());
      }
    }
    row(out, "  Total Flink memory", flink);
    row(out, "  Total process memory", process);
    out.println();
    out.println("  " + bar(parts, process));
    out.println();
    out.println("JVM flags: " + jvmArgs);
  }

  private static void row(PrintWriter out, String label, MemorySize size) {
    out.printf(Locale.ROOT, "  %-24s %12s %14d bytes%n", label, human(size.bytes()), size.bytes());
  }

  static String human(long bytes) {
    if (bytes % GIB == 0 && bytes != 0) {
      return bytes / GIB + " GiB";
    }
    if (bytes % MIB == 0) {
      return bytes / MIB + " MiB";
    }
    if (bytes >= GIB) {
      return String.format(Locale.ROOT, "%.2f GiB", bytes / (double) GIB);
    }
    return String.format(Locale.ROOT, "%.2f MiB", bytes / (double) MIB);
  }

  /** The process to scale, by largest remainder so the cells add up to the width exactly. */
  String bar(List<Component> parts, MemorySize process) {
    int[] cells = new int[parts.size()];
    double[] remainders = new double[parts.size()];
    int used = 0;
    for (int i = 0; i < parts.size(); i++) {
      double exact = BAR_WIDTH * (parts.get(i).size().bytes() / (double) process.bytes());
      cells[i] = (int) exact;
      remainders[i] = exact - cells[i];
      used += cells[i];
    }
    for (; used < BAR_WIDTH; used++) {
      int best = 0;
      for (int i = 1; i < remainders.length; i++) {
        best = remainders[i] > remainders[best] ? i : best;
      }
      cells[best]++;
      remainders[best] = -1;
    }
    StringBuilder bar = new StringBuilder("[");
    for (int i = 0; i < parts.size(); i++) {
      String name = parts.get(i).name();
      String run = SYMBOLS.get(name).repeat(cells[i]);
      bar.append(colour && cells[i] > 0 ? COLOURS.get(name) + run + RESET : run);
    }
    return bar.append("]").toString();
  }

  /** Colour only when standard output is an interactive terminal. */
  static boolean terminal() {
    return System.console() != null && System.console().isTerminal();
  }
}
