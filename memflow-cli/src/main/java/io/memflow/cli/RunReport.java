package io.memflow.cli;

import io.memflow.config.memory.TaskManagerMemorySpec;
import io.memflow.io.NewFiles;
import io.memflow.runtime.JobResult;
import io.memflow.runtime.StageMetrics;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The end-of-job report: throughput, time per stage, memory high-water marks, spills, GC. */
final class RunReport {

  private final JobResult result;
  private final TaskManagerMemorySpec plan;

  RunReport(JobResult result, TaskManagerMemorySpec plan) {
    this.result = result;
    this.plan = plan;
  }

  /** The width of a column of stage names: the longest name, at least {@code minimum}. */
  static int nameWidth(List<StageMetrics> stages, int minimum) {
    int width = minimum;
    for (StageMetrics s : stages) {
      width = Math.max(width, s.name().length());
    }
    return width;
  }

  /** Rows read by the first stage(s): sources emit, so their rows out. */
  long rowsRead() {
    return result.stages().stream().filter(s -> s.recordsIn() == 0).mapToLong(StageMetrics::recordsOut).sum();
  }

  void print(PrintWriter out) {
    long wall = result.wallNanos();
    out.printf(Locale.ROOT, "Job '%s' finished in %s: %,d rows read, %s%n%n", result.jobName(),
        Units.seconds(wall), rowsRead(), Units.rate(rowsRead(), wall).replace("/s", " rows/s"));
    String name = "  %-" + nameWidth(result.stages(), 14) + "s";
    out.printf(Locale.ROOT, name + " %4s %13s %13s %11s %9s %13s%n", "stage", "par", "rows in", "rows out", "bytes out",
        "time", "backpressure");
    for (StageMetrics s : result.stages()) {
      out.printf(Locale.ROOT, name + " %4d %,13d %,13d %11s %9s %13s%n", s.name(), s.parallelism(), s.recordsIn(),
          s.recordsOut(), Units.bytes(s.bytesOut()), Units.seconds(s.nanos()), Units.seconds(s.backpressureNanos()));
    }
    out.println();
    out.println("Memory (plan: process " + Units.bytes(plan.totalProcessMemory().bytes()) + ", managed "
        + Units.bytes(plan.managed().bytes()) + ", network " + Units.bytes(plan.network().bytes()) + ", "
        + plan.numSlots() + " slot" + (plan.numSlots() == 1 ? "" : "s") + ")");
    for (JobResult.SlotMemory slot : result.slots()) {
      out.printf(Locale.ROOT, "  managed slot %-3d peak %s of %s%n", slot.slot(), Units.bytes(slot.peakBytes()),
          Units.bytes(slot.budgetBytes()));
    }
    JobResult.NetworkMemory n = result.network();
    out.printf(Locale.ROOT, "  network         peak %d of %d buffers of %s%n", n.peakInUse(), n.buffers(),
        Units.bytes(n.bufferSize()));
    out.printf(Locale.ROOT, "  heap            peak %s of %s%n", Units.bytes(result.heapPeakBytes()),
        Units.bytes(result.heapMaxBytes()));
    out.printf(Locale.ROOT, "  spilled         %s in %d files%n", Units.bytes(result.spilledBytes()), result.spilledFiles());
    out.printf(Locale.ROOT, "  GC              %s in %d collections%n", Units.seconds(result.gcMillis() * 1_000_000),
        result.gcCount());
    out.printf(Locale.ROOT, "  backpressure    %s%n", Units.seconds(result.backpressureNanos()));
    out.println(result.leaks().isEmpty()
        ? "  released        every page, buffer, reservation and spill file (checked)"
        : "  LEAKED          " + String.join("; ", result.leaks()));
    out.flush();
  }

  Json json() {
    List<Json> stages = new ArrayList<>();
    for (StageMetrics s : result.stages()) {
      stages.add(new Json().put("name", s.name()).put("parallelism", s.parallelism())
          .put("recordsIn", s.recordsIn()).put("bytesIn", s.bytesIn()).put("recordsOut", s.recordsOut())
          .put("bytesOut", s.bytesOut()).put("nanos", s.nanos()).put("backpressureNanos", s.backpressureNanos()));
    }
    List<Json> slots = new ArrayList<>();
    for (JobResult.SlotMemory slot : result.slots()) {
      slots.add(new Json().put("slot", slot.slot()).put("budgetBytes", slot.budgetBytes()).put("peakBytes", slot.peakBytes()));
    }
    JobResult.NetworkMemory n = result.network();
    return new Json().put("job", result.jobName()).put("wallNanos", result.wallNanos())
        .put("rowsRead", rowsRead())
        .put("plan", new Json().put("processBytes", plan.totalProcessMemory().bytes())
            .put("managedBytes", plan.managed().bytes()).put("networkBytes", plan.network().bytes())
            .put("heapBytes", plan.jvmHeap().bytes()).put("slots", plan.numSlots()).put("jvmArgs", plan.jvmArgs()))
        .putObjects("stages", stages)
        .putObjects("managedSlots", slots)
        .put("network", new Json().put("buffers", n.buffers()).put("bufferSize", n.bufferSize()).put("peakInUse", n.peakInUse()))
        .put("heap", new Json().put("peakBytes", result.heapPeakBytes()).put("maxBytes", result.heapMaxBytes()))
        .put("spilled", new Json().put("bytes", result.spilledBytes()).put("files", result.spilledFiles()))
        .put("gc", new Json().put("millis", result.gcMillis()).put("count", result.gcCount()))
        .put("backpressureNanos", result.backpressureNanos())
        .putStrings("leaks", result.leaks());
  }

  /** Writes the JSON report to {@code file} through a temp file and a rename. */
  void writeJson(Path file) {
    Path dir = file.toAbsolutePath().getParent();
    try {
      Path temp = NewFiles.create(dir, "." + file.getFileName() + ".", ".tmp", false); // an output: umask permissions
      try {
        Files.writeString(temp, json() + "\n", StandardCharsets.UTF_8);
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } finally {
        Files.deleteIfExists(temp);
      }
    } catch (IOException e) {
      throw new UserInputException("cannot write the report to " + file + " (" + e.getMessage()
          + "); choose a writable path for --report json FILE.", e);
    }
  }
}
