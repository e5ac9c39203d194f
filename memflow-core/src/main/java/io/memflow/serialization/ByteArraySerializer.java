package io.memflow.serialization;

import io.memflow.memory.view.DataInputView;
import io.memflow.memory.view.DataOutputView;
import java.io.IOException;

/**
 * Byte arrays (and null):
 *
 * <pre>
 * +----------------------+------------------+
 * | varint (length + 1)  | length bytes     |     0 stands for null, and no bytes follow
 * +----------------------+------------------+
 * </pre>
 *
 * Stateless and thread-safe.
 */
final class ByteArraySerializer implements TypeSerializer<byte[]> {

  private static final int NULL = 0;

  @Override
  public void serialize(byte[] value, DataOutputView target) throws IOException {
    if (value == null) {
      target.writeVarInt(NULL);
      return;
    }
    target.writeVarInt(value.length + 1);
    target.write(value);
  }

  @Override
  public byte[] deserialize(DataInputView source) throws IOException {
    int prefix = readPrefix(source);
    if (prefix == NULL) {
      return null;
    }
    byte[] value = new byte[prefix - 1];
    source.readFully(value);
    return value;
  }

  /**
   * Reads into {@code reuse} when it has the value's length (an array cannot change its length),
   * else into a new array.
   */
  @Override
  public byte[] deserialize(byte[] reuse, DataInputView source) throws IOException {
    int prefix = readPrefix(source);
    if (prefix == NULL) {
      return null;
    }
    byte[] value = reuse != null && reuse.length == prefix - 1 ? reuse : new byte[prefix - 1];
    source.readFully(value);
    return value;
  }

  @Override
  public void copy(DataInputView source, DataOutputView target) throws IOException {
    int prefix = readPrefix(source);
    target.writeVarInt(prefix);
    if (prefix > 1) {
      target.write(source, prefix - 1);
    }
  }

  /** The length prefix: 0 for null, else length + 1, which must fit a non-negative int. */
  private static int readPrefix(DataInputView source) throws IOException {
    int prefix = source.readVarInt();
    if (prefix < 0) {
      throw new IOException(
          "malformed byte[] length prefix=" + Integer.toUnsignedString(prefix) + ", at most " + Integer.MAX_VALUE);
    }
    return prefix;
  }

  @Override
  public int getLength() {
    return -1;
  }

  @Override
  public String toString() {
    return "Serializers.BYTE_ARRAY";
  }
}
