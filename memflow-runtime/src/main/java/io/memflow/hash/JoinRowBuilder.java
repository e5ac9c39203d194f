package io.memflow.hash;

import io.memflow.row.BinaryRow;
import io.memflow.row.RowSchema;
import io.memflow.row.RowWriter;

/**
 * Builds the output rows of a join: the probe row's fields then the build row's (for {@link
 * JoinType#SEMI} and {@link JoinType#ANTI} the probe row itself), either side null for the
 * unmatched rows of an outer join. The output schema names a build field like a probe field
 * {@code "build." + name}; the side an outer join may leave unmatched has nullable fields.
 *
 * <p>Not thread-safe; the row returned is reused by the next call. Strings and bytes are copied
 * through a decoded value (allocating); fixed-width fields are copied without allocation.
 */
final class JoinRowBuilder {

  private final JoinType type;
  private final RowSchema probeSchema;
  private final RowSchema buildSchema;
  private final RowSchema output;
  private final RowWriter writer;
  private final BinaryRow row;

  JoinRowBuilder(JoinType type, RowSchema probeSchema, RowSchema buildSchema) {
    this.type = type;
    this.probeSchema = probeSchema;
    this.buildSchema = buildSchema;
    this.output = outputSchema(type, probeSchema, buildSchema);
    this.writer = new RowWriter(output);
    this.row = new BinaryRow(output);
  }

  /** The schema of the rows of a join of {@code type}. */
  static RowSchema outputSchema(JoinType type, RowSchema probe, RowSchema build) {
    if (!type.outputsBuildFields()) {
      return probe;
    }
    RowSchema.Builder builder = RowSchema.builder();
    for (RowSchema.Field field : probe.fields()) {
      builder.add(new RowSchema.Field(field.name(), field.type(), field.nullable() || type == JoinType.RIGHT_OUTER));
    }
    java.util.Set<String> probeNames = new java.util.HashSet<>();
    probe.fields().forEach(f -> probeNames.add(f.name()));
    for (RowSchema.Field field : build.fields()) {
      String name = probeNames.contains(field.name()) ? "build." + field.name() : field.name();
      builder.add(new RowSchema.Field(name, field.type(), field.nullable() || type == JoinType.LEFT_OUTER));
    }
    return builder.build();
  }

  RowSchema schema() {
    return output;
  }

  /** The output row of {@code probe} (null: unmatched build row) and {@code build} (null: unmatched probe row). */
  BinaryRow joined(BinaryRow probe, BinaryRow build) {
    if (!type.outputsBuildFields()) {
      return probe;
    }
    writer.reset();
    copy(probe, probeSchema, 0);
    copy(build, buildSchema, probeSchema.fieldCount());
    writer.view(row); // the writer's buffer, valid until the next call: no copy
    return row;
  }

  private void copy(BinaryRow from, RowSchema schema, int at) {
    if (from != null) {
      writer.copyFields(at, from);
      return;
    }
    for (int i = 0; i < schema.fieldCount(); i++) {
      writer.setNull(at + i);
    }
  }
}
