package io.memflow.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.memflow.memory.MemorySegments;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LocalExchangeTest {

  private long offHeapBefore;
  private NetworkBufferPool global;

  @BeforeEach
  void start() {
    offHeapBefore = MemorySegments.offHeapBytesInUse();
    global = NetworkBufferPool.create(60, 4096);
  }

  @AfterEach
  void everythingComesBack() {
    assertThat(global.numberOfBufferPools()).isZero();
    global.destroy();
    assertThat(MemorySegments.offHeapBytesInUse()).isEqualTo(offHeapBefore);
  }

  /** Reassembles length-prefixed records per channel from delivered buffers. */
  static final class RecordReader {
    private final List<ByteArrayOutputStream> pending = new ArrayList<>();
    final List<List<String>> records = new ArrayList<>();

    RecordReader(int channels) {
      for (int i = 0; i < channels; i++) {
        pending.add(new ByteArrayOutputStream());
        records.add(new ArrayList<>());
      }
    }

    void accept(InputGate.Delivery d) {
      Buffer b = d.buffer();
      byte[] bytes = new byte[b.readableBytes()];
      b.readBytes(bytes, 0, bytes.length);
      b.release();
      ByteArrayOutputStream acc = pending.get(d.channel());
      acc.writeBytes(bytes);
      byte[] all = acc.toByteArray();
      int pos = 0;
      while (all.length - pos >= 4) {
        int len = ByteBuffer.wrap(all, pos, 4).getInt();
        if (all.length - pos - 4 < len) {
          break;
        }
        records.get(d.channel()).add(new String(all, pos + 4, len, StandardCharsets.UTF_8));
        pos += 4 + len;
      }
      acc.reset();
      acc.write(all, pos, all.length - pos);
    }
  }

  private static byte[] record(int producer, int subpartition, int seq, int padding) {
    return (producer + "/" + subpartition + "/" + seq + "/" + "x".repeat(padding)).getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void recordsArriveCompleteAndInOrderPerChannelAcrossThreads() throws Exception {
    int producers = 2;
    int subpartitions = 3;
    int recordsPerSubpartition = 2000;
    List<ResultPartition> partitions = new ArrayList<>();
    for (int p = 0; p < producers; p++) {
      partitions.add(ResultPartition.create(global, subpartitions));
    }
    List<InputGate> gates = new ArrayList<>();
    for (int s = 0; s < subpartitions; s++) {
      gates.add(InputGate.create(global, s, partitions));
    }
    AtomicReference<Throwable> failure = new AtomicReference<>();
    List<Thread> threads = new ArrayList<>();
    List<RecordReader> readers = new ArrayList<>();
    for (int p = 0; p < producers; p++) {
      ResultPartition partition = partitions.get(p);
      int producer = p;
      threads.add(new Thread(() -> {
        try {
          for (int i = 0; i < recordsPerSubpartition; i++) {
            for (int s = 0; s < subpartitions; s++) {
              partition.emitRecord(s, record(producer, s, i, (i * 37) % 700)); // some span buffers
            }
            if (i % 100 == 0) {
              partition.flushAll();
            }
          }
          partition.finish();
        } catch (Throwable t) {
          failure.compareAndSet(null, t);
        }
      }));
    }
    for (int s = 0; s < subpartitions; s++) {
      InputGate gate = gates.get(s);
      RecordReader reader = new RecordReader(producers);
      readers.add(reader);
      threads.add(new Thread(() -> {
        try {
          for (InputGate.Delivery d; (d = gate.getNext()) != null; ) {
            reader.accept(d);
          }
        } catch (Throwable t) {
          failure.compareAndSet(null, t);
        }
      }));
    }
    threads.forEach(Thread::start);
    for (Thread t : threads) {
      t.join(30_000);
      assertThat(t.isAlive()).as("thread finished").isFalse();
    }
    assertThat(failure.get()).isNull();
    for (int s = 0; s < subpartitions; s++) {
      assertThat(gates.get(s).isFinished()).isTrue();
      for (int p = 0; p < producers; p++) {
        List<String> got = readers.get(s).records.get(p);
        assertThat(got).hasSize(recordsPerSubpartition);
        for (int i = 0; i < recordsPerSubpartition; i++) {
          assertThat(got.get(i)).isEqualTo(new String(record(p, s, i, (i * 37) % 700), StandardCharsets.UTF_8));
        }
      }
    }
    gates.forEach(InputGate::close);
    partitions.forEach(ResultPartition::close);
  }

  @Test
  void withoutCreditNothingIsSentAndTheBacklogGrows() throws Exception {
    ResultPartition partition = ResultPartition.create(global, 1);
    for (int i = 0; i < 3; i++) {
      partition.emitRecord(0, new byte[5000]); // more than a buffer each
    }
    assertThat(partition.backlog(0)).isEqualTo(3);
    partition.flush(0); // no consumer yet: still nothing sent
    assertThat(partition.backlog(0)).isEqualTo(3);
    InputGate gate = InputGate.create(global, 0, List.of(partition));
    // the gate announced its exclusive credit (2): two buffers moved, the rest waits
    assertThat(partition.backlog(0)).isEqualTo(1);
    RecordReader reader = new RecordReader(1);
    partition.finish();
    for (InputGate.Delivery d; (d = gate.getNext()) != null; ) {
      reader.accept(d);
    }
    assertThat(reader.records.get(0)).hasSize(3).allSatisfy(r -> assertThat(r).hasSize(5000));
    gate.close();
    partition.close();
  }

  @Test
  void aSlowConsumerBackpressuresTheProducerThroughItsPool() throws Exception {
    ResultPartition partition = ResultPartition.create(global, 1);
    InputGate gate = InputGate.create(global, 0, List.of(partition));
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread producer = new Thread(() -> {
      try {
        for (int i = 0; i < 200; i++) {
          partition.emitRecord(0, new byte[4000]);
        }
        partition.finish();
      } catch (Throwable t) {
        failure.set(t);
      }
    });
    producer.start();
    // the consumer does not read: the producer fills the credit, then its 10 buffers per subpartition
    LocalBufferPoolTest.awaitWaiting(producer);
    assertThat(partition.bufferPool().isAvailable()).isFalse();
    assertThat(gate.bufferPool().numberOfRequestedBuffers()).isLessThanOrEqualTo(2 + InputGate.FLOATING_BUFFERS);
    long bytes = 0;
    for (InputGate.Delivery d; (d = gate.getNext()) != null; ) {
      bytes += d.buffer().readableBytes();
      d.buffer().release();
    }
    producer.join(10_000);
    assertThat(failure.get()).isNull();
    assertThat(bytes).isEqualTo(200L * (4 + 4000));
    gate.close();
    partition.close();
  }

  @Test
  void closingBothEndsMidStreamReturnsEveryBuffer() throws Exception {
    ResultPartition partition = ResultPartition.create(global, 2);
    InputGate gate = InputGate.create(global, 0, List.of(partition));
    for (int i = 0; i < 5; i++) {
      partition.emitRecord(0, new byte[3000]);
      partition.emitRecord(1, new byte[3000]);
    }
    InputGate.Delivery held = gate.getNext();
    assertThat(held).isNotNull();
    gate.close();
    partition.close();
    assertThat(global.numberOfFreeSegments()).isEqualTo(59);
    held.buffer().release();
    assertThat(global.numberOfFreeSegments()).isEqualTo(60);
    assertThatThrownBy(gate::pollNext).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> partition.emitRecord(0, new byte[1])).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void aSubpartitionTakesOneConsumer() {
    ResultPartition partition = ResultPartition.create(global, 1);
    InputGate gate = InputGate.create(global, 0, List.of(partition));
    assertThatThrownBy(() -> InputGate.create(global, 0, List.of(partition)))
        .hasMessageContaining("already has a consumer");
    gate.close();
    partition.close();
    assertThat(global.numberOfBufferPools()).isZero();
  }
}
