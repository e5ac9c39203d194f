package io.memflow.memory;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.lang.foreign.ValueLayout;

/**
 * A fixed-size block of memory, on the Java heap or off it, addressed by byte offsets
 * {@code [0, size())}. One final class serves both kinds so that every call site stays
 * monomorphic; access goes through {@code java.lang.foreign} only (never the JDK's unsafe
 * memory-access class).
 *
 * <p><b>Access.</b> Typed reads and writes at any byte offset (unaligned), in native byte order
 * or explicitly big- or little-endian; bulk transfers to and from arrays, {@link ByteBuffer}s,
 * {@link DataInput}/{@link DataOutput} and other segments; unsigned lexicographic comparison.
 * Every access is checked: an offset or length outside the segment throws {@link
 * IndexOutOfBoundsException} with {@code index}, {@code length} and {@code size} in its message.
 *
 * <p><b>Lifetime.</b> {@link #free()} ends the segment's life: every later access throws {@link
 * IllegalStateException} naming the segment, and freeing again is reported the same way. Off-heap
 * pages from {@link MemorySegments#allocateOffHeap} return their memory to the allocator at
 * once; heap and wrapped segments just become unusable. Views from {@link #asByteBuffer} must not
 * be used after {@code free()}.
 *
 * <p><b>Ownership and threads.</b> The code that allocated a segment owns it and must free it
 * (the optional {@linkplain #owner() owner} object is for accounting and error messages). A
 * segment is not thread-safe: concurrent reads are fine, but writes need external ordering (for
 * example a queue hand-off), and {@code free()} must happen-after every access in other threads.
 */
public final class MemorySegment {

