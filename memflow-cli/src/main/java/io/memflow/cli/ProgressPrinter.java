package io.memflow.cli;

import io.memflow.runtime.JobProgress;
import io.memflow.runtime.StageMetrics;
import java.io.PrintWriter;
import java.util.Locale;

/**
 * Shows a running job: on a terminal, one bar per stage redrawn in place (its subtasks done of
 * all, rows, bytes, rate, and the job's spilled bytes); otherwise one plain line per report.
 * Called on the thread that runs the job; not thread-safe.
 */
final class ProgressPrinter implements JobProgress.Listener {

  /** How progress is shown. */
  enum Mode { BARS, LINES, NONE }

  private static final int BAR = 20;

  private final PrintWriter err;
  private final Mode mode;
  private int drawnLines;

  ProgressPrinter(PrintWriter err, Mode mode) {
    this.err = err;
    this.mode = mode;
  }

  /** The mode for an option value: auto picks bars on a terminal, lines otherwise. */
  static Mode mode(String option) {
    return switch (option.toLowerCase(Locale.ROOT)) {
      case "auto" -> System.console() != null && System.console().isTerminal() ? Mode.BARS : Mode.LINES;
      case "bars" -> Mode.BARS;
      case "lines" -> Mode.LINES;
      case "none" -> Mode.NONE;
      default -> throw new UserInputException("unknown --progress '" + option + "'; use auto, bars, lines or none.");
    };
  }

  @Override
  public void onProgress(JobProgress progress) {
    switch (mode) {
      case BARS -> bars(progress);
      case LINES -> line(progress);
      case NONE -> { }
    }
  }

  private void bars(JobProgress p) {
    if (drawnLines > 0) {
      err.print("\033[" + drawnLines + "A");
    }
    drawnLines = 0;
    String name = "\033[2K%-" + RunReport.nameWidth(p.stages(), 12) + "s";
    for (StageMetrics s : p.stages()) {
      int filled = s.parallelism() == 0 ? 0 : BAR * s.finishedSubtasks() / s.parallelism();
      boolean running = s.finishedSubtasks() < s.parallelism();
      String bar = "#".repeat(filled) + (running ? ">" : "") + ".".repeat(Math.max(0, BAR - filled - (running ? 1 : 0)));
      err.printf(Locale.ROOT, name + " [%s] %d/%d  in %s rows  out %s rows  %s  %s%n", s.name(), bar,
          s.finishedSubtasks(), s.parallelism(), Units.count(s.recordsIn()), Units.count(s.recordsOut()),
          Units.bytes(Math.max(s.bytesIn(), s.bytesOut())), Units.rate(Math.max(s.recordsIn(), s.recordsOut()), s.nanos()));
      drawnLines++;
    }
    err.printf(Locale.ROOT, name + " %s, spilled %s in %d files%n", "elapsed", Units.seconds(p.elapsedNanos()),
        Units.bytes(p.spilledBytes()), p.spilledFiles());
    drawnLines++;
    err.flush();
  }

  private void line(JobProgress p) {
    StringBuilder b = new StringBuilder();
    b.append(String.format(Locale.ROOT, "[%6.1fs]", p.elapsedNanos() / 1e9));
    for (StageMetrics s : p.stages()) {
      b.append(' ').append(s.name()).append(' ').append(s.finishedSubtasks()).append('/').append(s.parallelism())
          .append(" in=").append(Units.count(s.recordsIn())).append(" out=").append(Units.count(s.recordsOut()))
          .append(" |");
    }
    b.append(" spilled ").append(Units.bytes(p.spilledBytes())).append(" in ").append(p.spilledFiles()).append(" files");
    err.println(b);
    err.flush();
  }
}
