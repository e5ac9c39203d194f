package io.memflow.memory.view;

import static org.assertj.core.api.Assertions.assertThat;

import io.memflow.memory.MemorySegments;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Random sequences of mixed values through the paged views over small pages (16 to 64 bytes,
 * so that values cross boundaries everywhere), of every kind: the bytes must be those of {@link
 * DataOutputStream}, reading must give the values back, and no off-heap memory may leak.
 */
class PagedViewPropertiesTest {

  @Provide
  Arbitrary<List<Op>> ops() {
    return Op.any().list().ofMaxSize(60);
  }

  @Property(tries = 300)
  void mixedValuesWrittenAcrossPagesMatchDataOutputStreamAndReadBack(
      @ForAll("ops") List<Op> ops,
      @ForAll @IntRange(min = 16, max = 64) int pageSize,
      @ForAll @IntRange(min = 0, max = 12) int headerLength,
      @ForAll PageKind kind)
      throws IOException {
    long offHeapBefore = MemorySegments.offHeapBytesInUse();
    HeaderPages pages = new HeaderPages(kind, pageSize, headerLength);
    try {
      byte[] expected = writeAll(ops, pages);
      assertThat(pages.payload()).isEqualTo(expected);
      assertThat(pages.headersUntouched()).isTrue();
      HeaderPages.Input in = pages.input();
      for (Op op : ops) {
        op.check().apply(in);
      }
      assertThat(in.read(new byte[1], 0, 1)).isEqualTo(-1);
    } finally {
      pages.free();
    }
    assertThat(MemorySegments.offHeapBytesInUse()).isEqualTo(offHeapBefore);
  }

  @Property(tries = 150)
  void seekingToTheRecordedPositionReadsTheValueThere(
      @ForAll("ops") @Size(min = 1) List<Op> ops,
      @ForAll @IntRange(min = 16, max = 64) int pageSize,
      @ForAll PageKind kind,
      @ForAll Random random)
      throws IOException {
    long offHeapBefore = MemorySegments.offHeapBytesInUse();
    SeekableOutputView out = new SeekableOutputView(pageSize, () -> kind.page(pageSize));
    try {
      long[] positions = new long[ops.size() + 1];
      ByteArrayOutputStream reference = new ByteArrayOutputStream();
      DataOutputStream referenceOut = new DataOutputStream(reference);
      for (int i = 0; i < ops.size(); i++) {
        positions[i] = out.getWritePosition();
        ops.get(i).write().apply(out);
        ops.get(i).reference().apply(referenceOut);
      }
      positions[ops.size()] = out.getWritePosition();
      assertThat(positions[ops.size()]).isEqualTo(reference.size());

      SeekableInputView in = out.toInputView(positions[ops.size()]);
      byte[] all = new byte[reference.size()];
      in.readFully(all);
      assertThat(all).isEqualTo(reference.toByteArray());
      assertThat(in.remaining()).isZero();
      readInRandomOrder(ops, positions, in, random);
    } finally {
      out.pages().forEach(page -> page.free());
    }
    assertThat(MemorySegments.offHeapBytesInUse()).isEqualTo(offHeapBefore);
  }

  @Property(tries = 150)
  void overwritingAtRandomPositionsMatchesAByteArrayModel(
      @ForAll @IntRange(min = 16, max = 64) int pageSize,
      @ForAll @IntRange(min = 1, max = 6) int pageCount,
      @ForAll PageKind kind,
      @ForAll Random random)
      throws IOException {
    long offHeapBefore = MemorySegments.offHeapBytesInUse();
    List<io.memflow.memory.MemorySegment> list = new ArrayList<>();
    for (int i = 0; i < pageCount; i++) {
      list.add(kind.page(pageSize));
    }
    try {
      int capacity = pageSize * pageCount;
      byte[] model = new byte[capacity];
      java.util.Arrays.fill(model, PageKind.FILL);
      SeekableOutputView out = new SeekableOutputView(list, pageSize);
      for (int k = 0; k < 40; k++) {
        long value = random.nextLong();
        int at = random.nextInt(capacity - Long.BYTES + 1);
        out.setWritePosition(at);
        out.writeLong(value);
        assertThat(out.getWritePosition()).isEqualTo(at + Long.BYTES);
        java.nio.ByteBuffer.wrap(model).putLong(at, value);
      }
      SeekableInputView in = new SeekableInputView(list, pageSize, capacity);
      for (int k = 0; k < 40; k++) {
        int at = random.nextInt(capacity - Long.BYTES + 1);
        in.setReadPosition(at);
        assertThat(in.readLong()).isEqualTo(java.nio.ByteBuffer.wrap(model).getLong(at));
      }
    } finally {
      list.forEach(page -> page.free());
    }
    assertThat(MemorySegments.offHeapBytesInUse()).isEqualTo(offHeapBefore);
  }

  private static void readInRandomOrder(List<Op> ops, long[] positions, SeekableInputView in, Random random)
      throws IOException {
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < ops.size(); i++) {
      order.add(i);
    }
    Collections.shuffle(order, random);
    for (int i : order) {
      in.setReadPosition(positions[i]);
      assertThat(in.getReadPosition()).isEqualTo(positions[i]);
      ops.get(i).check().apply(in);
      assertThat(in.getReadPosition()).as("position after %s", ops.get(i)).isEqualTo(positions[i + 1]);
    }
  }

  private static byte[] writeAll(List<Op> ops, HeaderPages pages) throws IOException {
    ByteArrayOutputStream reference = new ByteArrayOutputStream();
    DataOutputStream referenceOut = new DataOutputStream(reference);
    HeaderPages.Output out = pages.output();
    for (Op op : ops) {
      op.write().apply(out);
      op.reference().apply(referenceOut);
    }
    out.finish();
    return reference.toByteArray();
  }
}
