package io.memflow.hash;

import io.memflow.hash.AggregateFunction.Kind;
import io.memflow.row.BinaryRow;
import io.memflow.row.RowSchema;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The object reference the aggregator is checked against: a {@link LinkedHashMap} from the group
 * key's values to one {@code Object[]} accumulator per aggregate. Byte arrays become hex strings
 * so that values compare with {@code equals}; doubles compare exactly (tests use values whose
 * sums are exact in any order).
 */
final class AggReference {

  private final int[] groupFields;
  private final List<AggregateFunction> functions;
  private final int[] inputFields;
  private final Map<List<Object>, Object[]> groups = new LinkedHashMap<>();

  AggReference(RowSchema schema, int[] groupFields, List<AggregateFunction> functions) {
    this.groupFields = groupFields;
    this.functions = functions;
    this.inputFields = functions.stream().mapToInt(f -> f.resolveField(schema)).toArray();
  }

  void add(Object[] values) {
    List<Object> key = new ArrayList<>();
    for (int field : groupFields) {
      key.add(comparable(values[field]));
    }
    Object[] acc = groups.computeIfAbsent(key, k -> initial());
    for (int f = 0; f < functions.size(); f++) {
      Object v = inputFields[f] < 0 ? null : values[inputFields[f]];
      acc[f] = accumulate(functions.get(f).kind(), acc[f], v);
    }
  }

  private Object[] initial() {
    Object[] acc = new Object[functions.size()];
    for (int f = 0; f < acc.length; f++) {
      Kind kind = functions.get(f).kind();
      acc[f] = kind == Kind.COUNT_ROWS || kind == Kind.COUNT ? (Object) 0L
          : kind == Kind.AVG ? new Object[] {null, 0L} : null;
    }
    return acc;
  }

  private static Object accumulate(Kind kind, Object acc, Object v) {
    return switch (kind) {
      case COUNT_ROWS -> (Long) acc + 1;
      case COUNT -> v == null ? acc : (Long) acc + 1;
      case SUM -> v == null ? acc : add(acc, v);
      case MIN -> v == null ? acc : acc == null || compare(v, acc) < 0 ? v : acc;
      case MAX -> v == null ? acc : acc == null || compare(v, acc) > 0 ? v : acc;
      case AVG -> {
        Object[] pair = (Object[]) acc;
        yield v == null ? pair : new Object[] {add(pair[0], v), (Long) pair[1] + 1};
      }
    };
  }

  private static Object add(Object acc, Object v) {
    if (v instanceof Double d) {
      return acc == null ? d : (Double) acc + d;
    }
    long value = ((Number) v).longValue();
    return acc == null ? value : (Long) acc + value;
  }

  @SuppressWarnings("unchecked")
  private static int compare(Object a, Object b) {
    if (a instanceof String s) {
      return Arrays.compareUnsigned(s.getBytes(StandardCharsets.UTF_8), ((String) b).getBytes(StandardCharsets.UTF_8));
    }
    if (a instanceof byte[] x) {
      return Arrays.compareUnsigned(x, (byte[]) b);
    }
    return ((Comparable<Object>) a).compareTo(b);
  }

  /** The expected result rows, as lists of values. */
  List<List<Object>> rows() {
    List<List<Object>> rows = new ArrayList<>();
    groups.forEach((key, acc) -> {
      List<Object> row = new ArrayList<>(key);
      for (int f = 0; f < acc.length; f++) {
        row.add(comparable(finish(functions.get(f).kind(), acc[f])));
      }
      rows.add(row);
    });
    return rows;
  }

  private static Object finish(Kind kind, Object acc) {
    if (kind != Kind.AVG) {
      return acc;
    }
    Object[] pair = (Object[]) acc;
    long count = (Long) pair[1];
    return count == 0 ? null : ((Number) pair[0]).doubleValue() / count;
  }

  /** A row's values as a list that compares with {@code equals}. */
  static List<Object> values(BinaryRow row) {
    List<Object> values = new ArrayList<>();
    for (Object value : row.toValues()) {
      values.add(comparable(value));
    }
    return values;
  }

  private static Object comparable(Object value) {
    if (value instanceof byte[] bytes) {
      return "0x" + HexFormat.of().formatHex(bytes);
    }
    if (value instanceof Double d && d == 0.0) {
      return 0.0; // -0.0 and 0.0 are one key
    }
    return value;
  }
}
