package io.memflow.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.memflow.memory.MemorySegment;
import io.memflow.memory.MemorySegments;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BufferTest {

  private final List<MemorySegment> recycled = new ArrayList<>();
  private final MemorySegment segment = MemorySegments.allocateHeap(64);

  private Buffer newBuffer() {
    return Buffer.wrap(segment, recycled::add);
  }

  @Test
  void aNewBufferHasOneReferenceAndIsEmptyData() {
    Buffer b = newBuffer();
    assertThat(b.refCount()).isEqualTo(1);
    assertThat(b.isData()).isTrue();
    assertThat(b.dataType()).isEqualTo(Buffer.DataType.DATA);
    assertThat(b.readerIndex()).isZero();
    assertThat(b.writerIndex()).isZero();
    assertThat(b.capacity()).isEqualTo(64);
    assertThat(b.isReadOnly()).isFalse();
  }

  @Test
  void releasingTheLastReferenceRecyclesTheSegmentOnce() {
    Buffer b = newBuffer();
    b.retain();
    assertThat(b.release()).isFalse();
    assertThat(recycled).isEmpty();
    assertThat(b.release()).isTrue();
    assertThat(recycled).containsExactly(segment);
    assertThat(b.isRecycled()).isTrue();
  }

  @Test
  void releasingARecycledBufferThrowsAndDoesNotRecycleAgain() {
    Buffer b = newBuffer();
    b.release();
    assertThatThrownBy(b::release)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("release")
        .hasMessageContaining("already recycled");
    assertThat(recycled).hasSize(1);
  }

  @Test
  void retainingARecycledBufferThrows() {
    Buffer b = newBuffer();
    b.release();
    assertThatThrownBy(b::retain).isInstanceOf(IllegalStateException.class).hasMessageContaining("retain");
    assertThat(b.refCount()).isZero();
  }

  @Test
  void usingARecycledBufferThrows() {
    Buffer b = newBuffer();
    b.writeBytes(new byte[] {1, 2}, 0, 2);
    b.release();
    assertThatThrownBy(b::segment).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> b.getByte(0)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> b.readBytes(new byte[1], 0, 1)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> b.writeBytes(new byte[1], 0, 1)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(b::readOnlySlice).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void writeAndReadMoveTheIndices() {
    Buffer b = newBuffer();
    b.writeBytes(new byte[] {1, 2, 3, 4}, 0, 4);
    assertThat(b.writerIndex()).isEqualTo(4);
    assertThat(b.readableBytes()).isEqualTo(4);
    assertThat(b.writableBytes()).isEqualTo(60);
    byte[] out = new byte[3];
    b.readBytes(out, 0, 3);
    assertThat(out).containsExactly(1, 2, 3);
    assertThat(b.readerIndex()).isEqualTo(3);
    assertThat(b.readableBytes()).isEqualTo(1);
  }

  @Test
  void indicesAreCheckedWithEveryOperandInTheMessage() {
    Buffer b = newBuffer();
    b.setWriterIndex(10);
    assertThatThrownBy(() -> b.setReaderIndex(11)).hasMessage("readerIndex=11 must be in [0, writerIndex=10]");
    b.setReaderIndex(5);
    assertThatThrownBy(() -> b.setWriterIndex(4)).hasMessage("writerIndex=4 must be in [readerIndex=5, capacity=64]");
    assertThatThrownBy(() -> b.setWriterIndex(65)).isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> b.readBytes(new byte[10], 0, 6)).hasMessage("length=6 readerIndex=5 writerIndex=10");
    assertThatThrownBy(() -> b.writeBytes(new byte[60], 0, 55)).hasMessage("length=55 writerIndex=10 capacity=64");
    assertThatThrownBy(() -> b.getByte(10)).isInstanceOf(IndexOutOfBoundsException.class);
  }

  @Test
  void aReadOnlySliceSharesBytesAndTheReferenceCount() {
    Buffer b = newBuffer();
    b.writeBytes(new byte[] {10, 11, 12, 13, 14}, 0, 5);
    b.setReaderIndex(1);
    Buffer slice = b.readOnlySlice();
    assertThat(slice.isReadOnly()).isTrue();
    assertThat(slice.offset()).isEqualTo(1);
    assertThat(slice.capacity()).isEqualTo(4);
    assertThat(slice.size()).isEqualTo(4);
    assertThat(slice.getByte(0)).isEqualTo((byte) 11);
    assertThat(slice.refCount()).isEqualTo(1);
    slice.retain();
    assertThat(b.refCount()).isEqualTo(2);
    b.release();
    assertThat(recycled).isEmpty();
    assertThat(slice.getByte(3)).isEqualTo((byte) 14);
    assertThat(slice.release()).isTrue();
    assertThat(recycled).containsExactly(segment);
  }

  @Test
  void aSliceOfASliceIsRelativeToItsParent() {
    Buffer b = newBuffer();
    b.writeBytes(new byte[] {0, 1, 2, 3, 4, 5, 6, 7}, 0, 8);
    Buffer inner = b.readOnlySlice(2, 6).readOnlySlice(1, 3);
    assertThat(inner.offset()).isEqualTo(3);
    assertThat(inner.getByte(0)).isEqualTo((byte) 3);
    assertThat(inner.getByte(2)).isEqualTo((byte) 5);
    assertThatThrownBy(() -> inner.getByte(3)).isInstanceOf(IndexOutOfBoundsException.class);
  }

  @Test
  void aReadOnlySliceRejectsWrites() {
    Buffer slice = newBuffer().readOnlySlice(0, 8);
    assertThatThrownBy(() -> slice.writeBytes(new byte[1], 0, 1)).hasMessageContaining("read-only");
    assertThatThrownBy(() -> slice.setWriterIndex(2)).hasMessageContaining("read-only");
  }

  @Test
  void aSliceOutsideTheBufferIsRejected() {
    Buffer b = newBuffer();
    assertThatThrownBy(() -> b.readOnlySlice(60, 5)).isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> b.readOnlySlice(-1, 5)).isInstanceOf(IndexOutOfBoundsException.class);
  }

  @Test
  void releasingThroughASliceAfterRecycleThrows() {
    Buffer b = newBuffer();
    Buffer slice = b.readOnlySlice(0, 4);
    b.release();
    assertThatThrownBy(slice::release).isInstanceOf(IllegalStateException.class);
    assertThat(recycled).hasSize(1);
  }

  @Test
  void anEventBufferKeepsItsTypeInSlices() {
    Buffer b = Buffer.wrap(segment, recycled::add, Buffer.DataType.EVENT, 4);
    assertThat(b.isData()).isFalse();
    assertThat(b.size()).isEqualTo(4);
    assertThat(b.readOnlySlice().dataType()).isEqualTo(Buffer.DataType.EVENT);
  }

  @Test
  void concurrentRetainAndReleaseRecycleExactlyOnce() throws Exception {
    for (int round = 0; round < 200; round++) {
      List<MemorySegment> seen = java.util.Collections.synchronizedList(new ArrayList<>());
      Buffer b = Buffer.wrap(segment, seen::add);
      int threads = 4;
      for (int i = 1; i < threads; i++) {
        b.retain();
      }
      Thread[] ts = new Thread[threads];
      for (int i = 0; i < threads; i++) {
        ts[i] = new Thread(() -> {
          for (int k = 0; k < 100; k++) {
            b.retain();
            b.release();
          }
          b.release();
        });
        ts[i].start();
      }
      for (Thread t : ts) {
        t.join();
      }
      assertThat(seen).hasSize(1);
      assertThat(b.refCount()).isZero();
    }
  }
}
