package io.memflow.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.memflow.memory.MemorySegment;
import io.memflow.memory.MemorySegments;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class BufferBuilderTest {

  private final List<MemorySegment> recycled = new ArrayList<>();

  private BufferBuilder builder(int size) {
    return new BufferBuilder(Buffer.wrap(MemorySegments.allocateHeap(size), recycled::add));
  }

  private static byte[] bytes(Buffer b) {
    byte[] out = new byte[b.readableBytes()];
    b.readBytes(out, 0, out.length);
    return out;
  }

  @Test
  void theConsumerSeesOnlyCommittedBytes() {
    BufferBuilder builder = builder(16);
    BufferConsumer consumer = builder.createBufferConsumer();
    builder.append(new byte[] {1, 2, 3}, 0, 3);
    assertThat(consumer.isDataAvailable()).isFalse();
    Buffer empty = consumer.build();
    assertThat(empty.size()).isZero();
    empty.release();
    builder.commit();
    assertThat(consumer.unreadBytes()).isEqualTo(3);
    Buffer first = consumer.build();
    assertThat(bytes(first)).containsExactly(1, 2, 3);
    assertThat(first.isReadOnly()).isTrue();
    builder.appendAndCommit(ByteBuffer.wrap(new byte[] {4, 5}));
    Buffer second = consumer.build();
    assertThat(second.offset()).isEqualTo(3);
    assertThat(bytes(second)).containsExactly(4, 5);
    first.release();
    second.release();
    builder.close();
    consumer.close();
    assertThat(recycled).hasSize(1);
  }

  @Test
  void appendStopsAtTheCapacityAndReportsHowMuchFit() {
    BufferBuilder builder = builder(4096);
    ByteBuffer src = ByteBuffer.allocate(5000);
    assertThat(builder.append(src)).isEqualTo(4096);
    assertThat(src.remaining()).isEqualTo(904);
    assertThat(builder.isFull()).isTrue();
    assertThat(builder.append(src)).isZero();
    assertThat(builder.append(new byte[10], 0, 10)).isZero();
    builder.close();
  }

  @Test
  void aFramedRecordIsAppendedAndCommittedWholeOrNotAtAll() {
    BufferBuilder builder = builder(16);
    BufferConsumer consumer = builder.createBufferConsumer();
    MemorySegment src = MemorySegments.allocateHeap(16);
    for (int i = 0; i < 16; i++) {
      src.put(i, (byte) (i + 1));
    }
    assertThat(builder.appendFramedAndCommit(src, 2, 3)).isTrue();
    assertThat(consumer.unreadBytes()).isEqualTo(7);
    assertThat(builder.appendFramedAndCommit(src, 0, 6)).isFalse(); // 4 + 6 > 9 left
    assertThat(builder.writtenBytes()).isEqualTo(7);
    assertThat(builder.appendFramedAndCommit(src, 0, 5)).isTrue(); // exactly full
    assertThat(builder.isFull()).isTrue();
    Buffer built = consumer.build();
    assertThat(bytes(built)).containsExactly(0, 0, 0, 3, 3, 4, 5, 0, 0, 0, 5, 1, 2, 3, 4, 5);
    built.release();
    builder.finish();
    assertThatThrownBy(() -> builder.appendFramedAndCommit(src, 0, 0)).isInstanceOf(IllegalStateException.class);
    builder.close();
    consumer.close();
  }

  @Test
  void finishMarksTheEndAfterTheLastBytes() {
    BufferBuilder builder = builder(16);
    BufferConsumer consumer = builder.createBufferConsumer();
    builder.append(new byte[] {7, 8}, 0, 2);
    assertThat(consumer.isFinished()).isFalse();
    assertThat(builder.finish()).isEqualTo(2);
    assertThat(builder.finish()).isEqualTo(2);
    assertThat(builder.isFinished()).isTrue();
    assertThat(consumer.isFinished()).isTrue();
    assertThat(consumer.isFullyConsumed()).isFalse();
    Buffer b = consumer.build();
    assertThat(bytes(b)).containsExactly(7, 8);
    assertThat(consumer.isFullyConsumed()).isTrue();
    assertThatThrownBy(() -> builder.append(new byte[1], 0, 1)).hasMessageContaining("finished at position=2");
    b.release();
    builder.close();
    consumer.close();
    assertThat(recycled).hasSize(1);
  }

  @Test
  void anEmptyFinishedBuilderIsFullyConsumedAtOnce() {
    BufferBuilder builder = builder(16);
    BufferConsumer consumer = builder.createBufferConsumer();
    builder.finish();
    assertThat(consumer.isFullyConsumed()).isTrue();
    builder.close();
    consumer.close();
  }

  @Test
  void trimLowersTheCapacityButNotBelowWhatWasWritten() {
    BufferBuilder builder = builder(4096);
    builder.append(new byte[100], 0, 100);
    builder.trim(1000);
    assertThat(builder.capacity()).isEqualTo(1000);
    assertThat(builder.writableBytes()).isEqualTo(900);
    builder.trim(50);
    assertThat(builder.capacity()).isEqualTo(100);
    assertThat(builder.isFull()).isTrue();
    builder.trim(4000); // never grows back
    assertThat(builder.capacity()).isEqualTo(100);
    assertThatThrownBy(() -> builder.trim(-1)).isInstanceOf(IllegalArgumentException.class);
    builder.close();
  }

  @Test
  void theSegmentIsRecycledOnlyWhenBuilderConsumerAndSlicesAreReleased() {
    BufferBuilder builder = builder(16);
    BufferConsumer consumer = builder.createBufferConsumer();
    builder.appendAndCommit(ByteBuffer.wrap(new byte[] {1}));
    Buffer slice = consumer.build();
    builder.close();
    builder.close();
    consumer.close();
    assertThat(recycled).isEmpty();
    assertThat(slice.getByte(0)).isEqualTo((byte) 1);
    slice.release();
    assertThat(recycled).hasSize(1);
  }

  @Test
  void misuseIsRejected() {
    BufferBuilder builder = builder(16);
    BufferConsumer consumer = builder.createBufferConsumer();
    assertThatThrownBy(builder::createBufferConsumer).hasMessageContaining("already has its consumer");
    consumer.close();
    assertThatThrownBy(consumer::build).hasMessageContaining("closed");
    builder.close();
    assertThatThrownBy(() -> builder.append(new byte[1], 0, 1)).hasMessageContaining("closed");
    Buffer slice = Buffer.wrap(MemorySegments.allocateHeap(16), recycled::add).readOnlySlice(0, 4);
    assertThatThrownBy(() -> new BufferBuilder(slice)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aReaderThreadSeesEveryCommittedByteInOrder() throws Exception {
    int size = 1 << 16;
    BufferBuilder builder = builder(size);
    BufferConsumer consumer = builder.createBufferConsumer();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread reader = new Thread(() -> {
      try {
        int expected = 0;
        while (!consumer.isFullyConsumed()) {
          Buffer b = consumer.build();
          for (int i = 0; i < b.size(); i++, expected++) {
            if (b.getByte(i) != (byte) expected) {
              throw new AssertionError("byte " + expected + " was " + b.getByte(i));
            }
          }
          b.release();
        }
        assertThat(expected).isEqualTo(size);
      } catch (Throwable t) {
        failure.set(t);
      }
    });
    reader.start();
    byte[] chunk = new byte[7];
    int written = 0;
    while (written < size) {
      for (int i = 0; i < chunk.length; i++) {
        chunk[i] = (byte) (written + i);
      }
      written += builder.append(chunk, 0, Math.min(chunk.length, size - written));
      builder.commit();
    }
    builder.finish();
    reader.join(10_000);
    assertThat(failure.get()).isNull();
    assertThat(reader.isAlive()).isFalse();
    builder.close();
    consumer.close();
    assertThat(recycled).hasSize(1);
  }

  @Test
  void aReleasedSliceIsReusedForTheNextBuildWithItsNewWindowAndReference() {
    BufferBuilder builder = builder(16);
    BufferConsumer consumer = builder.createBufferConsumer();
    builder.append(new byte[] {1, 2, 3}, 0, 3);
    builder.commit();
    Buffer first = consumer.build();
    assertThat(first.refCount()).isEqualTo(3); // builder, consumer, slice
    assertThat(bytes(first)).containsExactly(1, 2, 3);
    first.release();
    assertThat(first.refCount()).isEqualTo(2);

    builder.append(new byte[] {4, 5}, 0, 2);
    builder.commit();
    Buffer second = consumer.build();
    assertThat(second).isSameAs(first);
    assertThat(second.offset()).isEqualTo(3);
    assertThat(second.readerIndex()).isZero();
    assertThat(bytes(second)).containsExactly(4, 5);
    assertThat(second.refCount()).isEqualTo(3);

    builder.append(new byte[] {6}, 0, 1);
    builder.commit();
    Buffer third = consumer.build(); // the second is still held: a new slice object
    assertThat(third).isNotSameAs(second);
    assertThat(bytes(third)).containsExactly(6);
    second.release();
    third.release();
    builder.close();
    consumer.close();
    assertThat(recycled).hasSize(1);
  }
}
