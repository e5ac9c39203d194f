package io.memflow.bench;

import io.memflow.csv.CsvFormat;
import io.memflow.csv.CsvRowReader;
import io.memflow.csv.CsvSchemas;
import io.memflow.csv.CsvSplits;
import io.memflow.row.BinaryRow;
import io.memflow.row.RowSchema;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Reading {@value #ROWS} rows of a CSV file of the orders shape ({@code id,customer,word,amount},
 * e.g. {@code 17,3024,kale,7815.57}; about 23 MiB, in the page cache after the first read) into
 * binary rows with memflow's {@link CsvRowReader}: all four columns, and the projection {customer,
 * amount} that {@code memflow run aggregate} reads. One operation is one row.
 *
 * <p>No Flink anchor: Flink's CSV formats hand out objects per field. The anchor is {@link
 * #newlineScan}, which reads the same file in 1 MiB blocks and counts its line feeds with a plain
 * loop: a ceiling for any reader that looks at every byte once.
 */
@State(Scope.Benchmark)
public class CsvRead extends BenchmarkDefaults {

  static final int ROWS = 1_000_000;

  private static final String[] WORDS = ("apple bread cheese dates eggs flour grapes honey ink jam kale lemon"
      + " mango nuts olive pear quince rice salt tea udon vanilla wasabi yam zipper jade").split(" ");

  private static final int[] PROJECTION = {1, 3};

  private Path file;
  private RowSchema schema;
  private final byte[] block = new byte[1 << 20];

  @Setup(Level.Trial)
  public void writeFile() throws IOException {
    file = Files.createTempFile("memflow-csvread", ".csv");
    SplittableRandom random = new SplittableRandom(42);
    try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      out.write("id,customer,word,amount\n");
      for (int i = 0; i < ROWS; i++) {
        double u = random.nextDouble();
        long customer = (long) (10_000 * u * u * u * u);
        double amount = random.nextInt(1_000_000) / 100.0;
        out.write(i + "," + customer + "," + WORDS[random.nextInt(WORDS.length)] + "," + amount + "\n");
      }
    }
    schema = CsvSchemas.infer(file, CsvFormat.CSV, Map.of(), CsvSchemas.DEFAULT_SAMPLE_ROWS);
  }

  @TearDown(Level.Trial)
  public void deleteFile() throws IOException {
    Files.deleteIfExists(file);
  }

  /** All four columns; returns the sum of the customers as a checksum. */
  @Benchmark
  @OperationsPerInvocation(ROWS)
  public long allColumns() throws IOException {
    return read(file, schema, allColumns(schema));
  }

  /** The columns {customer, amount} only, as {@code memflow run aggregate} reads them. */
  @Benchmark
  @OperationsPerInvocation(ROWS)
  public long projection() throws IOException {
    return read(file, schema, PROJECTION);
  }

  /** The anchor: the file's bytes read in 1 MiB blocks, line feeds counted with a plain loop. */
  @Benchmark
  @OperationsPerInvocation(ROWS)
  public long newlineScan() throws IOException {
    long lines = 0;
    try (InputStream in = Files.newInputStream(file)) {
      for (int n = in.read(block); n >= 0; n = in.read(block)) {
        for (int i = 0; i < n; i++) {
          if (block[i] == '\n') {
            lines++;
          }
        }
      }
    }
    return lines;
  }

  private static long read(Path file, RowSchema schema, int[] columns) throws IOException {
    int customer = columns[0] == 1 ? 0 : 1;
    long sum = 0;
    CsvSplits.Split whole = new CsvSplits.Split(0, Long.MAX_VALUE, 1);
    try (CsvRowReader reader = CsvRowReader.open(file, CsvFormat.CSV, schema, whole, columns)) {
      for (BinaryRow row = reader.next(); row != null; row = reader.next()) {
        sum += row.getLong(customer);
      }
    }
    return sum;
  }

  private static int[] allColumns(RowSchema schema) {
    int[] all = new int[schema.fieldCount()];
    for (int k = 0; k < all.length; k++) {
      all[k] = k;
    }
    return all;
  }
}
