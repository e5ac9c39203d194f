package io.memflow.network;

/**
 * Thrown when a {@link BufferPool} cannot be created because the network buffers required by
 * the existing pools and the new one exceed the total. The message is Flink's, followed by how
 * much network memory would suffice. Immutable.
 */
public final class InsufficientNetworkBuffersException extends IllegalStateException {

  private static final long serialVersionUID = 1L;
  private static final long MIB = 1024 * 1024;

  private final int required;
  private final int available;
  private final int total;
  private final int segmentSize;

  /**
   * A shortage: {@code required} buffers asked for, {@code available} of {@code total} free, each of
   * {@code segmentSize} bytes.
   */
  public InsufficientNetworkBuffersException(int required, int available, int total, int segmentSize) {
    super(message(required, available, total, segmentSize));
    this.required = required;
    this.available = available;
    this.total = total;
    this.segmentSize = segmentSize;
  }

  /** The buffers the new pool requires. */
  public int required() {
    return required;
  }

  /** The buffers not required by existing pools. */
  public int available() {
    return available;
  }

  /** The total number of network buffers. */
  public int total() {
    return total;
  }

  /** The size of every buffer in bytes. */
  public int segmentSize() {
    return segmentSize;
  }

  /** The network memory that would fit the existing pools and this one: {@code (total - available + required) * segmentSize}. */
  public long sufficientBytes() {
    return sufficientBytes(required, available, total, segmentSize);
  }

  private static long sufficientBytes(int required, int available, int total, int segmentSize) {
    return ((long) total - available + required) * segmentSize;
  }

  private static String message(int required, int available, int total, int segmentSize) {
    long bytes = sufficientBytes(required, available, total, segmentSize);
    long mib = (bytes + MIB - 1) / MIB;
    return "Insufficient number of network buffers: required " + required + ", but only " + available
        + " available. The total number of network buffers is currently set to " + total + " of "
        + segmentSize + " bytes each. You can increase this number by setting the configuration keys"
        + " 'taskmanager.memory.network.fraction', 'taskmanager.memory.network.min', and"
        + " 'taskmanager.memory.network.max'. memflow: network memory of " + bytes + " bytes ("
        + ((long) total - available + required) + " buffers of " + segmentSize + " bytes) would suffice,"
        + " for example taskmanager.memory.network.min: " + mib + "mb and"
        + " taskmanager.memory.network.max: " + mib + "mb (or more).";
  }
}
