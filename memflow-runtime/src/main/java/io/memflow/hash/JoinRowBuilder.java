package io.memflow.hash;

import io.memflow.memory.MemorySegment;
import io.memflow.memory.MemorySegments;
import io.memflow.row.BinaryRow;
import io.memflow.row.RowLayout;
import io.memflow.row.RowSchema;
import io.memflow.row.RowWriter;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.stream.IntStream;

/**
 * Builds the output rows of a join: the probe row's fields then the build row's (for {@link
 * JoinType#SEMI} and {@link JoinType#ANTI} the probe row itself), either side null for the
 * unmatched rows of an outer join. The output schema names a build field like a probe field
 * {@code "build." + name}; the side an outer join may leave unmatched has nullable fields.
 *
 * <p>A matched pair of rows of at most 64 fields together (one bitmap word) is concatenated as
 * bytes: the two null bitmaps merged into one word, each side's slots copied in one block, then
 * each side's variable part, and the offsets in the slots of its non-null STRING and BYTES fields
 * moved by how far its variable part moved (see {@link RowLayout}). This is the row {@link
 * RowWriter#copyFields} would build, without its checks per field and per row (in the 10 k join
 * at parallelism 2, warm, building joined rows took 8.8 % of the join threads' JFR samples
 * instead of 12.1 %). Other rows (an unmatched side, more fields) go through the {@link RowWriter}.
 *
 * <p>Not thread-safe; the row returned is reused by the next call; no allocation once the buffer
 * has grown to the longest row.
 */
final class JoinRowBuilder implements JoinOutput {

  /** Writes into the builder's own array go through these (one bounds check) rather than its segment. */
  private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle INT_LE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

  private final JoinType type;
  private final RowSchema probeSchema;
  private final RowSchema buildSchema;
  private final RowSchema output;
  private final RowWriter writer;
  private final BinaryRow row;
  private final boolean concatenates;
  private final int probeFields;
  private final int buildFields;
  /** The fixed parts (bitmap and slots) of probe, build and output rows. */
  private final int probeFixed;
  private final int buildFixed;
  private final int outputFixed;
  private final int[] probeVariable;
  private final int[] buildVariable;
  private byte[] bytes = new byte[256];
  private MemorySegment buffer = MemorySegments.wrap(bytes);

  JoinRowBuilder(JoinType type, RowSchema probeSchema, RowSchema buildSchema) {
    this.type = type;
    this.probeSchema = probeSchema;
    this.buildSchema = buildSchema;
    this.output = outputSchema(type, probeSchema, buildSchema);
    this.writer = new RowWriter(output);
    this.row = new BinaryRow(output);
    this.concatenates = type.outputsBuildFields() && output.fieldCount() <= Long.SIZE;
    this.probeFields = probeSchema.fieldCount();
    this.buildFields = buildSchema.fieldCount();
    this.probeFixed = RowLayout.fixedPartBytes(probeFields);
    this.buildFixed = RowLayout.fixedPartBytes(buildFields);
    this.outputFixed = RowLayout.fixedPartBytes(output.fieldCount());
    this.probeVariable = variableFields(probeSchema);
    this.buildVariable = variableFields(buildSchema);
  }

  private static int[] variableFields(RowSchema schema) {
    return IntStream.range(0, schema.fieldCount()).filter(i -> !schema.type(i).isFixedWidth()).toArray();
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
  @Override
  public BinaryRow joined(BinaryRow probe, BinaryRow build) {
    if (!type.outputsBuildFields()) {
      return probe;
    }
    if (concatenates && probe != null && build != null) {
      return concatenated(probe, build);
    }
    writer.reset();
    copy(probe, probeSchema, 0);
    copy(build, buildSchema, probeSchema.fieldCount());
    writer.view(row); // the writer's buffer, valid until the next call: no copy
    return row;
  }

  /** {@code probe}'s fields then {@code build}'s, as bytes (see the class comment). */
  private BinaryRow concatenated(BinaryRow probe, BinaryRow build) {
    int probeVariableBytes = probe.sizeInBytes() - probeFixed;
    int buildVariableBytes = build.sizeInBytes() - buildFixed;
    int length = outputFixed + probeVariableBytes + buildVariableBytes;
    if (length > bytes.length) {
      bytes = new byte[Math.max(length, 2 * bytes.length)];
      buffer = MemorySegments.wrap(bytes);
    }
    MemorySegment from = probe.segment();
    MemorySegment other = build.segment();
    int at = probe.offset();
    int otherAt = build.offset();
    long probeNulls = from.getLongLittleEndian(at) & -1L >>> (Long.SIZE - probeFields);
    long buildNulls = other.getLongLittleEndian(otherAt) & -1L >>> (Long.SIZE - buildFields);
    LONG_LE.set(bytes, 0, probeNulls | buildNulls << probeFields);
    int slots = RowLayout.slotOffset(output.fieldCount(), 0);
    from.get(at + RowLayout.slotOffset(probeFields, 0), bytes, slots, probeFields * RowLayout.SLOT_BYTES);
    other.get(otherAt + RowLayout.slotOffset(buildFields, 0), bytes,
        RowLayout.slotOffset(output.fieldCount(), probeFields), buildFields * RowLayout.SLOT_BYTES);
    from.get(at + probeFixed, bytes, outputFixed, probeVariableBytes);
    other.get(otherAt + buildFixed, bytes, outputFixed + probeVariableBytes, buildVariableBytes);
    moveOffsets(probeVariable, 0, probeNulls, outputFixed - probeFixed);
    moveOffsets(buildVariable, probeFields, buildNulls, outputFixed + probeVariableBytes - buildFixed);
    row.pointTo(buffer, 0, length);
    return row;
  }

  /** Adds {@code by} to the offsets of the non-null fields {@code fields} (of a side starting at output field {@code first}). */
  private void moveOffsets(int[] fields, int first, long nulls, int by) {
    for (int k : fields) {
      if ((nulls & 1L << k) == 0) {
        int slot = RowLayout.slotOffset(output.fieldCount(), first + k) + RowLayout.VAR_OFFSET_IN_SLOT;
        INT_LE.set(bytes, slot, (int) INT_LE.get(bytes, slot) + by);
      }
    }
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
