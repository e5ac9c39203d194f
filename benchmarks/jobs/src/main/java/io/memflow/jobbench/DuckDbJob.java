package io.memflow.jobbench;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;

/**
 * Runs one benchmark job in DuckDB (in-process, through JDBC) and writes the result as CSV.
 * Arguments: job data-dir output threads memory-limit temp-dir.
 */
public final class DuckDbJob {

  /**
   * The CSV reader's buffer: its default (16 MiB per thread, doubled) does not fit a 64 MiB memory
   * limit with anything else.
   */
  private static final int BUFFER = 1 << 20;

  private DuckDbJob() {}

  public static void main(String[] args) throws Exception {
    String job = args[0];
    Path data = Path.of(args[1]);
    Path output = Path.of(args[2]);
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement()) {
      s.execute("SET threads = " + Integer.parseInt(args[3]));
      s.execute("SET memory_limit = '" + args[4] + "'");
      s.execute("SET temp_directory = '" + args[5] + "'");
      s.execute("SET preserve_insertion_order = false");
      s.execute("CREATE VIEW orders AS SELECT * FROM read_csv('" + Jobs.orders(data, job) + "', header = true, buffer_size = " + BUFFER + ","
          + " columns = {'id': 'BIGINT', 'customer': 'BIGINT', 'word': 'VARCHAR', 'amount': 'DOUBLE'})");
      s.execute("CREATE VIEW customers AS SELECT * FROM read_csv('" + Jobs.customers(data, job) + "', header = true, buffer_size = " + BUFFER + ","
          + " columns = {'customer': 'BIGINT', 'name': 'VARCHAR', 'region': 'VARCHAR'})");
      s.execute("COPY (" + Jobs.query(job) + ") TO '" + output + "' (HEADER, DELIMITER ',')");
    }
  }
}
