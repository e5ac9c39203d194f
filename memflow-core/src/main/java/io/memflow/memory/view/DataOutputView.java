package io.memflow.memory.view;

import io.memflow.memory.MemorySegment;
import java.io.DataOutput;
import java.io.EOFException;
import java.io.IOException;

/**
 * A {@link DataOutput} over memory, big-endian and byte-for-byte compatible with {@link
 * java.io.DataOutputStream}, with skipping, copying straight from a {@link DataInputView}, and
 * variable-length integers ({@link VarInts}).
 *
 * <p>Not thread-safe. A view does not own the memory it writes (see the implementation for who
 * does). An {@link EOFException} means the view has no more room; the bytes written before it
 * stay written.
 */
public interface DataOutputView extends DataOutput {

  /**
   * Moves the write position {@code numBytes} bytes forward without writing; the skipped bytes
   * keep whatever they held.
   *
   * @throws EOFException if the view has no room for {@code numBytes} more bytes
   * @throws IllegalArgumentException if {@code numBytes} is negative
   */
  void skipBytesToWrite(int numBytes) throws IOException;

  /**
   * Copies exactly {@code numBytes} bytes from {@code source} into this view.
   *
   * @throws EOFException if the source ends first, or this view has no more room
   * @throws IllegalArgumentException if {@code numBytes} is negative
   */
  void write(DataInputView source, int numBytes) throws IOException;

  /**
   * Copies {@code length} bytes of {@code source} from {@code offset} into this view. Paged views
   * copy in bulk; the default writes through {@link MemorySegment#get(java.io.DataOutput, int, int)}.
   *
   * @throws EOFException if this view has no more room
   * @throws IndexOutOfBoundsException if the range is outside {@code source}
   */
  default void write(MemorySegment source, int offset, int length) throws IOException {
    source.get(this, offset, length);
  }

  /** Writes {@code value} as an unsigned LEB128 int, 1 to 5 bytes ({@link VarInts}). */
  default void writeVarInt(int value) throws IOException {
    VarInts.writeUnsignedInt(this, value);
  }

  /** Writes {@code value} as an unsigned LEB128 long, 1 to 10 bytes ({@link VarInts}). */
  default void writeVarLong(long value) throws IOException {
    VarInts.writeUnsignedLong(this, value);
  }

  /** Writes {@code value} zigzag-encoded as a LEB128 int: small magnitudes take few bytes. */
  default void writeSignedVarInt(int value) throws IOException {
    VarInts.writeUnsignedInt(this, VarInts.zigZagEncodeInt(value));
  }

  /** Writes {@code value} zigzag-encoded as a LEB128 long: small magnitudes take few bytes. */
  default void writeSignedVarLong(long value) throws IOException {
    VarInts.writeUnsignedLong(this, VarInts.zigZagEncodeLong(value));
  }
}
