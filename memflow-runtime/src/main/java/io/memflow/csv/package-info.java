/**
 * Delimited text files (CSV, TSV) as binary rows: schema inference from the header and first rows
 * ({@link io.memflow.csv.CsvSchemas}), a reader that parses bytes straight into rows ({@link
 * io.memflow.csv.CsvRowReader}), and an all-or-nothing writer ({@link io.memflow.csv.CsvRowWriter}).
 */
package io.memflow.csv;
