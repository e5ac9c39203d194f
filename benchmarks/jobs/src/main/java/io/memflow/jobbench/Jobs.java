package io.memflow.jobbench;

import java.nio.file.Path;

/**
 * The benchmark's jobs as SQL over the generated files, shared by the DuckDB and Flink runners so
 * both compute exactly what {@code memflow run} computes.
 *
 * <ul>
 *   <li>sort: orders by amount, then id;
 *   <li>agg: orders per customer: count, sum, min, max of amount (ordered by customer);
 *   <li>join: orders joined with the 10 k customers;
 *   <li>agg1m: the same aggregate over orders with about 875 k distinct customers;
 *   <li>join1m: those orders joined with 1 M customers.
 * </ul>
 */
final class Jobs {

  private Jobs() {}

  /** The input file of the fact side of {@code job}. */
  static Path orders(Path data, String job) {
    return data.resolve(job.endsWith("1m") ? "orders1m.csv" : "orders.csv");
  }

  /** The dimension file of a join. */
  static Path customers(Path data, String job) {
    return data.resolve(job.endsWith("1m") ? "customers1m.csv" : "customers.csv");
  }

  /** The query of {@code job} over tables {@code orders} and {@code customers}. */
  static String query(String job) {
    return switch (job) {
      case "sort" -> "SELECT id, customer, word, amount FROM orders ORDER BY amount, id";
      case "agg", "agg1m" -> "SELECT customer, COUNT(*) AS cnt, SUM(amount) AS sum_amount, MIN(amount) AS min_amount,"
          + " MAX(amount) AS max_amount FROM orders GROUP BY customer ORDER BY customer";
      case "join", "join1m" -> "SELECT o.id, o.customer, o.word, o.amount, c.customer AS c_customer, c.name, c.region"
          + " FROM orders o JOIN customers c ON o.customer = c.customer";
      default -> throw new IllegalArgumentException("unknown job '" + job + "': sort, agg, join, agg1m, join1m");
    };
  }
}
