package io.memflow.stress;

import io.memflow.network.Buffer;
import io.memflow.network.InputGate;
import io.memflow.network.NetworkBufferPool;
import io.memflow.network.ResultPartition;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * jcstress tests for the local exchange: the consumer pulls and copies, the producer only wakes
 * it. A wake-up lost between the consumer's last look and its wait, or a finished buffer the
 * consumer never pulls, would leave the consumer waiting forever (the test hangs).
 */
public final class ExchangeTests {

  private ExchangeTests() {}

  /**
   * Records larger than a buffer, with two credits to start: the rest of the buffers are pulled
   * on credit the consumer returns while the producer is still finishing buffers. Every byte
   * arrives once, in order.
   */
  @JCStressTest
  @Description("Producer buffers racing consumer credit: every byte arrives once, in order, and nobody waits forever.")
  @Outcome(id = "15012, 1", expect = Expect.ACCEPTABLE, desc = "the whole stream, in order")
  @Outcome(expect = Expect.FORBIDDEN, desc = "bytes lost, repeated or reordered")
  @State
  public static class SendVersusCredit {
    final Exchange exchange = new Exchange(3, 5000);

    @Actor
    public void producer() {
      exchange.produce();
    }

    @Actor
    public void consumer() {
      exchange.consume();
    }

    @Arbiter
    public void arbiter(II_Result r) {
      exchange.check(r);
    }
  }

  /**
   * One small record and the end: the producer's two wake-ups race the consumer going to sleep.
   */
  @JCStressTest
  @Description("Producer wake-up racing the consumer's wait: the record arrives and the consumer sees the end.")
  @Outcome(id = "12, 1", expect = Expect.ACCEPTABLE, desc = "the record, then the end")
  @Outcome(expect = Expect.FORBIDDEN, desc = "bytes lost or repeated")
  @State
  public static class WakeUpVersusWait {
    final Exchange exchange = new Exchange(1, 8);

    @Actor
    public void producer() {
      exchange.produce();
    }

    @Actor
    public void consumer() {
      exchange.consume();
    }

    @Arbiter
    public void arbiter(II_Result r) {
      exchange.check(r);
    }
  }

  /** A one-to-one exchange, what the producer sends and what the consumer received. */
  static final class Exchange {
    final NetworkBufferPool global = NetworkBufferPool.create(24, 4096);
    final ResultPartition partition = ResultPartition.create(global, 1);
    final InputGate gate = InputGate.create(global, 0, List.of(partition));
    final ByteArrayOutputStream received = new ByteArrayOutputStream();
    final int records;
    final int recordBytes;
    boolean failed;

    Exchange(int records, int recordBytes) {
      this.records = records;
      this.recordBytes = recordBytes;
    }

    void produce() {
      try {
        for (int i = 0; i < records; i++) {
          partition.emitRecord(0, record(i));
        }
        partition.finish();
      } catch (InterruptedException | RuntimeException e) {
        failed = true;
      }
    }

    void consume() {
      try {
        for (InputGate.Delivery d; (d = gate.getNext()) != null; ) {
          Buffer b = d.buffer();
          byte[] bytes = new byte[b.readableBytes()];
          b.readBytes(bytes, 0, bytes.length);
          b.release();
          received.writeBytes(bytes);
        }
      } catch (InterruptedException | RuntimeException e) {
        failed = true;
      }
    }

    /** r1: bytes received; r2: 1 if they are the expected stream and nothing failed. Frees all. */
    void check(II_Result r) {
      byte[] bytes = received.toByteArray();
      r.r1 = bytes.length;
      r.r2 = !failed && Arrays.equals(bytes, expectedStream()) ? 1 : 0;
      gate.close();
      partition.close();
      global.destroy();
    }

    private byte[] record(int i) {
      byte[] record = new byte[recordBytes];
      Arrays.fill(record, (byte) (i + 1));
      record[0] = (byte) i;
      return record;
    }

    /** The records as the exchange frames them: a big-endian int length, then the bytes. */
    private byte[] expectedStream() {
      ByteBuffer stream = ByteBuffer.allocate(records * (Integer.BYTES + recordBytes));
      for (int i = 0; i < records; i++) {
        stream.putInt(recordBytes).put(record(i));
      }
      return stream.array();
    }
  }
}
