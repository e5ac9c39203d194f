package io.memflow.row;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.memflow.memory.MemorySegment;
import io.memflow.memory.MemorySegments;
import io.memflow.memory.view.SeekableInputView;
import io.memflow.memory.view.SeekableOutputView;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterTry;

/**
 * Rows: built by the writer, read field by field in place, and moved through paged views (heap
 * and off-heap pages, rows spanning pages, rows larger than a 32 KiB page).
 */
class BinaryRowTest {

  private final List<MemorySegment> pages = new ArrayList<>();
  private final long offHeapBefore = MemorySegments.offHeapBytesInUse();

  @AfterTry
  void freePagesAndCheckForLeaks() {
    pages.forEach(MemorySegment::free);
    pages.clear();
    assertThat(MemorySegments.offHeapBytesInUse()).isEqualTo(offHeapBefore);
  }

  /** A schema with rows of it. */
  record Batch(RowSchema schema, List<Object[]> rows) {
    @Override
    public String toString() {
      return schema + " " + rows.stream().map(Rows::show).toList();
    }
  }

  @Provide
  Arbitrary<Batch> batches() {
    return Rows.schemas(70).flatMap(schema -> Rows.rows(schema).list().ofMaxSize(12).map(rows -> new Batch(schema, rows)));
  }

  @Property(tries = 300)
  void fieldsReadInPlaceMatchTheValuesWritten(@ForAll("batches") Batch batch) {
    RowWriter writer = new RowWriter(batch.schema());
    for (Object[] values : batch.rows()) {
      BinaryRow row = writer.reset().setAll(values).toRow();
      assertThat(row.toValues()).as(Rows.show(values)).isEqualTo(canonical(values));
      assertFieldsInPlace(row, values);
    }
  }

  @Property(tries = 300)
  void rowsRoundTripAndCopyThroughPagedViews(
      @ForAll("batches") Batch batch, @ForAll @IntRange(min = 16, max = 200) int pageSize, @ForAll boolean offHeap)
      throws IOException {
    BinaryRowSerializer serializer = new BinaryRowSerializer(batch.schema());
    RowWriter writer = new RowWriter(batch.schema());
    SeekableOutputView out = output(pageSize, offHeap);
    for (Object[] values : batch.rows()) {
      serializer.serialize(writer.reset().setAll(values).toRow(), out);
    }
    long written = out.getWritePosition();
    SeekableOutputView copies = output(pageSize, offHeap);
    SeekableInputView in = out.toInputView(written);
    for (int i = 0; i < batch.rows().size(); i++) {
      serializer.copy(in, copies);
    }
    assertThat(copies.getWritePosition()).isEqualTo(written);
    assertReadsBack(serializer, out.toInputView(written), batch.rows());
    assertReadsBack(serializer, copies.toInputView(written), batch.rows());
  }

  @Example
  void aRowLargerThanA32KiBPageRoundTripsThroughOffHeapPages() throws IOException {
    RowSchema schema = RowSchema.builder()
        .field("id", FieldType.LONG).field("text", FieldType.STRING).nullableField("blob", FieldType.BYTES).build();
    String text = "\uD83D\uDE00\u00e9a".repeat(10_000); // 70,000 UTF-8 bytes
    byte[] blob = new byte[50_000];
    Arrays.fill(blob, (byte) 0xAB);
    List<Object[]> rows = List.of(new Object[] {1L, text, blob}, new Object[] {2L, "", null}, new Object[] {3L, text, blob});
    BinaryRowSerializer serializer = new BinaryRowSerializer(schema);
    SeekableOutputView out = output(MemorySegments.DEFAULT_PAGE_SIZE, true);
    for (Object[] values : rows) {
      serializer.serialize(RowWriter.row(schema, values), out);
    }
    assertThat(out.getWritePosition()).isGreaterThan(4L * MemorySegments.DEFAULT_PAGE_SIZE);
    assertReadsBack(serializer, out.toInputView(out.getWritePosition()), rows);
  }

