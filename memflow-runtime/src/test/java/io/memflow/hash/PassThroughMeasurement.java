package io.memflow.hash;

import static io.memflow.hash.AggregateFunction.count;
import static io.memflow.hash.AggregateFunction.sum;

import io.memflow.managed.MemoryManager;
import io.memflow.row.BinaryRow;
import io.memflow.row.FieldType;
import io.memflow.row.RowIterator;
import io.memflow.row.RowSchema;
import io.memflow.row.RowWriter;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Where the pass-through rule's threshold comes from (not run by the build: its name matches no
 * surefire include). For key domains of growing size, the time per input row of both phases in
 * one thread ({@code SELECT k, SUM(v), COUNT(*)}, LONG key and value, a combiner of 1 MiB, a
 * merging aggregator with ample memory) with the combiner always using its table against always
 * passing rows through, and the rows per group the table folded before its first flush. Run:
 * {@code ./mvnw -pl memflow-runtime -am verify -Dtest=PassThroughMeasurement -Dsurefire.failIfNoSpecifiedTests=false}.
 */
class PassThroughMeasurement {

  private static final RowSchema SCHEMA = RowSchema.builder().field("k", FieldType.LONG).field("v", FieldType.LONG)
      .build();
  private static final int ROWS = 2_000_000;

  @Test
  void tableAgainstPassThroughByRowsPerGroup() throws Exception {
    System.out.println("domain  rows/group@flush  table ns/row  pass ns/row  partial rows (table)");
    for (long domain : new long[] {2_000, 16_000, 20_000, 24_000, 28_000, 32_000, 40_000, 1_000_000}) {
      for (int round = 0; round < 2; round++) { // the first round warms up
        double[] table = run(domain, 0);
        double[] pass = run(domain, -1);
        if (round == 1) {
          System.out.printf("%8d  %16.2f  %12.1f  %11.1f  %d%n", domain, table[1], table[0], pass[0], (long) table[2]);
        }
      }
    }
  }

  /** {ns per input row, rows per group at the first flush, partial rows}; passAt -1 passes through from the start. */
  private static double[] run(long domain, int passAt) throws Exception {
    try (MemoryManager manager = MemoryManager.builder().budget(512L << 20).pageSize(32 << 10).build()) {
      HashCombiner.Builder builder = HashCombiner.builder(manager, "c", SCHEMA).groupBy(0)
          .aggregate(count(), sum("v")).memoryBytes(1 << 20).minRowsPerGroup(0);
      try (HashCombiner combiner = builder.build();
          HashAggregator global = HashAggregator.builder(manager, "g", SCHEMA).groupBy(0)
              .aggregate(count(), sum("v")).mergePartials().memoryBytes(256L << 20).build()) {
        if (passAt < 0) {
          combiner.passThrough();
        }
        Random random = new Random(1);
        RowWriter writer = new RowWriter(SCHEMA);
        BinaryRow row = new BinaryRow(SCHEMA);
        long start = System.nanoTime();
        for (int i = 0; i < ROWS; i++) {
          writer.reset().setLong(0, (long) (random.nextDouble() * domain)).setLong(1, i).writeTo(row);
          combiner.add(row, global::add);
        }
        combiner.finish(global::add);
        long groups = 0;
        try (RowIterator result = global.result()) {
          while (result.next() != null) {
            groups++;
          }
        }
        double ns = (System.nanoTime() - start) / (double) ROWS;
        double rowsPerGroup = combiner.flushes() == 0 ? (double) ROWS / groups : combiner.firstFlushRowsPerGroup();
        return new double[] {ns, rowsPerGroup, combiner.partialRowsOut()};
      }
    }
  }
}