  private static final ValueLayout.OfByte BYTE = ValueLayout.JAVA_BYTE;
  /**
   * Bulk copies up to this many bytes between off-heap memory and an array go a word at a time
   * here: the FFM API's array copy checks the array's type and layout on every call, which cost
   * small copies (join rows, CSV fields) about 12 ns each.
   */
  private static final int SMALL_COPY = 64;
  private static final VarHandle ARRAY_LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.nativeOrder());
  private static final ValueLayout.OfChar CHAR = ValueLayout.JAVA_CHAR_UNALIGNED;
  private static final ValueLayout.OfChar CHAR_BE = CHAR.withOrder(ByteOrder.BIG_ENDIAN);
  private static final ValueLayout.OfChar CHAR_LE = CHAR.withOrder(ByteOrder.LITTLE_ENDIAN);
  private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED;
  private static final ValueLayout.OfShort SHORT_BE = SHORT.withOrder(ByteOrder.BIG_ENDIAN);
  private static final ValueLayout.OfShort SHORT_LE = SHORT.withOrder(ByteOrder.LITTLE_ENDIAN);
  private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED;
  private static final ValueLayout.OfInt INT_BE = INT.withOrder(ByteOrder.BIG_ENDIAN);
  private static final ValueLayout.OfInt INT_LE = INT.withOrder(ByteOrder.LITTLE_ENDIAN);
  private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED;
  private static final ValueLayout.OfLong LONG_BE = LONG.withOrder(ByteOrder.BIG_ENDIAN);
  private static final ValueLayout.OfLong LONG_LE = LONG.withOrder(ByteOrder.LITTLE_ENDIAN);
  private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;
  private static final ValueLayout.OfFloat FLOAT_BE = FLOAT.withOrder(ByteOrder.BIG_ENDIAN);
  private static final ValueLayout.OfFloat FLOAT_LE = FLOAT.withOrder(ByteOrder.LITTLE_ENDIAN);
  private static final ValueLayout.OfDouble DOUBLE = ValueLayout.JAVA_DOUBLE_UNALIGNED;
  private static final ValueLayout.OfDouble DOUBLE_BE = DOUBLE.withOrder(ByteOrder.BIG_ENDIAN);
  private static final ValueLayout.OfDouble DOUBLE_LE = DOUBLE.withOrder(ByteOrder.LITTLE_ENDIAN);

  /** What a freed segment points at: zero bytes, so every access fails and reaches the check. */
  private static final java.lang.foreign.MemorySegment FREED = java.lang.foreign.MemorySegment.NULL;

  /** Below this many bytes, compare and equalTo loop over words; above, the JDK's vectorized mismatch. */
  private static final int MISMATCH_THRESHOLD = 64;

  private java.lang.foreign.MemorySegment memory;
  private final int size;
  private final byte[] heapArray;
  private final int heapOffset;
  private final long nativeAddress;
  private final Object owner;
  private boolean freed;

  private MemorySegment(
      java.lang.foreign.MemorySegment memory,
      byte[] heapArray,
      int heapOffset,
      long nativeAddress,
      Object owner) {
    this.memory = memory;
    this.size = Math.toIntExact(memory.byteSize());
    this.heapArray = heapArray;
    this.heapOffset = heapOffset;
    this.nativeAddress = nativeAddress;
    this.owner = owner;
  }

  static MemorySegment ofHeap(byte[] array, int offset, int length, Object owner) {
    java.lang.foreign.MemorySegment memory =
        java.lang.foreign.MemorySegment.ofArray(array).asSlice(offset, length);
    return new MemorySegment(memory, array, offset, 0, owner);
  }

  static MemorySegment ofNative(long address, int size, Object owner) {
    return new MemorySegment(NativeMemory.slice(address, size), null, 0, address, owner);
  }

  static MemorySegment ofDirectBuffer(ByteBuffer buffer, Object owner) {
    return new MemorySegment(java.lang.foreign.MemorySegment.ofBuffer(buffer), null, 0, 0, owner);
  }

  // ---------------------------------------------------------------- properties and lifetime

  /** The size in bytes; valid offsets are {@code [0, size())}. */
  public int size() {
    return size;
  }

  /** Whether the bytes live on the Java heap or off it. */
  public MemoryType type() {
    return heapArray != null ? MemoryType.HEAP : MemoryType.OFF_HEAP;
  }

  /** Whether this segment's bytes live off the Java heap. */
  public boolean isOffHeap() {
    return heapArray == null;
  }

  /** The owner given at allocation (for accounting and messages), or {@code null}. */
  public Object owner() {
    return owner;
  }

  /** Whether {@link #free()} has been called. */
  public boolean isFreed() {
    return freed;
  }

  /**
   * The heap array behind a heap segment, for code that has a faster path on arrays. Byte
   * {@code i} of the segment is {@code heapArray()[heapArrayOffset() + i]}.
   *
   * @throws IllegalStateException if the segment is off-heap or freed
   */
  public byte[] heapArray() {
    checkAlive();
    if (heapArray == null) {
      throw new IllegalStateException(describe() + " has no heap array: it is off-heap");
    }
    return heapArray;
  }

  /** The offset of byte 0 of this segment in {@link #heapArray()}; 0 for off-heap segments. */
  public int heapArrayOffset() {
    return heapOffset;
  }

  /**
   * Frees the segment. Afterwards every access throws {@link IllegalStateException}; an
   * off-heap page from {@link MemorySegments#allocateOffHeap} goes back to the allocator now.
   *
   * @throws IllegalStateException if the segment was already freed
   */
  public void free() {
    long address = markFreed();
    if (address != 0) {
      NativeMemory.free(address, size);
    }
  }

  /**
   * Makes the segment unusable; returns its native address for the caller to give back (0 for a
   * segment whose memory is not memflow's to free).
   *
   * @throws IllegalStateException if the segment was already freed
   */
  long markFreed() {
    if (freed) {
      throw new IllegalStateException("double free: " + describe() + " was already freed");
    }
    freed = true;
    memory = FREED;
    return nativeAddress;
  }

  // ---------------------------------------------------------------- single bytes and booleans

  /** Reads the byte at {@code index}. */
  public byte get(int index) {
    try {
      return memory.get(BYTE, index);
    } catch (IndexOutOfBoundsException e) {
      throw accessFailure(index, 1);
    }
  }

  /** Writes a byte at {@code index}. */
  public void put(int index, byte value) {
    try {
      memory.set(BYTE, index, value);
    } catch (IndexOutOfBoundsException e) {
      throw accessFailure(index, 1);
    }
  }

  /** Reads the boolean at {@code index}: any non-zero byte is {@code true}. */
  public boolean getBoolean(int index) {
    return get(index) != 0;
  }

  /** Writes a boolean at {@code index} as one byte, 1 or 0. */
  public void putBoolean(int index, boolean value) {
    put(index, value ? (byte) 1 : (byte) 0);
  }

  // ---------------------------------------------------------------- typed values

  /** Reads the char at {@code index} (2 bytes, native byte order). */
  public char getChar(int index) {
    try {
      return memory.get(CHAR, index);
    } catch (IndexOutOfBoundsException e) {
      throw accessFailure(index, 2);
    }
  }

  /** Writes a char at {@code index} (2 bytes, native byte order). */
  public void putChar(int index, char value) {
    try {
      memory.set(CHAR, index, value);
    } catch (IndexOutOfBoundsException e) {
      throw accessFailure(index, 2);
    }
  }

  /** Reads the char at {@code index} (2 bytes, big-endian byte order). */
  public char getCharBigEndian(int index) {
    try {
      return memory.get(CHAR_BE, index);
    } catch (IndexOutOfBoundsException e) {
      throw accessFailure(index, 2);
    }
  }

  /** Writes a char at {@code index} (2 bytes, big-endian byte order). */
  public void putCharBigEndian(int index, char value) {
    try {
      memory.set(CHAR_BE, index, value);
    } catch (IndexOutOfBoundsException e) {
      throw accessFailure(index, 2);
    }
  }

  /** Reads the char at {@code index} (2 bytes, little-endian byte order). */
  public char getCharLittleEndian(int index) {
    try {
      return memory.get(CHAR_LE, index);
    } catch (IndexOutOfBoundsException e) {
      throw accessFailure(index, 2);
    }
  }

  /** Writes a char at {@code index} (2 bytes, little-endian byte order). */
  public void putCharLittleEndian(int index, char value) {
    try {
      memory.set(CHAR_LE, index, value);
    } catch (IndexOutOfBoundsException e) {
      throw accessFailure(index, 2);
    }
  }

  /** Reads the short at {@code index} (2 bytes, native byte order). */
  public short getShort(int index) {
    try {
      return memory.get(SHORT, index);
    } catch (IndexOutOfBoundsException e) {
      throw accessFailure(index, 2);
    }
  }

  /** Writes a short at {@code index} (2 bytes, native byte order). */
  public void putShort(int index, short value) {
    try {
      memory.set(SHORT, index, value);
    } catch (IndexOutOfBoundsException e) {
      throw accessFailure(index, 2);
    }
  }

  /** Reads the short at {@code index} (2 bytes, big-endian byte order). */
  public short getShortBigEndian(int index) {
    try {
      return memory.get(SHORT_BE, index);
    } catch (IndexOutOfBoundsException e) {
      throw accessFailure(index, 2);
    }
  }

  /** Writes a short at {@code index} (2 bytes, big-endian byte order). */
  public void putShortBigEndian(int index, short value) {
    try {
      memory.set(SHORT_BE, index, value);
    } catch (IndexOutOfBoundsException e) {
      throw accessFailure(index, 2);
    }
  }

  /** Reads the short at {@code index} (2 bytes, little-endian byte order). */
  public short getShortLittleEndian(int index) {
    try {
      return memory.get(SHORT_LE, index);
    } catch (IndexOutOfBoundsException e) {
      throw accessFailure(index, 2);
    }
  }

  /** Writes a short at {@code index} (2 bytes, little-endian byte order). */
  public void putShortLittleEndian(int index, short value) {
    try {
      memory.set(SHORT_LE, index, value);
    } catch (IndexOutOfBoundsException e) {
      throw accessFailure(index, 2);
    }
  }

  /** Reads the int at {@code index} (4 bytes, native byte order). */
  public int getInt(int index) {
    try {
      return memory.get(INT, index);
    } catch (IndexOutOfBoundsException e) {
      throw accessFailure(index, 4);
    }
  }

  /** Writes a int at {@code index} (4 bytes, native byte order). */
  public void putInt(int index, int value) {
    try {
      memory.set(INT, index, value);
    } catch (IndexOutOfBoundsException e) {
      throw accessFailure(index, 4);
    }
  }

  /** Reads the int at {@code index} (4 bytes, big-endian byte order). */
  public int getIntBigEndian(int index) {
    try {
      return memory.get(INT_BE, index);
    } catch (IndexOutOfBoundsException e) {
      throw accessFailure(index, 4);
    }
  }

  /** Writes a int at {@code index} (4 bytes, big-endian byte order). */
  public void putIntBigEndian(int index, int value) {
    try {
      memory.set(INT_BE, index, value);
    } catch (IndexOutOfBoundsException e) {
      throw accessFailure(index, 4);
    }
  }

  /** Reads the int at {@code index} (4 bytes, little-endian byte order). */
  public int getIntLittleEndian(int index) {
    try {
      return memory.get(INT_LE, index);
    } catch (IndexOutOfBoundsException e) {
      throw accessFailure(index, 4);
    }
  }

  /** Writes a int at {@code index} (4 bytes, little-endian byte order). */
  public void putIntLittleEndian(int index, int value) {
    try {
      memory.set(INT_LE, index, value);
    } catch (IndexOutOfBoundsException e) {
      throw accessFailure(index, 4);
    }
  }

  /** Reads the long at {@code index} (8 bytes, native byte order). */
  public long getLong(int index) {
    try {
      return memory.get(LONG, index);
    } catch (IndexOutOfBoundsException e) {
      throw accessFailure(index, 8);
    }
  }

  /** Writes a long at {@code index} (8 bytes, native byte order). */
  public void putLong(int index, long value) {
    try {
      memory.set(LONG, index, value);
    } catch (IndexOutOfBoundsException e) {
      throw accessFailure(index, 8);
    }
  }

  /** Reads the long at {@code index} (8 bytes, big-endian byte order). */
  public long getLongBigEndian(int index) {
    try {
      return memory.get(LONG_BE, index);
    } catch (IndexOutOfBoundsException e) {
      throw accessFailure(index, 8);
    }
  }

  /** Writes a long at {@code index} (8 bytes, big-endian byte order). */
  public void putLongBigEndian(int index, long value) {
    try {
      memory.set(LONG_BE, index, value);
    } catch (IndexOutOfBoundsException e) {
      throw accessFailure(index, 8);
    }
  }

  /** Reads the long at {@code index} (8 bytes, little-endian byte order). */
  public long getLongLittleEndian(int index) {
    try {
      return memory.get(LONG_LE, index);
    } catch (IndexOutOfBoundsException e) {
      throw accessFailure(index, 8);
    }
  }

  /** Writes a long at {@code index} (8 bytes, little-endian byte order). */
  public void putLongLittleEndian(int index, long value) {
    try {
      memory.set(LONG_LE, index, value);
    } catch (IndexOutOfBoundsException e) {
      throw accessFailure(index, 8);
    }
  }

  /** Reads the float at {@code index} (4 bytes, native byte order). */
  public float getFloat(int index) {
    try {
      return memory.get(FLOAT, index);
    } catch (IndexOutOfBoundsException e) {
      throw accessFailure(index, 4);
    }
  }

  /** Writes a float at {@code index} (4 bytes, native byte order). */
  public void putFloat(int index, float value) {
    try {
      memory.set(FLOAT, index, value);
    } catch (IndexOutOfBoundsException e) {
      throw accessFailure(index, 4);
    }
  }

  /** Reads the float at {@code index} (4 bytes, big-endian byte order). */
  public float getFloatBigEndian(int index) {
    try {
      return memory.get(FLOAT_BE, index);
    } catch (IndexOutOfBoundsException e) {
      throw accessFailure(index, 4);
    }
  }

  /** Writes a float at {@code index} (4 bytes, big-endian byte order). */
  public void putFloatBigEndian(int index, float value) {
    try {
      memory.set(FLOAT_BE, index, value);
    } catch (IndexOutOfBoundsException e) {
      throw accessFailure(index, 4);
    }
  }

  /** Reads the float at {@code index} (4 bytes, little-endian byte order). */
  public float getFloatLittleEndian(int index) {
    try {
      return memory.get(FLOAT_LE, index);
    } catch (IndexOutOfBoundsException e) {
      throw accessFailure(index, 4);
    }
  }

  /** Writes a float at {@code index} (4 bytes, little-endian byte order). */
  public void putFloatLittleEndian(int index, float value) {
    try {
      memory.set(FLOAT_LE, index, value);
    } catch (IndexOutOfBoundsException e) {
      throw accessFailure(index, 4);
    }
  }

  /** Reads the double at {@code index} (8 bytes, native byte order). */
  public double getDouble(int index) {
    try {
      return memory.get(DOUBLE, index);
    } catch (IndexOutOfBoundsException e) {
      throw accessFailure(index, 8);
    }
  }

  /** Writes a double at {@code index} (8 bytes, native byte order). */
  public void putDouble(int index, double value) {
    try {
      memory.set(DOUBLE, index, value);
    } catch (IndexOutOfBoundsException e) {
      throw accessFailure(index, 8);
    }
  }

  /** Reads the double at {@code index} (8 bytes, big-endian byte order). */
  public double getDoubleBigEndian(int index) {
    try {
      return memory.get(DOUBLE_BE, index);
    } catch (IndexOutOfBoundsException e) {
      throw accessFailure(index, 8);
    }
  }

  /** Writes a double at {@code index} (8 bytes, big-endian byte order). */
  public void putDoubleBigEndian(int index, double value) {
    try {
      memory.set(DOUBLE_BE, index, value);
    } catch (IndexOutOfBoundsException e) {
      throw accessFailure(index, 8);
    }
  }

  /** Reads the double at {@code index} (8 bytes, little-endian byte order). */
  public double getDoubleLittleEndian(int index) {
    try {
      return memory.get(DOUBLE_LE, index);
    } catch (IndexOutOfBoundsException e) {
      throw accessFailure(index, 8);
    }
  }

  /** Writes a double at {@code index} (8 bytes, little-endian byte order). */
  public void putDoubleLittleEndian(int index, double value) {
    try {
      memory.set(DOUBLE_LE, index, value);
    } catch (IndexOutOfBoundsException e) {
      throw accessFailure(index, 8);
    }
  }

  // ---------------------------------------------------------------- bulk: arrays and buffers

  /** Copies {@code dst.length} bytes starting at {@code index} into {@code dst}. */
  public void get(int index, byte[] dst) {
    get(index, dst, 0, dst.length);
  }

  /** Copies {@code length} bytes starting at {@code index} into {@code dst[offset..]}. */
  public void get(int index, byte[] dst, int offset, int length) {
    checkRange(index, length);
    checkArrayRange(dst, offset, length);
    if (heapArray != null) {
      System.arraycopy(heapArray, heapOffset + index, dst, offset, length);
    } else if (length <= SMALL_COPY) {
      int i = 0;
      for (; i <= length - Long.BYTES; i += Long.BYTES) {
        ARRAY_LONG.set(dst, offset + i, memory.get(LONG, index + i));
      }
      for (; i < length; i++) {
        dst[offset + i] = memory.get(BYTE, index + i);
      }
    } else {
      java.lang.foreign.MemorySegment.copy(memory, BYTE, index, dst, offset, length);
    }
  }

  /** Copies all of {@code src} into this segment starting at {@code index}. */
  public void put(int index, byte[] src) {
    put(index, src, 0, src.length);
  }

  /** Copies {@code src[offset..offset+length)} into this segment starting at {@code index}. */
  public void put(int index, byte[] src, int offset, int length) {
    checkRange(index, length);
    checkArrayRange(src, offset, length);
    if (heapArray != null) {
      System.arraycopy(src, offset, heapArray, heapOffset + index, length);
    } else if (length <= SMALL_COPY) {
      int i = 0;
      for (; i <= length - Long.BYTES; i += Long.BYTES) {
        memory.set(LONG, index + i, (long) ARRAY_LONG.get(src, offset + i));
      }
      for (; i < length; i++) {
        memory.set(BYTE, index + i, src[offset + i]);
      }
    } else {
      java.lang.foreign.MemorySegment.copy(src, offset, memory, BYTE, index, length);
    }
  }

  /**
   * Copies {@code length} bytes starting at {@code index} into {@code target} at its position,
   * and advances the position by {@code length}.
   *
   * @throws java.nio.BufferOverflowException if the target has fewer than {@code length} bytes
   *     remaining (nothing is copied)
   * @throws java.nio.ReadOnlyBufferException if the target is read-only
   */
  public void get(int index, ByteBuffer target, int length) {
    checkRange(index, length);
    if (target.isReadOnly()) {
      throw new java.nio.ReadOnlyBufferException();
    }
    if (target.remaining() < length) {
      throw new java.nio.BufferOverflowException();
    }
    int position = target.position();
    if (target.hasArray()) { // no segment over the buffer: nothing allocated per call
      java.lang.foreign.MemorySegment.copy(
          memory, BYTE, index, target.array(), target.arrayOffset() + position, length);
    } else {
      java.lang.foreign.MemorySegment.copy(
          memory, index, java.lang.foreign.MemorySegment.ofBuffer(target), 0, length);
    }
    target.position(position + length);
  }

  /**
   * Copies {@code length} bytes from {@code source} at its position into this segment starting
   * at {@code index}, and advances the source's position by {@code length}.
   *
   * @throws java.nio.BufferUnderflowException if the source has fewer than {@code length} bytes
   *     remaining (nothing is copied)
   */
  public void put(int index, ByteBuffer source, int length) {
    checkRange(index, length);
    if (source.remaining() < length) {
      throw new java.nio.BufferUnderflowException();
    }
    int position = source.position();
    if (source.hasArray()) { // no segment over the buffer: nothing allocated per call
      java.lang.foreign.MemorySegment.copy(
          source.array(), source.arrayOffset() + position, memory, BYTE, index, length);
    } else {
      java.lang.foreign.MemorySegment.copy(
          java.lang.foreign.MemorySegment.ofBuffer(source), 0, memory, index, length);
    }
    source.position(position + length);
  }

  /**
   * A {@link ByteBuffer} over {@code [index, index + length)} of this segment, sharing its bytes
   * (position 0, limit {@code length}), for channel I/O without a copy. Heap segments give a heap
   * buffer, off-heap segments a direct one. The view must not be used after {@link #free()}.
   */
  public ByteBuffer asByteBuffer(int index, int length) {
    checkRange(index, length);
    return memory.asSlice(index, length).asByteBuffer();
  }

  // ---------------------------------------------------------------- bulk: streams

  /** Writes {@code length} bytes starting at {@code index} to {@code out}. */
  public void get(DataOutput out, int index, int length) throws IOException {
    checkRange(index, length);
    if (heapArray != null) {
      out.write(heapArray, heapOffset + index, length);
      return;
    }
    int end = index + length;
    for (; index <= end - Long.BYTES; index += Long.BYTES) {
      out.writeLong(memory.get(LONG_BE, index));
    }
    for (; index < end; index++) {
      out.writeByte(memory.get(BYTE, index));
    }
  }

  /** Reads exactly {@code length} bytes from {@code in} into this segment starting at {@code index}. */
  public void put(DataInput in, int index, int length) throws IOException {
    checkRange(index, length);
    if (heapArray != null) {
      in.readFully(heapArray, heapOffset + index, length);
      return;
    }
    int end = index + length;
    for (; index <= end - Long.BYTES; index += Long.BYTES) {
      memory.set(LONG_BE, index, in.readLong());
    }
    for (; index < end; index++) {
      memory.set(BYTE, index, in.readByte());
    }
  }

  // ---------------------------------------------------------------- segment to segment

  /**
   * Copies {@code length} bytes from {@code [index, index + length)} of this segment to {@code
   * target} starting at {@code targetIndex}. Works across heap and off-heap; overlapping ranges
   * of the same segment are copied as if through a temporary buffer.
   */
  public void copyTo(int index, MemorySegment target, int targetIndex, int length) {
    checkRange(index, length);
    target.checkRange(targetIndex, length);
    if (heapArray != null && target.heapArray != null) {
      System.arraycopy(heapArray, heapOffset + index, target.heapArray, target.heapOffset + targetIndex, length);
    } else if (heapArray != null) {
      target.put(targetIndex, heapArray, heapOffset + index, length);
    } else if (target.heapArray != null) {
      get(index, target.heapArray, target.heapOffset + targetIndex, length);
    } else {
      java.lang.foreign.MemorySegment.copy(memory, index, target.memory, targetIndex, length);
    }
  }

  /** Sets {@code length} bytes starting at {@code index} to {@code value}. */
  public void fill(int index, int length, byte value) {
    checkRange(index, length);
    memory.asSlice(index, length).fill(value);
  }

  /**
   * Exchanges {@code length} bytes at {@code index} of this segment with {@code length} bytes at
   * {@code otherIndex} of {@code other}. The ranges must not overlap.
   */
  public void swapBytes(MemorySegment other, int index, int otherIndex, int length) {
    checkRange(index, length);
    other.checkRange(otherIndex, length);
    java.lang.foreign.MemorySegment a = memory;
    java.lang.foreign.MemorySegment b = other.memory;
    int i = 0;
    for (; i <= length - Long.BYTES; i += Long.BYTES) {
      long x = a.get(LONG, index + i);
      a.set(LONG, index + i, b.get(LONG, otherIndex + i));
      b.set(LONG, otherIndex + i, x);
    }
    for (; i < length; i++) {
      byte x = a.get(BYTE, index + i);
      a.set(BYTE, index + i, b.get(BYTE, otherIndex + i));
      b.set(BYTE, otherIndex + i, x);
    }
  }

  /**
   * Compares {@code length} bytes at {@code index} with {@code length} bytes at {@code
   * otherIndex} of {@code other}, lexicographically as unsigned bytes.
   *
   * @return a negative number, zero or a positive number as this range is less than, equal to
   *     or greater than the other
   */
  public int compare(MemorySegment other, int index, int otherIndex, int length) {
    checkRange(index, length);
    other.checkRange(otherIndex, length);
    if (length >= MISMATCH_THRESHOLD) {
      return compareByMismatch(other, index, otherIndex, length);
    }
    java.lang.foreign.MemorySegment a = memory;
    java.lang.foreign.MemorySegment b = other.memory;
    int i = 0;
    for (; i <= length - Long.BYTES; i += Long.BYTES) {
      long x = a.get(LONG_BE, index + i);
      long y = b.get(LONG_BE, otherIndex + i);
      if (x != y) {
        return Long.compareUnsigned(x, y);
      }
    }
    for (; i < length; i++) {
      int d = Byte.toUnsignedInt(a.get(BYTE, index + i)) - Byte.toUnsignedInt(b.get(BYTE, otherIndex + i));
      if (d != 0) {
        return d;
      }
    }
    return 0;
  }

  /**
   * Compares {@code [index, index + length)} with {@code [otherIndex, otherIndex + otherLength)}
   * of {@code other} lexicographically as unsigned bytes; a proper prefix is the smaller.
   *
   * @return a negative number, zero or a positive number as this range is less than, equal to
   *     or greater than the other
   */
  public int compare(MemorySegment other, int index, int otherIndex, int length, int otherLength) {
    int common = compare(other, index, otherIndex, Math.min(length, otherLength));
    return common != 0 ? common : Integer.compare(length, otherLength);
  }

  /** Whether {@code length} bytes at {@code index} equal those at {@code otherIndex} of {@code other}. */
  public boolean equalTo(MemorySegment other, int index, int otherIndex, int length) {
    checkRange(index, length);
    other.checkRange(otherIndex, length);
    if (length >= MISMATCH_THRESHOLD) {
      return mismatch(other, index, otherIndex, length) < 0;
    }
    java.lang.foreign.MemorySegment a = memory;
    java.lang.foreign.MemorySegment b = other.memory;
    int i = 0;
    for (; i <= length - Long.BYTES; i += Long.BYTES) {
      if (a.get(LONG, index + i) != b.get(LONG, otherIndex + i)) {
        return false;
      }
    }
    for (; i < length; i++) {
      if (a.get(BYTE, index + i) != b.get(BYTE, otherIndex + i)) {
        return false;
      }
    }
    return true;
  }

  private int compareByMismatch(MemorySegment other, int index, int otherIndex, int length) {
    long at = mismatch(other, index, otherIndex, length);
    if (at < 0) {
      return 0;
    }
    return Byte.toUnsignedInt(memory.get(BYTE, index + at))
        - Byte.toUnsignedInt(other.memory.get(BYTE, otherIndex + at));
  }

  private long mismatch(MemorySegment other, int index, int otherIndex, int length) {
    return java.lang.foreign.MemorySegment.mismatch(
        memory, index, (long) index + length, other.memory, otherIndex, (long) otherIndex + length);
  }

  // ---------------------------------------------------------------- checks and messages

  /**
   * Checks that {@code [index, index + length)} lies in this live segment.
   *
   * @throws IllegalStateException if the segment was freed
   * @throws IndexOutOfBoundsException if the range is outside {@code [0, size())} or negative
   */
  void checkRange(int index, int length) {
    if (freed) {
      throw useAfterFree();
    }
    if ((index | length) < 0 || index > size - length) {
      throw outOfBounds(index, length);
    }
  }

  private static void checkArrayRange(byte[] array, int offset, int length) {
    if ((offset | length) < 0 || offset > array.length - length) {
      throw new IndexOutOfBoundsException(
          "array offset=" + offset + " length=" + length + " array length=" + array.length);
    }
  }

  private void checkAlive() {
    if (freed) {
      throw useAfterFree();
    }
  }

  /** Turns a failed single access into the right exception: use after free, or out of bounds. */
  private RuntimeException accessFailure(int index, int length) {
    return freed ? useAfterFree() : outOfBounds(index, length);
  }

  private IllegalStateException useAfterFree() {
    return new IllegalStateException("use after free: " + describe() + " was freed");
  }

  private IndexOutOfBoundsException outOfBounds(int index, int length) {
    return new IndexOutOfBoundsException(
        "index=" + index + " length=" + length + " size=" + size + " (" + describe() + ")");
  }

  private String describe() {
    StringBuilder s = new StringBuilder();
    s.append(heapArray != null ? "heap" : "off-heap")
        .append(" segment@")
        .append(Integer.toHexString(System.identityHashCode(this)))
        .append(" of ")
        .append(size)
        .append(" bytes");
    if (owner != null) {
      s.append(" owned by ").append(owner);
    }
    return s.toString();
  }

  /**
   * Consistent with {@code Object}'s identity equality, which segments keep. Off-heap segments
   * hash their address (unique among live segments) instead of asking the JVM for an identity
   * hash, which is slow to create and managers put every page they hand out in a hash set.
   */
  @Override
  public int hashCode() {
    return nativeAddress != 0
        ? Long.hashCode(nativeAddress * 0x9E3779B97F4A7C15L)
        : System.identityHashCode(this);
  }

  /** A description: kind, identity, size, owner, and whether it was freed. */
  @Override
  public String toString() {
    return "MemorySegment[" + describe() + (freed ? ", freed" : "") + "]";
  }
}
