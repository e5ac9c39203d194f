package io.memflow.jobbench;

import java.nio.file.Path;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableEnvironment;

/**
 * Runs one benchmark job in Flink's Table API, batch mode, on a local mini cluster with the given
 * managed memory, and writes the result as CSV files into an output directory. Arguments: job
 * data-dir output-dir parallelism managed-memory. The CSV format has no header option: the header
 * line is read with {@code csv.ignore-parse-errors} as a row of nulls, which a view drops.
 */
public final class FlinkJob {

  private FlinkJob() {}

  public static void main(String[] args) throws Exception {
    String job = args[0];
    Path data = Path.of(args[1]);
    Path output = Path.of(args[2]);
    Configuration conf = new Configuration();
    conf.setString("parallelism.default", args[3]);
    conf.setString("taskmanager.memory.managed.size", args[4]);
    conf.setString("taskmanager.numberOfTaskSlots", args[3]);
    conf.setString("execution.runtime-mode", "BATCH");
    TableEnvironment t = TableEnvironment.create(EnvironmentSettings.newInstance().inBatchMode()
        .withConfiguration(conf).build());
    t.executeSql(source("orders_file", "id BIGINT, customer BIGINT, word STRING, amount DOUBLE", Jobs.orders(data, job)));
    t.executeSql(source("customers_file", "customer BIGINT, name STRING, region STRING", Jobs.customers(data, job)));
    // the header line parses as a row of nulls: drop it
    t.executeSql("CREATE TEMPORARY VIEW orders AS SELECT * FROM orders_file WHERE id IS NOT NULL");
    t.executeSql("CREATE TEMPORARY VIEW customers AS SELECT * FROM customers_file WHERE customer IS NOT NULL");
    String columns = switch (job) {
      case "sort" -> "id BIGINT, customer BIGINT, word STRING, amount DOUBLE";
      case "agg", "agg1m" -> "customer BIGINT, cnt BIGINT, sum_amount DOUBLE, min_amount DOUBLE, max_amount DOUBLE";
      default -> "id BIGINT, customer BIGINT, word STRING, amount DOUBLE, c_customer BIGINT, name STRING, region STRING";
    };
    t.executeSql("CREATE TABLE job_output (" + columns + ") WITH ('connector' = 'filesystem', 'path' = '"
        + output.toUri() + "', 'format' = 'csv')");
    t.executeSql("INSERT INTO job_output " + Jobs.query(job)).await();
  }

  private static String source(String name, String columns, Path file) {
    return "CREATE TABLE " + name + " (" + columns + ") WITH ('connector' = 'filesystem', 'path' = '"
        + file.toUri() + "', 'format' = 'csv', 'csv.ignore-parse-errors' = 'true')";
  }
}
