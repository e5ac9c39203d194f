package io.memflow.memory.view;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.memflow.memory.MemorySegment;
import io.memflow.memory.MemorySegments;
import java.io.EOFException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Writing from one paged view into another copies page to page; the bytes are those a byte-wise copy gives. */
class PagedCopyTest {

  private static List<MemorySegment> pages(int count, int size, boolean offHeap) {
    List<MemorySegment> pages = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      pages.add(offHeap ? MemorySegments.allocateOffHeap(size) : MemorySegments.allocateHeap(size));
    }
    return pages;
  }

  /** {@code target} moved on by {@code expected.length} bytes from {@code at}, and its pages hold {@code expected} there. */
  private static void assertWritten(SeekableOutputView target, List<MemorySegment> pages, int pageSize, int at,
      byte[] expected) throws Exception {
    assertThat(target.getWritePosition()).isEqualTo(at + expected.length);
    byte[] copied = new byte[expected.length];
    SeekableInputView check = new SeekableInputView(pages, pageSize, at + expected.length);
    check.setReadPosition(at);
    check.readFully(copied);
    assertThat(copied).isEqualTo(expected);
  }

  @Test
  void copiesAcrossEveryPageBoundaryOfBothViewsLikeAByteWiseCopy() throws Exception {
    Random random = new Random(9);
    for (int trial = 0; trial < 300; trial++) {
      int sourcePage = 1 << (4 + random.nextInt(5));
      int targetPage = 1 << (4 + random.nextInt(5));
      byte[] data = new byte[random.nextInt(3000)];
      random.nextBytes(data);
      List<MemorySegment> sourcePages = pages(data.length / sourcePage + 1, sourcePage, random.nextBoolean());
      SeekableOutputView fill = new SeekableOutputView(sourcePages, sourcePage);
      fill.write(data);
      SeekableInputView source = new SeekableInputView(sourcePages, sourcePage, data.length);
      int from = data.length == 0 ? 0 : random.nextInt(data.length);
      int count = random.nextInt(data.length - from + 1);
      source.setReadPosition(from);
      int at = random.nextInt(100);
      List<MemorySegment> targetPages = pages((at + count) / targetPage + 1, targetPage, random.nextBoolean());
      SeekableOutputView target = new SeekableOutputView(targetPages, targetPage);
      target.setWritePosition(at);

      target.write(source, count);

      assertThat(source.getReadPosition()).isEqualTo(from + count);
      assertWritten(target, targetPages, targetPage, at, Arrays.copyOfRange(data, from, from + count));
      sourcePages.forEach(MemorySegment::free);
      targetPages.forEach(MemorySegment::free);
    }
  }

  @Test
  void writesASegmentRangeAcrossTargetPagesLikeAByteWiseCopy() throws Exception {
    Random random = new Random(10);
    for (int trial = 0; trial < 300; trial++) {
      byte[] data = new byte[1 + random.nextInt(3000)];
      random.nextBytes(data);
      MemorySegment source = random.nextBoolean() ? MemorySegments.allocateOffHeap(data.length)
          : MemorySegments.allocateHeap(data.length);
      source.put(0, data);
      int from = random.nextInt(data.length);
      int count = random.nextInt(data.length - from + 1);
      int targetPage = 1 << (4 + random.nextInt(5));
      int at = random.nextInt(100);
      List<MemorySegment> targetPages = pages((at + count) / targetPage + 1, targetPage, random.nextBoolean());
      SeekableOutputView target = new SeekableOutputView(targetPages, targetPage);
      target.setWritePosition(at);

      target.write(source, from, count);

      assertWritten(target, targetPages, targetPage, at, Arrays.copyOfRange(data, from, from + count));
      assertThatThrownBy(() -> target.write(source, from, data.length - from + 1))
          .isInstanceOf(IndexOutOfBoundsException.class);
      source.free();
      targetPages.forEach(MemorySegment::free);
    }
  }

  @Test
  void aSegmentRangeLongerThanTheRoomLeftIsAnEof() throws Exception {
    MemorySegment source = MemorySegments.allocateHeap(100);
    List<MemorySegment> targetPages = pages(1, 64, true);
    SeekableOutputView target = new SeekableOutputView(targetPages, 64);
    assertThatThrownBy(() -> target.write(source, 0, 65)).isInstanceOf(EOFException.class);
    targetPages.forEach(MemorySegment::free);
  }

  @Test
  void aSourceThatEndsFirstIsAnEof() throws Exception {
    List<MemorySegment> sourcePages = pages(1, 64, false);
    SeekableInputView source = new SeekableInputView(sourcePages, 64, 10);
    List<MemorySegment> targetPages = pages(2, 64, true);
    SeekableOutputView target = new SeekableOutputView(targetPages, 64);
    assertThatThrownBy(() -> target.write(source, 11)).isInstanceOf(EOFException.class);
    targetPages.forEach(MemorySegment::free);
  }
}
