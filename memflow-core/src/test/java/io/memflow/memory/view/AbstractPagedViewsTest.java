package io.memflow.memory.view;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.memflow.memory.MemorySegment;
import io.memflow.memory.MemorySegments;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UTFDataFormatException;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The abstract paged views through a test harness with page headers ({@link HeaderPages}). */
class AbstractPagedViewsTest {

  private static final int PAGE = 16;

  private long offHeapBefore;
  private HeaderPages pages;

  @BeforeEach
  void recordOffHeap() {
    offHeapBefore = MemorySegments.offHeapBytesInUse();
  }

  @AfterEach
  void freePagesAndCheckForLeaks() {
    if (pages != null) {
      pages.free();
    }
    assertThat(MemorySegments.offHeapBytesInUse()).isEqualTo(offHeapBefore);
  }

  /** Values whose encodings take 2 to 20 bytes, each to be put across a page boundary. */
  private static List<Op> straddlingOps() {
    return List.of(
        Op.ofShort((short) 0x1234), Op.ofUnsignedShort(0xFEDC), Op.ofChar('\u20ac'),
        Op.ofInt(0x89ABCDEF), Op.ofLong(0x0123456789ABCDEFL), Op.ofFloat(-1.5e-3f),
        Op.ofDouble(Math.PI), Op.ofDouble(Double.NaN), Op.ofVarInt(-1), Op.ofVarLong(-1L),
        Op.ofSignedVarLong(Long.MIN_VALUE), Op.ofUtf("\u00e9\u20ac\u0000x"), Op.ofString("\u00e9\ud83d\ude00"),
        Op.ofChars("ab\u20ac"), Op.ofBytesString("abcdefgh"), Op.ofByteArray(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9}));
  }

  @ParameterizedTest
  @EnumSource(PageKind.class)
  void valuesStraddlingAPageBoundaryAtEveryOffsetReadBackAsDataOutputStreamWroteThem(PageKind kind) throws IOException {
    for (int header : new int[] {0, 3}) {
      for (Op op : straddlingOps()) {
        for (int before = 0; before <= 10; before++) { // bytes of the value on the first page
          checkStraddling(kind, header, op, before);
        }
      }
    }
  }

  private void checkStraddling(PageKind kind, int header, Op op, int before) throws IOException {
    HeaderPages p = new HeaderPages(kind, PAGE, header);
    try {
      byte[] filler = new byte[PAGE - header - before];
      Arrays.fill(filler, (byte) 7);
      List<Op> ops = List.of(Op.ofByteArray(filler), op, Op.ofInt(0x01020304));
      ByteArrayOutputStream expected = new ByteArrayOutputStream();
      DataOutputStream reference = new DataOutputStream(expected);
      HeaderPages.Output out = p.output();
      for (Op o : ops) {
        o.write().apply(out);
        o.reference().apply(reference);
      }
      out.finish();
      String what = op + " with " + before + " bytes before the boundary, header=" + header;
      assertThat(p.payload()).as(what).isEqualTo(expected.toByteArray());
      assertThat(p.headersUntouched()).as(what).isTrue();
      HeaderPages.Input in = p.input();
      for (Op o : ops) {
        o.check().apply(in);
      }
      assertThat(in.read(new byte[1])).as(what).isEqualTo(-1);
    } finally {
      p.free();
    }
  }

  // ---------------------------------------------------------------- end of input

  private interface Read {
    void from(DataInputView in) throws IOException;
  }

  @ParameterizedTest
  @EnumSource(PageKind.class)
  void everyReadFailsWithEofWhenTheStreamEndsInsideTheValue(PageKind kind) throws IOException {
    record Case(String name, int size, Read read) {}
    List<Case> cases = List.of(
        new Case("readBoolean", 1, DataInputView::readBoolean), new Case("readByte", 1, DataInputView::readByte),
        new Case("readUnsignedByte", 1, DataInputView::readUnsignedByte), new Case("readShort", 2, DataInputView::readShort),
        new Case("readUnsignedShort", 2, DataInputView::readUnsignedShort), new Case("readChar", 2, DataInputView::readChar),
        new Case("readInt", 4, DataInputView::readInt), new Case("readFloat", 4, DataInputView::readFloat),
        new Case("readLong", 8, DataInputView::readLong), new Case("readDouble", 8, DataInputView::readDouble),
        new Case("readFully", 5, in -> in.readFully(new byte[5])), new Case("readUTF", 2, DataInputView::readUTF),
        new Case("readVarInt", 5, DataInputView::readVarInt), new Case("readVarLong", 10, DataInputView::readVarLong),
        new Case("skipBytesToRead", 7, in -> in.skipBytesToRead(7)));
    for (Case c : cases) {
      for (int available = 0; available < c.size(); available++) {
        HeaderPages p = new HeaderPages(kind, PAGE, 2);
        try {
          HeaderPages.Output out = p.output();
          out.write(new byte[PAGE - 2 - 1]); // the value starts one byte before the first boundary
          for (int i = 0; i < available; i++) {
            out.writeByte(0x80); // keeps a varint going
          }
          out.finish();
          HeaderPages.Input in = p.input();
          in.skipBytesToRead(PAGE - 2 - 1);
          assertThatThrownBy(() -> c.read().from(in)).as(c.name() + " with " + available + " bytes")
              .isInstanceOf(EOFException.class);
        } finally {
          p.free();
        }
      }
    }
  }

  @Test
  void readReturnsWhatIsLeftThenMinusOne() throws IOException {
    pages = written(PageKind.HEAP, 4, bytes(30)); // 12 payload bytes per page
    HeaderPages.Input in = pages.input();
    byte[] b = new byte[100];
    assertThat(in.read(b, 1, 5)).isEqualTo(5);
    assertThat(in.read(b, 6, 100 - 6)).isEqualTo(25);
    assertThat(Arrays.copyOfRange(b, 1, 31)).isEqualTo(bytes(30));
    assertThat(in.read(b, 0, 0)).isZero();
    assertThat(in.read(b, 0, 10)).isEqualTo(-1);
    assertThat(in.read(b)).isEqualTo(-1);
    assertThatThrownBy(() -> in.read(b, 95, 10)).isInstanceOf(IndexOutOfBoundsException.class);
  }

  @Test
  void readFullyFailsAtTheEndAfterConsumingWhatWasThere() throws IOException {
    pages = written(PageKind.OFF_HEAP, 4, bytes(30));
    HeaderPages.Input in = pages.input();
    byte[] b = new byte[31];
    assertThatThrownBy(() -> in.readFully(b)).isInstanceOf(EOFException.class);
    assertThat(Arrays.copyOf(b, 30)).isEqualTo(bytes(30));
    assertThat(in.read(b)).isEqualTo(-1);
    assertThatThrownBy(() -> in.readFully(b, 30, 2)).isInstanceOf(IndexOutOfBoundsException.class);
  }

  @Test
  void skipBytesSkipsWhatIsThereAndSaysHowMuch() throws IOException {
    pages = written(PageKind.HEAP, 4, bytes(30));
    HeaderPages.Input in = pages.input();
    assertThat(in.skipBytes(-3)).isZero();
    assertThat(in.skipBytes(13)).isEqualTo(13);
    assertThat(in.readByte()).isEqualTo((byte) 13);
    assertThat(in.skipBytes(20)).isEqualTo(16);
    assertThat(in.skipBytes(5)).isZero();
  }

  @Test
  void skipBytesToReadCrossesPagesAndFailsWhenTooFewBytesRemain() throws IOException {
    pages = written(PageKind.DIRECT_BUFFER, 4, bytes(30));
    HeaderPages.Input in = pages.input();
    in.skipBytesToRead(0);
    in.skipBytesToRead(25);
    assertThat(in.readByte()).isEqualTo((byte) 25);
    assertThatThrownBy(() -> in.skipBytesToRead(-1)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("numBytes=-1 must not be negative");
    assertThatThrownBy(() -> in.skipBytesToRead(5)).isInstanceOf(EOFException.class);
  }

  @Test
  void readLineIsNotSupported() {
    pages = written(PageKind.HEAP, 0, bytes(3));
    assertThatThrownBy(() -> pages.input().readLine()).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void emptyPagesAreSkippedOnInput() throws IOException {
    pages = new HeaderPages(PageKind.HEAP, PAGE, 4);
    byte[][] payloads = {{0x11, 0x22}, {}, {}, {0x33, 0x44}};
    for (byte[] payload : payloads) {
      MemorySegment page = PageKind.HEAP.page(PAGE);
      page.put(4, payload);
      pages.pages.add(page);
      pages.limits.add(4 + payload.length);
    }
    HeaderPages.Input in = pages.input();
    assertThat(in.readInt()).isEqualTo(0x11223344);
    assertThatThrownBy(in::readByte).isInstanceOf(EOFException.class);
  }

  @Test
  void anInputViewStartsOnItsInitialPageAfterTheHeader() throws IOException {
    MemorySegment page = MemorySegments.wrap(new byte[] {-1, -1, -1, 0, 0, 0, 42, 9});
    AbstractPagedInputView in = new SinglePageInput(page, 7, 3);
    assertThat(in.getCurrentSegment()).isSameAs(page);
    assertThat(in.getHeaderLength()).isEqualTo(3);
    assertThat(in.getCurrentPositionInSegment()).isEqualTo(3);
    assertThat(in.getCurrentSegmentLimit()).isEqualTo(7);
    assertThat(in.readInt()).isEqualTo(42);
    assertThatThrownBy(in::readByte).isInstanceOf(EOFException.class); // byte 7 is past the limit
  }

  @Test
  void seekingOutsideThePageIsRejectedWithEveryOperand() {
    MemorySegment page = MemorySegments.allocateHeap(8);
    assertThatThrownBy(() -> new SinglePageInput(page, 9, 0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("position=0 limit=9 size=8: need 0 <= position <= limit <= size");
    assertThatThrownBy(() -> new SinglePageInput(page, 2, 3)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("position=3 limit=2 size=8: need 0 <= position <= limit <= size");
    assertThatThrownBy(() -> new SinglePageInput(page, 2, -1)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("headerLength=-1 must not be negative");
    assertThatThrownBy(() -> new SinglePageOutput(page, 9)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("position=9 size=8: need 0 <= position <= size");
  }

  @Test
  void aSubclassReturningNoPageIsReportedAsSuch() {
    AbstractPagedInputView in = new AbstractPagedInputView(0) {
      @Override
      protected MemorySegment nextSegment(MemorySegment current) {
        return null;
      }

      @Override
      protected int getLimitForSegment(MemorySegment segment) {
        return 0;
      }
    };
    assertThatThrownBy(in::readByte).isInstanceOf(NullPointerException.class).hasMessage("nextSegment returned null");
  }

  // ---------------------------------------------------------------- output

  @Test
  void anOutputViewWritesAfterTheHeaderOfItsInitialPageAndReportsFullWithEof() throws IOException {
    MemorySegment page = PageKind.HEAP.page(8);
    SinglePageOutput out = new SinglePageOutput(page, 2);
    assertThat(out.getCurrentPositionInSegment()).isEqualTo(2);
    out.writeShort(0x0102);
    out.writeShort(0x0304);
    assertThat(out.getCurrentPositionInSegment()).isEqualTo(6);
    assertThatThrownBy(() -> out.writeInt(0x05060708)).isInstanceOf(EOFException.class);
    byte[] bytes = new byte[8];
    page.get(0, bytes);
    // the two bytes that fitted stay written, as the interface promises
    assertThat(bytes).containsExactly(PageKind.FILL, PageKind.FILL, 1, 2, 3, 4, 5, 6);
  }

  @Test
  void skipBytesToWriteMovesOnAcrossPagesLeavingTheBytesAlone() throws IOException {
    pages = new HeaderPages(PageKind.OFF_HEAP, PAGE, 4);
    HeaderPages.Output out = pages.output();
    out.writeInt(1);
    out.skipBytesToWrite(0);
    out.skipBytesToWrite(20);
    out.writeInt(2);
    out.finish();
    assertThat(pages.pages).hasSize(3); // 12 payload bytes per page, 28 written
    byte[] expected = new byte[28];
    Arrays.fill(expected, PageKind.FILL);
    java.nio.ByteBuffer.wrap(expected).putInt(0, 1).putInt(24, 2);
    assertThat(pages.payload()).isEqualTo(expected);
    assertThatThrownBy(() -> out.skipBytesToWrite(-2)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("numBytes=-2 must not be negative");
  }

  @ParameterizedTest
  @EnumSource(PageKind.class)
  void writeFromAnInputViewCopiesAcrossPagesOfBothSides(PageKind kind) throws IOException {
    HeaderPages source = written(PageKind.HEAP, 3, bytes(100));
    try {
      pages = new HeaderPages(kind, 24, 5);
      HeaderPages.Output out = pages.output();
      HeaderPages.Input in = source.input();
      out.write(in, 0);
      out.write(in, 7);
      out.write(in, 93);
      out.finish();
      assertThat(pages.payload()).isEqualTo(bytes(100));
      assertThat(pages.headersUntouched()).isTrue();
      assertThatThrownBy(() -> out.write(in, -1)).isInstanceOf(IllegalArgumentException.class);
    } finally {
      source.free();
    }
  }

  @Test
  void writeFromAnInputViewThatEndsEarlyFailsWithEof() {
    HeaderPages source = written(PageKind.HEAP, 0, bytes(10));
    try {
      pages = new HeaderPages(PageKind.HEAP, PAGE, 0);
      HeaderPages.Output out = pages.output();
      assertThatThrownBy(() -> out.write(source.input(), 11)).isInstanceOf(EOFException.class);
    } finally {
      source.free();
    }
  }

  @Test
  void writeRejectsARangeOutsideTheArray() {
    pages = new HeaderPages(PageKind.HEAP, PAGE, 0);
    assertThatThrownBy(() -> pages.output().write(new byte[4], 2, 3)).isInstanceOf(IndexOutOfBoundsException.class);
  }

  @Test
  void aValueLongerThanAPagesPayloadSpansSeveralPages() throws IOException {
    pages = new HeaderPages(PageKind.HEAP, 6, 4); // 2 payload bytes per page
    HeaderPages.Output out = pages.output();
    out.writeLong(0x0102030405060708L);
    out.finish();
    assertThat(pages.pages).hasSize(4);
    assertThat(pages.headersUntouched()).isTrue();
    assertThat(pages.input().readLong()).isEqualTo(0x0102030405060708L);
  }

  // ---------------------------------------------------------------- modified UTF-8

  @Test
  void writeUtfRejectsStringsOver65535BytesLikeDataOutputStreamAndWritesNothing() throws IOException {
    String tooLong = "\u20ac".repeat(21_846); // 65538 bytes
    assertThatThrownBy(() -> new DataOutputStream(new ByteArrayOutputStream()).writeUTF(tooLong))
        .isInstanceOf(UTFDataFormatException.class);
    pages = new HeaderPages(PageKind.HEAP, PAGE, 0);
    HeaderPages.Output out = pages.output();
    out.writeByte(1);
    assertThatThrownBy(() -> out.writeUTF(tooLong)).isInstanceOf(UTFDataFormatException.class)
        .hasMessageContaining("too long: 65538 bytes");
    assertThat(out.getCurrentPositionInSegment()).isEqualTo(1);
    assertThat(pages.pages).hasSize(1);
  }

  @Test
  void writeUtfTakesExactly65535Bytes() throws IOException {
    String longest = "a".repeat(65_533) + "\u0000"; // NUL takes 2 bytes in modified UTF-8
    pages = new HeaderPages(PageKind.OFF_HEAP, 4096, 0);
    HeaderPages.Output out = pages.output();
    out.writeUTF(longest);
    out.finish();
    assertThat(pages.payload()).hasSize(65_537);
    assertThat(pages.input().readUTF()).isEqualTo(longest);
  }

  // ---------------------------------------------------------------- helpers

  private static byte[] bytes(int n) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) i;
    }
    return b;
  }

  private static HeaderPages written(PageKind kind, int header, byte[] payload) {
    HeaderPages p = new HeaderPages(kind, PAGE, header);
    HeaderPages.Output out = p.output();
    try {
      out.write(payload);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    out.finish();
    return p;
  }

  /** An input view over one page: the end of its payload is the end of the stream. */
  private static final class SinglePageInput extends AbstractPagedInputView {
    SinglePageInput(MemorySegment page, int limit, int header) {
      super(page, limit, header);
    }

    @Override
    protected MemorySegment nextSegment(MemorySegment current) throws EOFException {
      throw new EOFException();
    }

    @Override
    protected int getLimitForSegment(MemorySegment segment) {
      throw new AssertionError("never called");
    }
  }

  /** An output view over one page: it is full at the end of the page. */
  private static final class SinglePageOutput extends AbstractPagedOutputView {
    SinglePageOutput(MemorySegment page, int header) {
      super(page, header);
    }

    @Override
    protected MemorySegment nextSegment(MemorySegment current, int positionInCurrent) throws EOFException {
      throw new EOFException("full at " + positionInCurrent);
    }
  }
}
