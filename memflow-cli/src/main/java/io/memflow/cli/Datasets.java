package io.memflow.cli;

import io.memflow.csv.CsvSchemas;
import io.memflow.row.BinaryRow;
import io.memflow.row.FieldType;
import io.memflow.row.RowSchema;
import io.memflow.row.RowWriter;
import io.memflow.runtime.Source;
import java.util.Map;

/**
 * Generated data for the default job, {@code run generate} and the benchmarks: orders with a
 * heavily skewed customer key, a customer dimension, or rows of any declared schema. Row {@code i}
 * depends only on the seed and {@code i}, so any parallelism generates the same rows.
 */
final class Datasets {

  static final RowSchema ORDERS = RowSchema.builder().field("id", FieldType.LONG)
      .field("customer", FieldType.LONG).field("word", FieldType.STRING).field("amount", FieldType.DOUBLE).build();
  static final RowSchema CUSTOMERS = RowSchema.builder().field("customer", FieldType.LONG)
      .field("name", FieldType.STRING).field("region", FieldType.STRING).build();

  private static final String[] WORDS = ("apple bread cheese dates eggs flour grapes honey ink jam kale lemon mango "
      + "nuts olive pear quince rice salt tea udon vanilla walnut yam zucchini anchor bridge candle desk engine "
      + "fabric garden hammer island jacket kettle ladder magnet needle orbit pencil quilt rocket saddle tunnel "
      + "umbrella valve wagon yacht zipper amber bronze copper denim ebony frost gold hazel indigo jade khaki lilac").split(" ");
  private static final String[] REGIONS = {"north", "south", "east", "west", "central", "coast", "hills", "islands"};

  private Datasets() {}

  /** A well-mixed 64-bit hash of {@code seed} and {@code i} (SplitMix64's finalizer). */
  static long mix(long seed, long i) {
    long z = seed + (i + 1) * 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  private static double unit(long h) {
    return (h >>> 11) * 0x1.0p-53;
  }

  /** Writes order {@code i}: customer = customers * u^4 (customer 0 gets about 10% of 10k). */
  static void order(RowWriter w, long seed, long i, long customers) {
    long h = mix(seed, i);
    double u = unit(h);
    long customer = Math.min(customers - 1, (long) (customers * u * u * u * u));
    long h2 = mix(seed ^ 0x5DEECE66DL, i);
    w.reset().setLong(0, i).setLong(1, customer).setString(2, WORDS[(int) ((h2 >>> 1) % WORDS.length)])
        .setDouble(3, ((h2 >>> 24) % 1_000_000) / 100.0);
  }

  static void customer(RowWriter w, long c) {
    w.reset().setLong(0, c).setString(1, "customer-" + c).setString(2, REGIONS[(int) (c % REGIONS.length)]);
  }

  /** A source of {@code rows} orders, split among the subtasks by row number. */
  static Source orders(long rows, long customers, long seed) {
    return rows(ORDERS, rows, (w, i) -> order(w, seed, i, customers));
  }

  /** A source of {@code count} customers. */
  static Source customers(long count) {
    return rows(CUSTOMERS, count, Datasets::customer);
  }

  /** A source of {@code rows} rows of {@code schema} with values from the seed. */
  static Source random(RowSchema schema, long rows, long seed) {
    return rows(schema, rows, (w, i) -> {
      w.reset();
      for (int f = 0; f < schema.fieldCount(); f++) {
        long h = mix(seed + f, i);
        switch (schema.type(f)) {
          case INT -> w.setInt(f, (int) Math.floorMod(h, Math.max(1, Math.min(rows, Integer.MAX_VALUE))));
          case LONG -> w.setLong(f, Math.floorMod(h, Math.max(1, rows)));
          case DOUBLE -> w.setDouble(f, ((h >>> 24) % 1_000_000) / 100.0);
          case STRING -> w.setString(f, WORDS[(int) ((h >>> 1) % WORDS.length)] + "-" + Long.toString((h >>> 40) % 1000, 36));
          default -> throw new UserInputException("cannot generate values of type " + schema.type(f)
              + " (column " + schema.field(f).name() + "); use int, long, double or string.");
        }
      }
    });
  }

  /** The schema for {@code run generate --schema}: orders, customers, or a declaration. */
  static RowSchema schema(String spec) {
    if (spec.equalsIgnoreCase("orders")) {
      return ORDERS;
    }
    if (spec.equalsIgnoreCase("customers")) {
      return CUSTOMERS;
    }
    Map<String, FieldType> declared;
    try {
      declared = CsvSchemas.parseDeclaration(spec);
    } catch (IllegalArgumentException e) {
      throw new UserInputException("bad --schema: " + e.getMessage() + " Or use --schema orders or customers.", e);
    }
    if (declared.isEmpty()) {
      throw new UserInputException("--schema is empty; use orders, customers or name:type[,name:type...].");
    }
    RowSchema.Builder b = RowSchema.builder();
    declared.forEach(b::field);
    return b.build();
  }

  @FunctionalInterface
  private interface RowMaker {
    void make(RowWriter writer, long i);
  }

  private static Source rows(RowSchema schema, long rows, RowMaker maker) {
    return (ctx, out) -> {
      RowWriter w = new RowWriter(schema);
      BinaryRow row = new BinaryRow(schema);
      for (long i = ctx.subtask(); i < rows; i += ctx.parallelism()) {
        maker.make(w, i);
        w.writeTo(row);
        out.collect(row);
      }
    };
  }
}
