package io.memflow.hash;

import static org.assertj.core.api.Assertions.assertThat;

import io.memflow.row.BinaryRow;
import io.memflow.row.FieldType;
import io.memflow.row.RowSchema;
import io.memflow.row.RowWriter;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Joined rows, byte for byte against the row a {@link RowWriter} writes from the two sides' values:
 * random schemas of every field type (nullable or not), random values with nulls, strings and
 * bytes of every length, 2 to 90 fields in all (so both the concatenation of up to 64 fields and
 * the writer's path for more), and unmatched sides for the outer joins.
 */
class JoinRowBuilderTest {

  private static final FieldType[] TYPES = FieldType.values();

  @ParameterizedTest
  @EnumSource(value = JoinType.class, names = {"INNER", "LEFT_OUTER", "RIGHT_OUTER"})
  void joinedRowsAreTheRowsOfBothSidesValues(JoinType type) {
    Random random = new Random(type.ordinal());
    for (int test = 0; test < 300; test++) {
      RowSchema probeSchema = schema(random, "p", 1 + random.nextInt(test % 3 == 0 ? 60 : 12));
      RowSchema buildSchema = schema(random, "b", 1 + random.nextInt(test % 5 == 0 ? 30 : 8));
      JoinRowBuilder builder = new JoinRowBuilder(type, probeSchema, buildSchema);
      for (int r = 0; r < 5; r++) { // one builder, rows of different lengths: its buffer is reused
        Object[] probe = values(random, probeSchema);
        Object[] build = values(random, buildSchema);
        boolean noProbe = type == JoinType.RIGHT_OUTER && random.nextInt(4) == 0;
        boolean noBuild = type == JoinType.LEFT_OUTER && random.nextInt(4) == 0;
        BinaryRow joined = builder.joined(noProbe ? null : RowWriter.row(probeSchema, probe),
            noBuild ? null : RowWriter.row(buildSchema, build));
        Object[] all = new Object[probe.length + build.length];
        System.arraycopy(noProbe ? new Object[probe.length] : probe, 0, all, 0, probe.length);
        System.arraycopy(noBuild ? new Object[build.length] : build, 0, all, probe.length, build.length);
        BinaryRow expected = RowWriter.row(builder.schema(), all);
        assertThat(bytes(joined)).as("test %d row %d", test, r).isEqualTo(bytes(expected));
        assertThat(joined.toValues()).usingRecursiveComparison().isEqualTo(expected.toValues());
      }
    }
  }

  private static RowSchema schema(Random random, String prefix, int fields) {
    RowSchema.Builder builder = RowSchema.builder();
    for (int i = 0; i < fields; i++) {
      FieldType type = TYPES[random.nextInt(TYPES.length)];
      if (random.nextBoolean()) {
        builder.nullableField(prefix + i, type);
      } else {
        builder.field(prefix + i, type);
      }
    }
    return builder.build();
  }

  private static Object[] values(Random random, RowSchema schema) {
    Object[] values = new Object[schema.fieldCount()];
    for (int i = 0; i < values.length; i++) {
      if (schema.isNullable(i) && random.nextInt(3) == 0) {
        continue;
      }
      values[i] = switch (schema.type(i)) {
        case INT -> random.nextInt();
        case LONG -> random.nextLong();
        case DOUBLE -> random.nextDouble() * 1e6;
        case STRING -> "s".repeat(random.nextInt(random.nextInt(10) == 0 ? 300 : 6));
        case BYTES -> {
          byte[] bytes = new byte[random.nextInt(9)];
          random.nextBytes(bytes);
          yield bytes;
        }
      };
    }
    return values;
  }

  private static byte[] bytes(BinaryRow row) {
    byte[] bytes = new byte[row.sizeInBytes()];
    row.segment().get(row.offset(), bytes, 0, bytes.length);
    return bytes;
  }
}
