package io.memflow.memory.view;

import java.io.DataInput;
import java.io.EOFException;
import java.io.IOException;

/**
 * A {@link DataInput} over memory, big-endian like {@link java.io.DataInputStream}, with skipping
 * that fails at the end, an {@link java.io.InputStream}-like bulk {@link #read(byte[], int, int)},
 * and variable-length integers ({@link VarInts}).
 *
 * <p>Not thread-safe. A view does not own the memory it reads (see the implementation for who
 * does). After an {@link EOFException} the bytes read before the end are consumed.
 */
public interface DataInputView extends DataInput {

  /**
   * Skips exactly {@code numBytes} bytes.
   *
   * @throws EOFException if fewer than {@code numBytes} bytes remain (those that remain are skipped)
   * @throws IllegalArgumentException if {@code numBytes} is negative
   */
  void skipBytesToRead(int numBytes) throws IOException;

  /**
   * Reads up to {@code len} bytes into {@code b[off, off + len)}, as many as the view holds.
   *
   * @return the number of bytes read, 0 if {@code len} is 0, or -1 if the view is at its end
   * @throws IndexOutOfBoundsException if the range is outside {@code b}
   */
  int read(byte[] b, int off, int len) throws IOException;

  /** As {@link #read(byte[], int, int)} for all of {@code b}. */
  default int read(byte[] b) throws IOException {
    return read(b, 0, b.length);
  }

  /** Reads an unsigned LEB128 int ({@link VarInts#readUnsignedInt}). */
  default int readVarInt() throws IOException {
    return VarInts.readUnsignedInt(this);
  }

  /** Reads an unsigned LEB128 long ({@link VarInts#readUnsignedLong}). */
  default long readVarLong() throws IOException {
    return VarInts.readUnsignedLong(this);
  }

  /** Reads a zigzag-encoded LEB128 int, as written by {@link DataOutputView#writeSignedVarInt}. */
  default int readSignedVarInt() throws IOException {
    return VarInts.zigZagDecodeInt(VarInts.readUnsignedInt(this));
  }

  /** Reads a zigzag-encoded LEB128 long, as written by {@link DataOutputView#writeSignedVarLong}. */
  default long readSignedVarLong() throws IOException {
    return VarInts.zigZagDecodeLong(VarInts.readUnsignedLong(this));
  }
}