  @Example
  void aRowPointedAtAPageReadsItsFieldsThere() {
    RowSchema schema = RowSchema.builder().field("n", FieldType.INT).nullableField("s", FieldType.STRING).build();
    BinaryRow built = RowWriter.row(schema, -7, "h\u00e9");
    MemorySegment page = MemorySegments.allocateOffHeap(256);
    pages.add(page);
    built.segment().copyTo(built.offset(), page, 100, built.sizeInBytes());
    BinaryRow row = new BinaryRow(schema);
    row.pointTo(page, 100, built.sizeInBytes());
    assertThat(row.getInt(0)).isEqualTo(-7);
    assertThat(row.getString(1)).isEqualTo("h\u00e9");
    assertThat(row.segment()).isSameAs(page);
    assertThat(row.fieldLength(1)).isEqualTo(3);
    assertThat(page.get(row.fieldOffset(1))).isEqualTo((byte) 'h');
  }

  @Example
  void wrongTypesUnsetFieldsAndNullsInNotNullFieldsAreRejected() {
    RowSchema schema = RowSchema.builder().field("n", FieldType.INT).field("s", FieldType.STRING).build();
    RowWriter writer = new RowWriter(schema);
    assertThatThrownBy(() -> writer.setLong(0, 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("field=0 (n INT NOT NULL) is INT, not LONG");
    assertThatThrownBy(() -> writer.setNull(1))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("field=1 (s STRING NOT NULL) is not nullable");
    writer.reset().setInt(0, 1);
    assertThatThrownBy(() -> writer.setInt(0, 2)).isInstanceOf(IllegalStateException.class).hasMessageContaining("already set");
    assertThatThrownBy(writer::toRow).isInstanceOf(IllegalStateException.class)
        .hasMessage("field=1 (s STRING NOT NULL) was not set since reset()");
    BinaryRow row = writer.setString(1, "x").toRow();
    assertThatThrownBy(() -> row.getString(0)).hasMessage("field=0 (n INT NOT NULL) is INT, not STRING");
    assertThatThrownBy(() -> row.getInt(2)).isInstanceOf(IndexOutOfBoundsException.class).hasMessage("field=2 fieldCount=2");
    assertThatThrownBy(() -> row.fieldOffset(0)).hasMessageContaining("is fixed-width");
  }

  @Example
  void malformedSerializedRowsAreReportedAsIOExceptions() throws IOException {
    RowSchema schema = RowSchema.builder().field("s", FieldType.STRING).build();
    BinaryRowSerializer serializer = new BinaryRowSerializer(schema);
    SeekableOutputView out = output(64, false);
    out.writeInt(4); // less than the fixed part of 16 bytes
    assertThatThrownBy(() -> serializer.deserialize(out.toInputView(out.getWritePosition())))
        .isInstanceOf(IOException.class).hasMessageContaining("malformed row length=4, at least the fixed part=16");
    out.setWritePosition(0);
    out.writeInt(16);
    out.writeLong(0);
    out.writeInt(Integer.reverseBytes(16)); // offset 16, little-endian
    out.writeInt(Integer.reverseBytes(5)); // length 5: past the row's end
    assertThatThrownBy(() -> serializer.deserialize(out.toInputView(out.getWritePosition())))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("field=0 offset=16 length=5 is outside the variable part [16, 16)");
    SeekableInputView in = out.toInputView(out.getWritePosition());
    in.readByte(); // the view is on its page now, so the transient read finds the row there
    in.setReadPosition(0);
    assertThatThrownBy(() -> serializer.deserializeTransient(new BinaryRow(schema), in))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("field=0 offset=16 length=5 is outside the variable part [16, 16)");
  }

  // ---------------------------------------------------------------- helpers

  private SeekableOutputView output(int pageSize, boolean offHeap) {
    return new SeekableOutputView(pageSize, () -> {
      MemorySegment page = offHeap ? MemorySegments.allocateOffHeap(pageSize) : MemorySegments.allocateHeap(pageSize);
      pages.add(page);
      return page;
    });
  }

  private static void assertReadsBack(BinaryRowSerializer serializer, SeekableInputView in, List<Object[]> rows)
      throws IOException {
    BinaryRow reuse = new BinaryRow(serializer.schema());
    long start = in.getReadPosition();
    for (Object[] values : rows) {
      assertThat(serializer.deserialize(reuse, in)).isSameAs(reuse);
      assertThat(reuse.toValues()).isEqualTo(canonical(values));
      assertFieldsInPlace(reuse, values);
    }
    in.setReadPosition(start);
    for (Object[] values : rows) {
      assertThat(serializer.deserialize(in).toValues()).isEqualTo(canonical(values));
    }
    assertThat(in.remaining()).isZero();
    in.setReadPosition(start);
    List<BinaryRow> detached = new ArrayList<>();
    for (Object[] values : rows) {
      MemorySegment page = in.getCurrentSegment();
      int room = in.getCurrentSegmentLimit() - in.getCurrentPositionInSegment();
      BinaryRow row = serializer.deserializeTransient(reuse, in);
      assertThat(row).isSameAs(reuse);
      assertThat(row.toValues()).isEqualTo(canonical(values));
      assertFieldsInPlace(row, values);
      if (page != null && room >= Integer.BYTES + row.sizeInBytes()) { // whole in its page: read there, no copy
        assertThat(row.segment()).isSameAs(page);
      }
      detached.add(serializer.detach(row));
    }
    assertThat(in.remaining()).isZero();
    for (int i = 0; i < rows.size(); i++) { // copies that outlive the pages' reuse
      assertThat(detached.get(i).toValues()).isEqualTo(canonical(rows.get(i)));
    }
  }

  /** Checks each field through the typed getters and the in-place accessors. */
  private static void assertFieldsInPlace(BinaryRow row, Object[] values) {
    for (int i = 0; i < values.length; i++) {
      assertThat(row.isNullAt(i)).isEqualTo(values[i] == null);
      if (values[i] == null) {
        continue;
      }
      switch (row.schema().type(i)) {
        case INT -> assertThat(row.getInt(i)).isEqualTo(values[i]);
        case LONG -> assertThat(row.getLong(i)).isEqualTo(values[i]);
        case DOUBLE -> assertThat(Double.compare(row.getDouble(i), (Double) values[i])).isZero();
        case STRING, BYTES -> assertThat(inPlaceBytes(row, i)).isEqualTo(expectedBytes(values[i]));
      }
    }
  }

  private static byte[] inPlaceBytes(BinaryRow row, int i) {
    byte[] bytes = new byte[row.fieldLength(i)];
    row.segment().get(row.fieldOffset(i), bytes);
    return bytes;
  }

  private static byte[] expectedBytes(Object value) {
    if (value instanceof byte[] bytes) {
      return bytes;
    }
    String s = (String) value;
    byte[] bytes = new byte[Utf8.encodedLength(s)];
    Utf8.encode(s, bytes, 0, bytes.length);
    return bytes;
  }

  /** The values as a row returns them: every NaN canonical. */
  private static Object[] canonical(Object[] values) {
    Object[] copy = values.clone();
    for (int i = 0; i < copy.length; i++) {
      if (copy[i] instanceof Double d && d.isNaN()) {
        copy[i] = Double.NaN;
      }
    }
    return copy;
  }

  @Example
  void copyFieldCopiesEveryTypeAndNullsWithoutDecoding() {
    RowSchema schema = RowSchema.builder().nullableField("i", FieldType.INT).nullableField("l", FieldType.LONG)
        .nullableField("d", FieldType.DOUBLE).nullableField("s", FieldType.STRING)
        .nullableField("b", FieldType.BYTES).build();
    BinaryRow from = RowWriter.row(schema, 7, -3L, -0.0, "grüße, \"x\"", new byte[] {1, 2, 3});
    BinaryRow nulls = RowWriter.row(schema, null, null, null, null, null);
    RowWriter writer = new RowWriter(schema);
    for (BinaryRow source : List.of(from, nulls)) {
      writer.reset();
      for (int f = 0; f < schema.fieldCount(); f++) {
        writer.copyField(f, source, f);
      }
      assertThat(writer.toRow().toValues()).containsExactly(source.toValues());
    }
    RowSchema other = RowSchema.builder().field("s", FieldType.LONG).build();
    assertThatThrownBy(() -> new RowWriter(other).copyField(0, from, 3)).isInstanceOf(IllegalArgumentException.class);
  }
  @Provide
  Arbitrary<List<Batch>> pairsOfBatches() {
    return Rows.schemas(40).flatMap(schema -> Rows.rows(schema).list().ofMinSize(1).ofMaxSize(4)
        .map(rows -> new Batch(schema, rows))).list().ofSize(2);
  }

  @Property(tries = 300)
  void copyFieldsBuildsTheSameBytesAsSettingEveryField(
      @ForAll("pairsOfBatches") List<Batch> pair, @ForAll boolean offHeap, @ForAll boolean rightFirst) {
    Batch left = pair.get(0);
    Batch right = pair.get(1);
    RowSchema.Builder joined = RowSchema.builder();
    left.schema().fields().forEach(joined::add);
    right.schema().fields().forEach(f -> joined.add(new RowSchema.Field("r." + f.name(), f.type(), f.nullable())));
    RowSchema schema = joined.build();
    RowWriter writer = new RowWriter(schema);
    int leftFields = left.schema().fieldCount();
    for (Object[] l : left.rows()) {
      for (Object[] r : right.rows()) {
        BinaryRow from = placed(RowWriter.row(left.schema(), l), offHeap);
        BinaryRow other = placed(RowWriter.row(right.schema(), r), offHeap);
        writer.reset();
        if (rightFirst) {
          writer.copyFields(leftFields, other).copyFields(0, from);
        } else {
          writer.copyFields(0, from).copyFields(leftFields, other);
        }
        BinaryRow built = writer.toRow();
        BinaryRow viewed = new BinaryRow(schema);
        writer.view(viewed); // the writer's own bytes, no copy
        assertThat(bytesOf(viewed)).isEqualTo(bytesOf(built));
        Object[] values = concat(l, r);
        assertThat(built.toValues()).as(Rows.show(values)).isEqualTo(canonical(values));
        if (!rightFirst) { // the variable parts in field order, as setAll appends them
          assertThat(bytesOf(built)).isEqualTo(bytesOf(new RowWriter(schema).setAll(values).toRow()));
        }
      }
    }
  }

  @Example
  void copyFieldsChecksTypesNullabilityAndRoomLikeCopyField() {
    RowSchema nullable = RowSchema.builder().nullableField("s", FieldType.STRING).field("l", FieldType.LONG).build();
    BinaryRow from = RowWriter.row(nullable, null, 5L);
    RowSchema strict = RowSchema.builder().field("s", FieldType.STRING).field("l", FieldType.LONG).build();
    assertThatThrownBy(() -> new RowWriter(strict).copyFields(0, from))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("field=0 (s STRING NOT NULL) is not nullable");
    RowSchema swapped = RowSchema.builder().field("l", FieldType.LONG).nullableField("s", FieldType.STRING).build();
    assertThatThrownBy(() -> new RowWriter(swapped).copyFields(0, from))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is LONG, not STRING");
    assertThatThrownBy(() -> new RowWriter(nullable).copyFields(1, from)).isInstanceOf(IndexOutOfBoundsException.class);
    RowWriter twice = new RowWriter(nullable).copyFields(0, from);
    assertThatThrownBy(() -> twice.copyFields(0, from)).isInstanceOf(IllegalStateException.class).hasMessageContaining("already set");
  }

  /** A copy of {@code row} at offset 13 of a page of its own (off-heap or heap). */
  private BinaryRow placed(BinaryRow row, boolean offHeap) {
    MemorySegment page = offHeap ? MemorySegments.allocateOffHeap(row.sizeInBytes() + 20) : MemorySegments.allocateHeap(row.sizeInBytes() + 20);
    pages.add(page);
    row.segment().copyTo(row.offset(), page, 13, row.sizeInBytes());
    BinaryRow placed = new BinaryRow(row.schema());
    placed.pointTo(page, 13, row.sizeInBytes());
    return placed;
  }

  private static byte[] bytesOf(BinaryRow row) {
    byte[] bytes = new byte[row.sizeInBytes()];
    row.segment().get(row.offset(), bytes);
    return bytes;
  }

  private static Object[] concat(Object[] a, Object[] b) {
    Object[] both = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, both, a.length, b.length);
    return both;
  }
}
