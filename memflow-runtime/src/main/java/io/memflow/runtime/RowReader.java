package io.memflow.runtime;

import io.memflow.memory.MemorySegment;
import io.memflow.memory.MemorySegments;
import io.memflow.network.Buffer;
import io.memflow.network.InputGate;
import io.memflow.row.BinaryRow;
import io.memflow.row.RowSchema;

/**
 * Reads the rows of one input gate: takes buffers as they arrive from any channel and reassembles
 * the length-prefixed records of each channel (a record may span buffers, and buffers of different
 * channels interleave, so each channel keeps its own partial record). A record that lies whole in
 * one buffer is not copied: the row points into the buffer.
 *
 * <p>Not thread-safe: the consuming task's thread only. The returned row is valid until the next
 * call. Owns the buffer it is reading and releases it when done or at {@link #close()}.
 */
final class RowReader implements AutoCloseable {

  private final InputGate gate;
  private final ChannelState[] channels;
  private final BinaryRow row;
  private Buffer current;
  private ChannelState currentChannel;
  private int currentIndex;

  RowReader(InputGate gate, RowSchema schema) {
    this.gate = gate;
    this.channels = new ChannelState[gate.numberOfChannels()];
    for (int i = 0; i < channels.length; i++) {
      channels[i] = new ChannelState();
    }
    this.row = new BinaryRow(schema);
  }

  /** The next row, or {@code null} when every producer finished. */
  BinaryRow next() throws InterruptedException {
    while (true) {
      if (current != null) {
        if (currentChannel.isBetweenRecords() && pointIntoBuffer(current)) {
          return row;
        }
        if (currentChannel.feed(current)) {
          row.pointTo(currentChannel.segment, 0, currentChannel.completed);
          return row;
        }
        current.release();
        current = null;
      }
      InputGate.Delivery delivery = gate.getNext();
      if (delivery == null) {
        return null;
      }
      current = delivery.buffer();
      currentIndex = delivery.channel();
      currentChannel = channels[currentIndex];
    }
  }

  /** The channel (the producer's subtask) of the row {@link #next()} returned last. */
  int channel() {
    return currentIndex;
  }

  /**
   * The fast path: when the next record lies whole in the buffer, the row points into the buffer
   * itself (no copy; the buffer is released only on a later call, after the row's validity ended).
   */
  private boolean pointIntoBuffer(Buffer buffer) {
    int readable = buffer.readableBytes();
    if (readable < Integer.BYTES) {
      return false;
    }
    int at = buffer.offset() + buffer.readerIndex();
    int length = buffer.segment().getIntBigEndian(at);
    if (readable < Integer.BYTES + length) {
      return false;
    }
    row.pointTo(buffer.segment(), at + Integer.BYTES, length);
    buffer.setReaderIndex(buffer.readerIndex() + Integer.BYTES + length);
    return true;
  }

  @Override
  public void close() {
    if (current != null) {
      current.release();
      current = null;
    }
  }

  /** One channel's partial record: the 4-byte length, then the bytes. */
  private static final class ChannelState {
    private final byte[] header = new byte[Integer.BYTES];
    private int headerFill;
    private byte[] bytes = new byte[256];
    private MemorySegment segment = MemorySegments.wrap(bytes);
    private int length = -1; // -1 while reading the header
    private int fill;
    private int completed; // the length of the record just completed

    /** Whether no record of this channel is partly read. */
    boolean isBetweenRecords() {
      return length < 0 && headerFill == 0;
    }

    /** Reads from {@code buffer} until a record is complete (true) or the buffer is empty (false). */
    boolean feed(Buffer buffer) {
      if (length < 0 && !readHeader(buffer)) {
        return false;
      }
      int n = Math.min(length - fill, buffer.readableBytes());
      buffer.readBytes(bytes, fill, n);
      fill += n;
      if (fill < length) {
        return false;
      }
      completed = length;
      length = -1;
      return true;
    }

    private boolean readHeader(Buffer buffer) {
      int n = Math.min(Integer.BYTES - headerFill, buffer.readableBytes());
      buffer.readBytes(header, headerFill, n);
      headerFill += n;
      if (headerFill < Integer.BYTES) {
        return false;
      }
      headerFill = 0;
      int len = ((header[0] & 0xFF) << 24) | ((header[1] & 0xFF) << 16)
          | ((header[2] & 0xFF) << 8) | (header[3] & 0xFF);
      if (len > bytes.length) {
        bytes = new byte[Math.max(len, 2 * bytes.length)];
        segment = MemorySegments.wrap(bytes);
      }
      length = len;
      fill = 0;
      return true;
    }
  }
}
