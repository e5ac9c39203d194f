package io.memflow.cli;

import io.memflow.csv.CsvFormat;
import io.memflow.hash.HashJoin;
import io.memflow.hash.JoinType;
import io.memflow.row.BinaryRow;
import io.memflow.row.RowIterator;
import io.memflow.row.RowSchema;
import io.memflow.runtime.Collector;
import io.memflow.runtime.Operator;
import io.memflow.runtime.TaskContext;
import java.io.IOException;
import java.nio.file.Path;

/**
 * A hash join whose output is text for a {@link CsvSink#encoded} sink: the join subtasks of {@code
 * run join} at parallelism 2 or more, where the join and its formatting share a thread. Input 0 is
 * the build side, input 1 the probe side, as for {@code Job.Builder.join}; it emits {@link
 * CsvSink#CHUNKS}.
 *
 * <p>For joins whose output holds build fields, the join hands each output pair to {@link
 * #format} ({@link HashJoin.Builder#output}), which formats the probe row's fields and then the
 * build row's straight into the chunk: the same text as formatting the joined row, without
 * building it (in a 5 M-row probe of a 10 k-row table, building joined rows cost about 80 ns of
 * the 175 ns per row of probing). While the probe input lasts, a build row's text is formatted
 * once and reused ({@link BuildRowTexts}). Semi and anti joins output probe rows, formatted as
 * they come.
 *
 * <p>Memory as {@code Job.Builder.join}: the subtask's managed memory share, at least {@link
 * HashJoin.Builder#MIN_PAGES} pages, spilling through the task's spill manager. One per subtask;
 * one thread, as every operator.
 */
final class JoinEncode implements Operator {

  private static final int BUILD = 0;

  private final RowSchema buildSchema;
  private final int[] buildKeys;
  private final RowSchema probeSchema;
  private final int[] probeKeys;
  private final JoinType type;
  private final CsvSink.Chunks chunks;
  private final CsvFormat format;
  private HashJoin join;
  private BuildRowTexts buildTexts;

  JoinEncode(Path target, RowSchema buildSchema, int[] buildKeys, RowSchema probeSchema, int[] probeKeys,
      JoinType type) {
    this.buildSchema = buildSchema;
    this.buildKeys = buildKeys.clone();
    this.probeSchema = probeSchema;
    this.probeKeys = probeKeys.clone();
    this.type = type;
    this.chunks = new CsvSink.Chunks(target, HashJoin.outputSchema(buildSchema, probeSchema, type));
    this.format = CsvFormat.forPath(target);
  }

  @Override
  public void open(TaskContext context) throws Exception {
    HashJoin.Builder builder = HashJoin.builder(context.memoryManager(), context.owner(), buildSchema, probeSchema)
        .buildKey(buildKeys)
        .probeKey(probeKeys)
        .type(type)
        .memoryBytes(context.managedMemoryBytes())
        .spillManager(context.spillManager())
        .batchProbes(true); // output order is free here: overlap the probes' cache misses
    if (type.outputsBuildFields()) {
      builder.output(this::format);
    }
    join = builder.build();
  }

  /** Formats one output pair (either side may be null) and returns a row in its place. */
  private BinaryRow format(BinaryRow probe, BinaryRow build) {
    if (buildTexts != null && probe != null && build != null) {
      buildTexts.writePair(chunks.encoder(), probe, build);
    } else {
      chunks.encoder().writePair(probe, build);
    }
    return probe != null ? probe : build;
  }

  @Override
  public void process(int input, BinaryRow row, Collector out) throws IOException, InterruptedException {
    if (input == BUILD) {
      join.addBuild(row);
    } else {
      drain(join.probe(row), out);
    }
  }

  @Override
  public void endInput(int input, Collector out) throws IOException, InterruptedException {
    if (input == BUILD) {
      join.endBuild();
      if (type.outputsBuildFields()) { // build rows stay where they are until endProbe
        buildTexts = new BuildRowTexts(format, buildSchema);
      }
    } else {
      buildTexts = null; // endProbe reads spilled partitions into reused pages
      drain(join.endProbe(), out);
      chunks.emitRest(out);
    }
  }

  /** Reads {@code output} to its end: its pairs were formatted as it went, or its rows are formatted here. */
  private void drain(RowIterator output, Collector out) throws IOException, InterruptedException {
    try (output) {
      for (BinaryRow row = output.next(); row != null; row = output.next()) {
        if (!type.outputsBuildFields()) {
          chunks.encoder().write(row);
        }
        chunks.emitIfFull(out);
      }
    }
  }

  @Override
  public void close() {
    if (join != null) {
      join.close();
    }
  }
}
