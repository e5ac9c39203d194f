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

  private DuckDbJob() {}

  public static void main(String[] args) throws Exception {
    String job = args[0];
    Path data = Path.of(args[1]);
    Path output = Path.of(args[2]);
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement()) {
      s.execute("SET threads = " + Integer.parseInt(args[3]));
      s.execute("SET memory_limit = '" + args[4] + "'");
      s.execute("SET temp_directory = '" + args[5] + "'");
      s.execute("CREATE VIEW orders AS SELECT * FROM read_csv('" + Jobs.orders(data, job) + "', header = true,"
          + " columns = {'id': 'BIGINT', 'customer': 'BIGINT', 'word': 'VARCHAR', 'amount': 'DOUBLE'})");
      s.execute("CREATE VIEW customers AS SELECT * FROM read_csv('" + Jobs.customers(data, job) + "', header = true,"
          + " columns = {'customer': 'BIGINT', 'name': 'VARCHAR', 'region': 'VARCHAR'})");
      s.execute("COPY (" + Jobs.query(job) + ") TO '" + output + "' (HEADER, DELIMITER ',')");
    }
  }
}
