package io.memflow.hash;

import static org.assertj.core.api.Assertions.assertThat;

import io.memflow.memory.MemorySegment;
import io.memflow.memory.MemorySegments;
import io.memflow.row.BinaryRow;
import io.memflow.row.FieldType;
import io.memflow.row.RowSchema;
import io.memflow.row.RowWriter;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The group rows {@link AggLayout} writes (its own copy of the bitmap and slot offsets) read back
 * through {@link BinaryRow}, which uses {@code RowLayout}: the two layouts agree for rows of one
 * to two bitmap words.
 */
class HashAggregatorLayoutTest {

  @ParameterizedTest
  @ValueSource(ints = {1, 7, 62, 63, 64, 65, 130})
  void groupRowsWrittenInPlaceReadBackAsBinaryRowsOfThePartialSchema(int keyFields) {
    RowSchema.Builder builder = RowSchema.builder();
    for (int i = 0; i < keyFields; i++) {
      if (i % 3 == 2) {
        builder.nullableField("s" + i, FieldType.STRING);
      } else {
        builder.nullableField("l" + i, FieldType.LONG);
      }
    }
    RowSchema schema = builder.field("v", FieldType.INT).build();
    RowWriter writer = new RowWriter(schema);
    for (int i = 0; i < keyFields; i++) {
      if (i % 5 == 4) {
        writer.setNull(i);
      } else if (i % 3 == 2) {
        writer.setString(i, "s" + i);
      } else {
        writer.setLong(i, i + 1L);
      }
    }
    BinaryRow input = writer.setInt(keyFields, -7).toRow();
    int[] keys = java.util.stream.IntStream.range(0, keyFields).toArray();
    AggLayout layout = new AggLayout(schema, keys, List.of(AggregateFunction.count(),
        AggregateFunction.min("v"), AggregateFunction.sum("v"), AggregateFunction.max("v")));
    MemorySegment page = MemorySegments.wrap(new byte[layout.newLength(input) + 16]);
    layout.writeNew(input, page, 16);
    BinaryRow group = new BinaryRow(layout.partialSchema());
    group.pointTo(page, 16, layout.newLength(input));
    for (int i = 0; i < keyFields; i++) {
      assertThat(group.toValues()[i]).as("key field %d", i).isEqualTo(input.toValues()[i]);
    }
    assertThat(java.util.Arrays.asList(group.toValues()).subList(keyFields, keyFields + 4)).containsExactly(1L, -7, -7L, -7);
    assertThat(layout.partialKey().equal(group, layout.inputKey(), input)).isTrue();
    assertThat(layout.partialKey().hash(group, 3)).isEqualTo(layout.inputKey().hash(input, 3));
  }
}
