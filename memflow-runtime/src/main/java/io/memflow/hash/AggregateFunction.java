package io.memflow.hash;

import io.memflow.row.FieldType;
import io.memflow.row.RowSchema;
import java.util.Objects;

/**
 * One aggregate a {@link HashAggregator} computes per group, with SQL semantics:
 *
 * <ul>
 *   <li>{@link #count()} counts rows; {@link #count(String) count(f)} counts rows where {@code f}
 *       is not null. Both are LONG, never null (0 is not possible for a group, which has a row).
 *   <li>{@link #sum sum(f)} of INT or LONG is LONG, of DOUBLE is DOUBLE. A LONG sum wraps on
 *       overflow as Java's {@code +} does (as Flink's BIGINT sum). Null when the group has no
 *       non-null {@code f}.
 *   <li>{@link #min min(f)} and {@link #max max(f)} of INT, LONG, DOUBLE (ordered as {@link
 *       Double#compare}: {@code -0.0 < 0.0}, NaN largest), STRING (by UTF-8 bytes, code point
 *       order) or BYTES (unsigned bytes); same type as {@code f}; null when no non-null value.
 *   <li>{@link #avg avg(f)} of INT, LONG or DOUBLE is DOUBLE: the sum (a wrapping LONG for
 *       INT/LONG inputs, a DOUBLE otherwise) divided by the count of non-null values; null when
 *       there is none.
 * </ul>
 *
 * <p>The output field is named {@code count} or {@code <kind>_<field name>} (e.g. {@code
 * sum_price}) unless {@link #as} names it. Immutable and thread-safe.
 */
public final class AggregateFunction {

  /** What an aggregate computes. */
  public enum Kind {
    /** count(*): rows. */
    COUNT_ROWS,
    /** count(f): non-null values. */
    COUNT,
    /** sum(f). */
    SUM,
    /** min(f). */
    MIN,
    /** max(f). */
    MAX,
    /** avg(f). */
    AVG
  }

  private final Kind kind;
  private final int field; // -1: by name, or no field (COUNT_ROWS)
  private final String fieldName; // null: by index
  private final String name; // null: the default

  private AggregateFunction(Kind kind, int field, String fieldName, String name) {
    this.kind = kind;
    this.field = field;
    this.fieldName = fieldName;
    this.name = name;
  }

  /** count(*): the number of rows of the group. */
  public static AggregateFunction count() {
    return new AggregateFunction(Kind.COUNT_ROWS, -1, null, null);
  }

  /** count(f): the rows of the group where field {@code field} is not null. */
  public static AggregateFunction count(int field) {
    return of(Kind.COUNT, field);
  }

  /** count(f) of the field named {@code field}. */
  public static AggregateFunction count(String field) {
    return of(Kind.COUNT, field);
  }

  /** sum(f) of an INT, LONG or DOUBLE field. */
  public static AggregateFunction sum(int field) {
    return of(Kind.SUM, field);
  }

  /** sum(f) of the field named {@code field}. */
  public static AggregateFunction sum(String field) {
    return of(Kind.SUM, field);
  }

  /** min(f) of an INT, LONG, DOUBLE, STRING or BYTES field. */
  public static AggregateFunction min(int field) {
    return of(Kind.MIN, field);
  }

  /** min(f) of the field named {@code field}. */
  public static AggregateFunction min(String field) {
    return of(Kind.MIN, field);
  }

  /** max(f) of an INT, LONG, DOUBLE, STRING or BYTES field. */
  public static AggregateFunction max(int field) {
    return of(Kind.MAX, field);
  }

  /** max(f) of the field named {@code field}. */
  public static AggregateFunction max(String field) {
    return of(Kind.MAX, field);
  }

  /** avg(f) of an INT, LONG or DOUBLE field, as a DOUBLE. */
  public static AggregateFunction avg(int field) {
    return of(Kind.AVG, field);
  }

  /** avg(f) of the field named {@code field}. */
  public static AggregateFunction avg(String field) {
    return of(Kind.AVG, field);
  }

  private static AggregateFunction of(Kind kind, int field) {
    if (field < 0) {
      throw new IllegalArgumentException(kind + " field=" + field + " must be at least 0");
    }
    return new AggregateFunction(kind, field, null, null);
  }

  private static AggregateFunction of(Kind kind, String field) {
    return new AggregateFunction(kind, -1, Objects.requireNonNull(field, "field"), null);
  }

  /** This aggregate with its output field named {@code outputName}. */
  public AggregateFunction as(String outputName) {
    return new AggregateFunction(kind, field, fieldName, Objects.requireNonNull(outputName, "outputName"));
  }

  /** What this aggregate computes. */
  public Kind kind() {
    return kind;
  }

  /**
   * The index of the input field in {@code schema}, -1 for count(*).
   *
   * @throws IllegalArgumentException if the field is not in the schema or its type does not fit
   */
  int resolveField(RowSchema schema) {
    if (kind == Kind.COUNT_ROWS) {
      return -1;
    }
    int index = fieldName != null ? schema.indexOf(fieldName) : field;
    if (index < 0 || index >= schema.fieldCount()) {
      throw new IllegalArgumentException(this + ": field " + (fieldName != null ? "\"" + fieldName + "\"" : "=" + index)
          + " is not in the input schema of fieldCount=" + schema.fieldCount() + ": " + schema);
    }
    checkType(schema.type(index));
    return index;
  }

  private void checkType(FieldType type) {
    boolean numeric = type == FieldType.INT || type == FieldType.LONG || type == FieldType.DOUBLE;
    boolean fits = switch (kind) {
      case COUNT_ROWS, COUNT -> true;
      case SUM, AVG -> numeric;
      case MIN, MAX -> true;
    };
    if (!fits) {
      throw new IllegalArgumentException(this + " needs an INT, LONG or DOUBLE field, not " + type);
    }
  }

  /** The output field name for the input field named {@code inputName} (null for count(*)). */
  String outputName(String inputName) {
    if (name != null) {
      return name;
    }
    return kind == Kind.COUNT_ROWS ? "count" : kind.name().toLowerCase(java.util.Locale.ROOT) + "_" + inputName;
  }

  @Override
  public String toString() {
    String arg = kind == Kind.COUNT_ROWS ? "*" : fieldName != null ? fieldName : "#" + field;
    String fn = kind == Kind.COUNT_ROWS ? "count" : kind.name().toLowerCase(java.util.Locale.ROOT);
    return fn + "(" + arg + ")" + (name != null ? " as " + name : "");
  }
}
