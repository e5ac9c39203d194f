package io.memflow.row;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/** Test generators: random schemas and field values with the edge cases weighted in. */
final class Rows {

  static final List<String> EDGE_STRINGS = List.of(
      "", "a", "ab", "abcdefghijklmnopq", "abcdefghijklmnopqr", "\u0000", "\u00e9t\u00e9", "\u20ac",
      "\uFFFF", "\uD83D\uDE00", "\uD800", "\uDFFF", "x\uD83D\uDE00y", "\uFFFF\uFFFF", "\uD83D\uDE00\uD83D\uDE01");

  static final List<Double> EDGE_DOUBLES = List.of(
      0.0, -0.0, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 1.0, -1.0,
      Double.MIN_VALUE, -Double.MIN_VALUE, Double.MAX_VALUE, -Double.MAX_VALUE,
      Double.longBitsToDouble(0x7ff0000000000001L), Double.longBitsToDouble(0xfff8000000000123L));

  private Rows() {}

  /** A schema of 1 to {@code maxFields} fields of random types and nullability. */
  static Arbitrary<RowSchema> schemas(int maxFields) {
    Arbitrary<RowSchema.Field> field = Combinators.combine(
            Arbitraries.of(FieldType.class), Arbitraries.of(true, false))
        .as((type, nullable) -> new RowSchema.Field("f", type, nullable));
    return field.list().ofMinSize(1).ofMaxSize(maxFields).map(fields -> {
      RowSchema.Builder builder = RowSchema.builder();
      for (int i = 0; i < fields.size(); i++) {
        builder.add(new RowSchema.Field("f" + i, fields.get(i).type(), fields.get(i).nullable()));
      }
      return builder.build();
    });
  }

  /** Values of one type, edge cases frequent, small pools so that ties happen. */
  static Arbitrary<Object> values(FieldType type) {
    return switch (type) {
      case INT -> Arbitraries.oneOf(
          Arbitraries.of(Integer.MIN_VALUE, Integer.MAX_VALUE, 0, -1, 1, 255, 256, -256),
          Arbitraries.integers().between(-3, 3), Arbitraries.integers()).map(v -> (Object) v);
      case LONG -> Arbitraries.oneOf(
          Arbitraries.of(Long.MIN_VALUE, Long.MAX_VALUE, 0L, -1L, 1L, 1L << 32, -(1L << 32)),
          Arbitraries.longs().between(-3, 3), Arbitraries.longs()).map(v -> (Object) v);
      case DOUBLE -> Arbitraries.oneOf(Arbitraries.of(EDGE_DOUBLES), Arbitraries.doubles()).map(v -> (Object) v);
      case STRING -> Arbitraries.oneOf(Arbitraries.of(EDGE_STRINGS),
          Arbitraries.strings().withChars("ab\u00e9\uFFFF").ofMaxLength(20),
          Arbitraries.strings().all().ofMaxLength(12)).map(v -> (Object) v);
      case BYTES -> Arbitraries.oneOf(
          Arbitraries.of(new byte[0], new byte[] {0}, new byte[] {-1}, new byte[] {1, 2}, new byte[20]),
          Arbitraries.bytes().between((byte) -2, (byte) 2).array(byte[].class).ofMaxSize(20),
          Arbitraries.bytes().array(byte[].class).ofMaxSize(20)).map(v -> (Object) v);
    };
  }

  /** Rows of {@code schema}: each field's value, null at 15 % where the field is nullable. */
  static Arbitrary<Object[]> rows(RowSchema schema) {
    List<Arbitrary<Object>> fields = new ArrayList<>();
    for (RowSchema.Field field : schema.fields()) {
      Arbitrary<Object> values = values(field.type());
      fields.add(field.nullable() ? values.injectNull(0.15) : values);
    }
    return Combinators.combine(fields).as(List::toArray);
  }

  /** Whether two value arrays hold equal values (arrays by content, doubles by Double.equals). */
  static boolean sameValues(Object[] a, Object[] b) {
    return Arrays.deepEquals(a, b);
  }

  /** The values as a readable string. */
  static String show(Object[] values) {
    return Arrays.deepToString(values);
  }
}
