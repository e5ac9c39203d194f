package io.memflow.hash;

import io.memflow.row.BinaryRow;
import io.memflow.row.RowWriter;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a two-phase aggregation for the tests: rows split among combiners (row {@code i} to
 * combiner {@code assignment[i]}, so any interleaving), each combiner's sink feeding one merging
 * aggregator as the rows come, then every combiner finished and the aggregator's result read.
 */
final class TwoPhase {

  /**
   * One combiner: its pages, a forced flush ({@link HashCombiner#finish} mid-stream) every {@code
   * flushEvery} of its rows (0: never), and a forced pass-through from its row {@code
   * passThroughAt} on (-1: never).
   */
  record Spec(int pages, int flushEvery, int passThroughAt) {
    static Spec ample() {
      return new Spec(64, 0, -1);
    }
  }

  /** What the combiners did, summed. */
  record Stats(long rowsIn, long partialRowsOut, long sinkCalls, int flushes, int passingThrough) {}

  private TwoPhase() {}

  /** The combiners of {@code specs} for {@code fixture}'s manager, owners "combiner-i". */
  static List<HashCombiner> combiners(AggFixture fixture, List<Spec> specs, int[] groupFields,
      List<AggregateFunction> functions) throws Exception {
    List<HashCombiner> combiners = new ArrayList<>();
    try {
      for (int c = 0; c < specs.size(); c++) {
        combiners.add(HashCombiner.builder(fixture.manager, "combiner-" + c, AggFixture.SCHEMA).groupBy(groupFields)
            .aggregate(functions.toArray(AggregateFunction[]::new)).pages(specs.get(c).pages()).build());
      }
    } catch (Exception | Error e) {
      combiners.forEach(HashCombiner::close);
      throw e;
    }
    return combiners;
  }

  /** Feeds {@code rows} through new combiners into {@code aggregator} and reads its whole result; closes the combiners. */
  static List<List<Object>> run(AggFixture fixture, List<Object[]> rows, int[] assignment, List<Spec> specs,
      int[] groupFields, List<AggregateFunction> functions, HashAggregator aggregator, Stats[] stats) throws Exception {
    List<HashCombiner> combiners = combiners(fixture, specs, groupFields, functions);
    try {
      long[] sinkCalls = {0};
      io.memflow.row.RowSchema partialSchema = HashAggregator.partialSchema(AggFixture.SCHEMA, groupFields,
          functions.toArray(AggregateFunction[]::new));
      HashCombiner.Sink sink = partial -> {
        if (!partial.schema().equals(partialSchema)) {
          throw new AssertionError("partial row of " + partial.schema() + ", expected " + partialSchema);
        }
        sinkCalls[0]++;
        aggregator.add(partial);
      };
      feed(rows, assignment, specs, combiners, sink);
      for (HashCombiner combiner : combiners) {
        combiner.finish(sink);
      }
      stats[0] = stats(combiners, sinkCalls[0]);
      return AggFixture.readAll(aggregator.result());
    } finally {
      combiners.forEach(HashCombiner::close);
    }
  }

  private static void feed(List<Object[]> rows, int[] assignment, List<Spec> specs, List<HashCombiner> combiners,
      HashCombiner.Sink sink) throws IOException, InterruptedException {
    RowWriter writer = new RowWriter(AggFixture.SCHEMA);
    BinaryRow row = new BinaryRow(AggFixture.SCHEMA);
    int[] taken = new int[specs.size()];
    for (int i = 0; i < rows.size(); i++) {
      int c = assignment[i];
      Spec spec = specs.get(c);
      HashCombiner combiner = combiners.get(c);
      if (taken[c] == spec.passThroughAt()) {
        combiner.passThrough();
      }
      writer.reset().setAll(rows.get(i)).writeTo(row);
      combiner.add(row, sink);
      taken[c]++;
      if (spec.flushEvery() > 0 && taken[c] % spec.flushEvery() == 0) {
        combiner.finish(sink);
      }
    }
  }

  private static Stats stats(List<HashCombiner> combiners, long sinkCalls) {
    long in = 0;
    long out = 0;
    int flushes = 0;
    int passing = 0;
    for (HashCombiner combiner : combiners) {
      in += combiner.rowsIn();
      out += combiner.partialRowsOut();
      flushes += combiner.flushes();
      passing += combiner.isPassingThrough() ? 1 : 0;
    }
    return new Stats(in, out, sinkCalls, flushes, passing);
  }
}
