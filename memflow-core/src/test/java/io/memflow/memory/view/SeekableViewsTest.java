package io.memflow.memory.view;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.memflow.memory.MemorySegment;
import io.memflow.memory.MemorySegments;
import io.memflow.memory.PageAllocator;
import java.io.EOFException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SeekableViewsTest {

  private long offHeapBefore;
  private final List<MemorySegment> owned = new ArrayList<>();

  @BeforeEach
  void recordOffHeap() {
    offHeapBefore = MemorySegments.offHeapBytesInUse();
  }

  @AfterEach
  void freeAndCheckForLeaks() {
    owned.stream().filter(p -> !p.isFreed()).forEach(MemorySegment::free);
    assertThat(MemorySegments.offHeapBytesInUse()).isEqualTo(offHeapBefore);
  }

  private List<MemorySegment> pages(PageKind kind, int count, int size) {
    List<MemorySegment> list = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      list.add(kind.page(size));
    }
    owned.addAll(list);
    return list;
  }

  @Test
  void positionsAddressPagesAsOneArray() throws IOException {
    List<MemorySegment> list = pages(PageKind.OFF_HEAP, 3, 16);
    list.get(1).putShortBigEndian(14, (short) 0x0102); // bytes 30..33 span pages 1 and 2
    list.get(2).putShortBigEndian(0, (short) 0x0506);
    SeekableInputView in = new SeekableInputView(list, 16, 40);
    in.setReadPosition(30);
    assertThat(in.readInt()).isEqualTo(0x01020506);
    assertThat(in.getReadPosition()).isEqualTo(34);
    assertThat(in.remaining()).isEqualTo(6);
    in.setReadPosition(32);
    assertThat(in.readShort()).isEqualTo((short) 0x0506);
  }

  @Test
  void readingStopsAtTheSizeNotAtTheEndOfThePages() throws IOException {
    SeekableInputView in = new SeekableInputView(pages(PageKind.HEAP, 3, 16), 16, 20);
    in.setReadPosition(17);
    assertThat(in.read(new byte[10])).isEqualTo(3);
    assertThat(in.getReadPosition()).isEqualTo(20);
    assertThatThrownBy(in::readByte).isInstanceOf(EOFException.class)
        .hasMessage("end of view: size=20 pageSize=16 pages=3");
  }

  @Test
  void theEndOnAPageBoundaryIsAValidPosition() throws IOException {
    SeekableInputView in = new SeekableInputView(pages(PageKind.HEAP, 2, 16), 16, 32);
    in.setReadPosition(32);
    assertThat(in.getReadPosition()).isEqualTo(32);
    assertThat(in.read(new byte[1])).isEqualTo(-1);
    in.setReadPosition(16);
    in.skipBytesToRead(16);
    assertThat(in.getReadPosition()).isEqualTo(32);
  }

  @Test
  void anEmptyViewIsAtItsEnd() throws IOException {
    SeekableInputView in = new SeekableInputView(List.of(), 16, 0);
    assertThat(in.getReadPosition()).isZero();
    assertThatThrownBy(in::readByte).isInstanceOf(EOFException.class);
    SeekableInputView overPages = new SeekableInputView(pages(PageKind.HEAP, 1, 16), 16, 0);
    assertThatThrownBy(overPages::readByte).isInstanceOf(EOFException.class);
  }

  @Test
  void positionsOutsideTheViewAreRejectedWithTheRange() {
    SeekableInputView in = new SeekableInputView(pages(PageKind.HEAP, 2, 16), 16, 20);
    assertThatThrownBy(() -> in.setReadPosition(21)).isInstanceOf(IndexOutOfBoundsException.class)
        .hasMessage("position=21 must be in [0, 20] (the size of the view)");
    assertThatThrownBy(() -> in.setReadPosition(-1)).isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> new SeekableInputView(pages(PageKind.HEAP, 2, 16), 16, 33))
        .isInstanceOf(IndexOutOfBoundsException.class)
        .hasMessage("position=33 must be in [0, 32] (the capacity of 2 pages)");
    SeekableOutputView out = new SeekableOutputView(pages(PageKind.HEAP, 2, 16), 16);
    assertThatThrownBy(() -> out.setWritePosition(33)).isInstanceOf(IndexOutOfBoundsException.class)
        .hasMessage("position=33 must be in [0, 32] (the capacity of 2 pages)");
  }

  @Test
  void pagesOfAnotherSizeAreRejected() {
    List<MemorySegment> list = pages(PageKind.HEAP, 2, 16);
    list.add(MemorySegments.allocateHeap(17));
    assertThatThrownBy(() -> new SeekableInputView(list, 16, 0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("page 2 has size=17, expected pageSize=16");
    assertThatThrownBy(() -> new SeekableOutputView(list, 16)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new SeekableOutputView(0, () -> null)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("pageSize=0 must be at least 1");
  }

  @Test
  void aFixedOutputViewIsFullAtTheEndOfItsPages() throws IOException {
    SeekableOutputView out = new SeekableOutputView(pages(PageKind.WRAPPED_ARRAY_SLICE, 2, 16), 16);
    assertThat(out.capacity()).isEqualTo(32);
    out.setWritePosition(28);
    out.writeInt(7);
    assertThat(out.getWritePosition()).isEqualTo(32);
    assertThatThrownBy(() -> out.writeByte(1)).isInstanceOf(EOFException.class)
        .hasMessage("view is full: capacity=32 bytes in 2 pages");
    out.setWritePosition(32);
    assertThatThrownBy(() -> out.writeByte(1)).isInstanceOf(EOFException.class);
    SeekableInputView in = out.toInputView(32);
    in.setReadPosition(28);
    assertThat(in.readInt()).isEqualTo(7);
  }

  @Test
  void aGrowingOutputViewTakesPagesFromItsAllocatorAndTheCallerFreesThem() throws IOException {
    PageAllocator allocator = PageAllocator.offHeap(4096);
    SeekableOutputView out = new SeekableOutputView(allocator, "test");
    assertThat(out.pages()).isEmpty();
    assertThat(out.getWritePosition()).isZero();
    for (int i = 0; i < 2500; i++) {
      out.writeInt(i);
    }
    owned.addAll(out.pages());
    assertThat(out.pages()).hasSize(3).allSatisfy(p -> assertThat(p.owner()).isEqualTo("test"));
    assertThat(out.getWritePosition()).isEqualTo(10_000);
    assertThat(MemorySegments.offHeapBytesInUse() - offHeapBefore).isEqualTo(3 * 4096);
    SeekableInputView in = out.toInputView(10_000);
    in.setReadPosition(4 * 1500);
    assertThat(in.readInt()).isEqualTo(1500);
    assertThatThrownBy(() -> out.pages().clear()).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void aGrowingViewCanSeekBackAndOverwrite() throws IOException {
    SeekableOutputView out = new SeekableOutputView(16, () -> MemorySegments.allocateHeap(16));
    out.writeLong(1);
    out.writeLong(2);
    out.writeLong(3);
    out.setWritePosition(12);
    out.writeLong(-1);
    out.setWritePosition(out.capacity());
    out.writeByte(9);
    assertThat(out.getWritePosition()).isEqualTo(33);
    SeekableInputView in = out.toInputView(33);
    assertThat(in.readInt()).isZero();
    assertThat(in.readInt()).isEqualTo(1);
    assertThat(in.readInt()).isZero();
    assertThat(in.readLong()).isEqualTo(-1); // bytes 12..19 overwritten
    assertThat(in.readInt()).isEqualTo(3);
    assertThat(in.readLong()).isZero(); // bytes 24..31 never written
    assertThat(in.readByte()).isEqualTo((byte) 9);
  }

  @Test
  void aPageOfTheWrongSizeFromTheSourceIsFreedAndReported() {
    MemorySegment wrong = MemorySegments.allocateOffHeap(8);
    owned.add(wrong);
    SeekableOutputView out = new SeekableOutputView(16, () -> wrong);
    assertThatThrownBy(() -> out.writeByte(1)).isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("pageSource returned a page of size=8, expected pageSize=16");
    assertThat(wrong.isFreed()).isTrue();
    assertThat(out.pages()).isEmpty();
  }

  @Test
  void toStringShowsPositionAndSize() {
    SeekableOutputView out = new SeekableOutputView(16, () -> MemorySegments.allocateHeap(16));
    assertThat(out).hasToString("SeekableOutputView[position=0, capacity=0, pageSize=16, growing]");
    assertThat(new SeekableInputView(List.of(), 16, 0)).hasToString("SeekableInputView[position=0, size=0, pageSize=16]");
  }
}
