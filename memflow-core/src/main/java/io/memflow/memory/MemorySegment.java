package io.memflow.memory;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Objects;
import java.lang.foreign.ValueLayout;

/**
 * A fixed-size block of memory, on the Java heap or off it, addressed by byte offsets
 * {@code [0, size())}. One final class serves both kinds so that every call site stays
 * monomorphic; access goes through {@code java.lang.foreign} and {@code java.lang.invoke} only
 * (never the JDK's unsafe memory-access class).
 *
 * <p><b>How a typed access runs.</b> One check of the offset against the segment's live limit
 * (its size, 0 once freed), then a heap segment reads its array through a byte-array view {@link
 * VarHandle} and an off-heap segment reads its absolute address through one segment that spans the
 * whole address space. Going through the segment's own {@code java.lang.foreign} segment instead
 * made each access a call on an interface with a heap and a native implementation: where code
 * meets both kinds, the JIT either checked the kind at every access (and treated each write as
 * one that may change any field, so reloaded the segment's state after it) or compiled for one
 * kind and threw the code away when the other came. Warm runs of a 5 M-row combining aggregation
 * took 23 % fewer CPU samples this way (docs/memory.md). Bulk transfers still use the {@code
 * java.lang.foreign} segment.
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
  // The heap path of every typed access: views of a heap segment's array, per value type and byte order.
  private static final VarHandle ARRAY_CHAR = arrayView(char[].class, ByteOrder.nativeOrder());
  private static final VarHandle ARRAY_CHAR_BE = arrayView(char[].class, ByteOrder.BIG_ENDIAN);
  private static final VarHandle ARRAY_CHAR_LE = arrayView(char[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle ARRAY_SHORT = arrayView(short[].class, ByteOrder.nativeOrder());
  private static final VarHandle ARRAY_SHORT_BE = arrayView(short[].class, ByteOrder.BIG_ENDIAN);
  private static final VarHandle ARRAY_SHORT_LE = arrayView(short[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle ARRAY_INT = arrayView(int[].class, ByteOrder.nativeOrder());
  private static final VarHandle ARRAY_INT_BE = arrayView(int[].class, ByteOrder.BIG_ENDIAN);
  private static final VarHandle ARRAY_INT_LE = arrayView(int[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle ARRAY_LONG = arrayView(long[].class, ByteOrder.nativeOrder());
  private static final VarHandle ARRAY_LONG_BE = arrayView(long[].class, ByteOrder.BIG_ENDIAN);
  private static final VarHandle ARRAY_LONG_LE = arrayView(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle ARRAY_FLOAT = arrayView(float[].class, ByteOrder.nativeOrder());
  private static final VarHandle ARRAY_FLOAT_BE = arrayView(float[].class, ByteOrder.BIG_ENDIAN);
  private static final VarHandle ARRAY_FLOAT_LE = arrayView(float[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle ARRAY_DOUBLE = arrayView(double[].class, ByteOrder.nativeOrder());
  private static final VarHandle ARRAY_DOUBLE_BE = arrayView(double[].class, ByteOrder.BIG_ENDIAN);
  private static final VarHandle ARRAY_DOUBLE_LE = arrayView(double[].class, ByteOrder.LITTLE_ENDIAN);
  /** The native path of every typed access: all of the address space, addressed by absolute address. */
  private static final java.lang.foreign.MemorySegment ADDRESS_SPACE = NativeMemory.ADDRESS_SPACE;
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
  /** The native memory this segment gives back when freed (from {@link NativeMemory#allocate}); 0 if none. */
  private final long nativeAddress;
  private final Object owner;
  private boolean freed;
  /** The bytes that single accesses may reach: {@code size} while the segment lives, 0 once freed. */
  private int limit;
  /** Where accesses to byte 0 of an off-heap segment go (also for a direct buffer's); 0 for heap segments. */
  private final long address;

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
    this.limit = size;
    this.address = heapArray != null ? 0 : memory.address();
  }

  private static VarHandle arrayView(Class<?> viewType, ByteOrder order) {
    return MethodHandles.byteArrayViewVarHandle(viewType, order);
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
    limit = 0;
    return nativeAddress;
  }

  // ---------------------------------------------------------------- single bytes and booleans

  /** Reads the byte at {@code index}. */
  public byte get(int index) {
    byte[] array = heapArray;
    if (array != null) {
      return array[heapIndex(index, 1)];
    }
    return ADDRESS_SPACE.get(BYTE, nativeIndex(index, 1));
  }

  /** Writes a byte at {@code index}. */
  public void put(int index, byte value) {
    byte[] array = heapArray;
    if (array != null) {
      array[heapIndex(index, 1)] = value;
    } else {
      ADDRESS_SPACE.set(BYTE, nativeIndex(index, 1), value);
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
    byte[] array = heapArray;
    if (array != null) {
      return (char) ARRAY_CHAR.get(array, heapIndex(index, 2));
    }
    return ADDRESS_SPACE.get(CHAR, nativeIndex(index, 2));
  }

  /** Writes a char at {@code index} (2 bytes, native byte order). */
  public void putChar(int index, char value) {
    byte[] array = heapArray;
    if (array != null) {
      ARRAY_CHAR.set(array, heapIndex(index, 2), value);
    } else {
      ADDRESS_SPACE.set(CHAR, nativeIndex(index, 2), value);
    }
  }

  /** Reads the char at {@code index} (2 bytes, big-endian byte order). */
  public char getCharBigEndian(int index) {
    byte[] array = heapArray;
    if (array != null) {
      return (char) ARRAY_CHAR_BE.get(array, heapIndex(index, 2));
    }
    return ADDRESS_SPACE.get(CHAR_BE, nativeIndex(index, 2));
  }

  /** Writes a char at {@code index} (2 bytes, big-endian byte order). */
  public void putCharBigEndian(int index, char value) {
    byte[] array = heapArray;
    if (array != null) {
      ARRAY_CHAR_BE.set(array, heapIndex(index, 2), value);
    } else {
      ADDRESS_SPACE.set(CHAR_BE, nativeIndex(index, 2), value);
    }
  }

  /** Reads the char at {@code index} (2 bytes, little-endian byte order). */
  public char getCharLittleEndian(int index) {
    byte[] array = heapArray;
    if (array != null) {
      return (char) ARRAY_CHAR_LE.get(array, heapIndex(index, 2));
    }
    return ADDRESS_SPACE.get(CHAR_LE, nativeIndex(index, 2));
  }

  /** Writes a char at {@code index} (2 bytes, little-endian byte order). */
  public void putCharLittleEndian(int index, char value) {
    byte[] array = heapArray;
    if (array != null) {
      ARRAY_CHAR_LE.set(array, heapIndex(index, 2), value);
    } else {
      ADDRESS_SPACE.set(CHAR_LE, nativeIndex(index, 2), value);
    }
  }

  /** Reads the short at {@code index} (2 bytes, native byte order). */
  public short getShort(int index) {
    byte[] array = heapArray;
    if (array != null) {
      return (short) ARRAY_SHORT.get(array, heapIndex(index, 2));
    }
    return ADDRESS_SPACE.get(SHORT, nativeIndex(index, 2));
  }

  /** Writes a short at {@code index} (2 bytes, native byte order). */
  public void putShort(int index, short value) {
    byte[] array = heapArray;
    if (array != null) {
      ARRAY_SHORT.set(array, heapIndex(index, 2), value);
    } else {
      ADDRESS_SPACE.set(SHORT, nativeIndex(index, 2), value);
    }
  }

  /** Reads the short at {@code index} (2 bytes, big-endian byte order). */
  public short getShortBigEndian(int index) {
    byte[] array = heapArray;
    if (array != null) {
      return (short) ARRAY_SHORT_BE.get(array, heapIndex(index, 2));
    }
    return ADDRESS_SPACE.get(SHORT_BE, nativeIndex(index, 2));
  }

  /** Writes a short at {@code index} (2 bytes, big-endian byte order). */
  public void putShortBigEndian(int index, short value) {
    byte[] array = heapArray;
    if (array != null) {
      ARRAY_SHORT_BE.set(array, heapIndex(index, 2), value);
    } else {
      ADDRESS_SPACE.set(SHORT_BE, nativeIndex(index, 2), value);
    }
  }

  /** Reads the short at {@code index} (2 bytes, little-endian byte order). */
  public short getShortLittleEndian(int index) {
    byte[] array = heapArray;
    if (array != null) {
      return (short) ARRAY_SHORT_LE.get(array, heapIndex(index, 2));
    }
    return ADDRESS_SPACE.get(SHORT_LE, nativeIndex(index, 2));
  }

  /** Writes a short at {@code index} (2 bytes, little-endian byte order). */
  public void putShortLittleEndian(int index, short value) {
    byte[] array = heapArray;
    if (array != null) {
      ARRAY_SHORT_LE.set(array, heapIndex(index, 2), value);
    } else {
      ADDRESS_SPACE.set(SHORT_LE, nativeIndex(index, 2), value);
    }
  }

  /** Reads the int at {@code index} (4 bytes, native byte order). */
  public int getInt(int index) {
    byte[] array = heapArray;
    if (array != null) {
      return (int) ARRAY_INT.get(array, heapIndex(index, 4));
    }
    return ADDRESS_SPACE.get(INT, nativeIndex(index, 4));
  }

  /** Writes a int at {@code index} (4 bytes, native byte order). */
  public void putInt(int index, int value) {
    byte[] array = heapArray;
    if (array != null) {
      ARRAY_INT.set(array, heapIndex(index, 4), value);
    } else {
      ADDRESS_SPACE.set(INT, nativeIndex(index, 4), value);
    }
  }

  /** Reads the int at {@code index} (4 bytes, big-endian byte order). */
  public int getIntBigEndian(int index) {
    byte[] array = heapArray;
    if (array != null) {
      return (int) ARRAY_INT_BE.get(array, heapIndex(index, 4));
    }
    return ADDRESS_SPACE.get(INT_BE, nativeIndex(index, 4));
  }

  /** Writes a int at {@code index} (4 bytes, big-endian byte order). */
  public void putIntBigEndian(int index, int value) {
    byte[] array = heapArray;
    if (array != null) {
      ARRAY_INT_BE.set(array, heapIndex(index, 4), value);
    } else {
      ADDRESS_SPACE.set(INT_BE, nativeIndex(index, 4), value);
    }
  }

  /** Reads the int at {@code index} (4 bytes, little-endian byte order). */
  public int getIntLittleEndian(int index) {
    byte[] array = heapArray;
    if (array != null) {
      return (int) ARRAY_INT_LE.get(array, heapIndex(index, 4));
    }
    return ADDRESS_SPACE.get(INT_LE, nativeIndex(index, 4));
  }

  /** Writes a int at {@code index} (4 bytes, little-endian byte order). */
  public void putIntLittleEndian(int index, int value) {
    byte[] array = heapArray;
    if (array != null) {
      ARRAY_INT_LE.set(array, heapIndex(index, 4), value);
    } else {
      ADDRESS_SPACE.set(INT_LE, nativeIndex(index, 4), value);
    }
  }

  /** Reads the long at {@code index} (8 bytes, native byte order). */
  public long getLong(int index) {
    byte[] array = heapArray;
    if (array != null) {
      return (long) ARRAY_LONG.get(array, heapIndex(index, 8));
    }
    return ADDRESS_SPACE.get(LONG, nativeIndex(index, 8));
  }

  /** Writes a long at {@code index} (8 bytes, native byte order). */
  public void putLong(int index, long value) {
    byte[] array = heapArray;
    if (array != null) {
      ARRAY_LONG.set(array, heapIndex(index, 8), value);
    } else {
      ADDRESS_SPACE.set(LONG, nativeIndex(index, 8), value);
    }
  }

  /** Reads the long at {@code index} (8 bytes, big-endian byte order). */
  public long getLongBigEndian(int index) {
    byte[] array = heapArray;
    if (array != null) {
      return (long) ARRAY_LONG_BE.get(array, heapIndex(index, 8));
    }
    return ADDRESS_SPACE.get(LONG_BE, nativeIndex(index, 8));
  }

  /** Writes a long at {@code index} (8 bytes, big-endian byte order). */
  public void putLongBigEndian(int index, long value) {
    byte[] array = heapArray;
    if (array != null) {
      ARRAY_LONG_BE.set(array, heapIndex(index, 8), value);
    } else {
      ADDRESS_SPACE.set(LONG_BE, nativeIndex(index, 8), value);
    }
  }

  /** Reads the long at {@code index} (8 bytes, little-endian byte order). */
  public long getLongLittleEndian(int index) {
    byte[] array = heapArray;
    if (array != null) {
      return (long) ARRAY_LONG_LE.get(array, heapIndex(index, 8));
    }
    return ADDRESS_SPACE.get(LONG_LE, nativeIndex(index, 8));
  }

  /** Writes a long at {@code index} (8 bytes, little-endian byte order). */
  public void putLongLittleEndian(int index, long value) {
    byte[] array = heapArray;
    if (array != null) {
      ARRAY_LONG_LE.set(array, heapIndex(index, 8), value);
    } else {
      ADDRESS_SPACE.set(LONG_LE, nativeIndex(index, 8), value);
    }
  }

  /** Reads the float at {@code index} (4 bytes, native byte order). */
  public float getFloat(int index) {
    byte[] array = heapArray;
    if (array != null) {
      return (float) ARRAY_FLOAT.get(array, heapIndex(index, 4));
    }
    return ADDRESS_SPACE.get(FLOAT, nativeIndex(index, 4));
  }

  /** Writes a float at {@code index} (4 bytes, native byte order). */
  public void putFloat(int index, float value) {
    byte[] array = heapArray;
    if (array != null) {
      ARRAY_FLOAT.set(array, heapIndex(index, 4), value);
    } else {
      ADDRESS_SPACE.set(FLOAT, nativeIndex(index, 4), value);
    }
  }

  /** Reads the float at {@code index} (4 bytes, big-endian byte order). */
  public float getFloatBigEndian(int index) {
    byte[] array = heapArray;
    if (array != null) {
      return (float) ARRAY_FLOAT_BE.get(array, heapIndex(index, 4));
    }
    return ADDRESS_SPACE.get(FLOAT_BE, nativeIndex(index, 4));
  }

  /** Writes a float at {@code index} (4 bytes, big-endian byte order). */
  public void putFloatBigEndian(int index, float value) {
    byte[] array = heapArray;
    if (array != null) {
      ARRAY_FLOAT_BE.set(array, heapIndex(index, 4), value);
    } else {
      ADDRESS_SPACE.set(FLOAT_BE, nativeIndex(index, 4), value);
    }
  }

  /** Reads the float at {@code index} (4 bytes, little-endian byte order). */
  public float getFloatLittleEndian(int index) {
    byte[] array = heapArray;
    if (array != null) {
      return (float) ARRAY_FLOAT_LE.get(array, heapIndex(index, 4));
    }
    return ADDRESS_SPACE.get(FLOAT_LE, nativeIndex(index, 4));
  }

  /** Writes a float at {@code index} (4 bytes, little-endian byte order). */
  public void putFloatLittleEndian(int index, float value) {
    byte[] array = heapArray;
    if (array != null) {
      ARRAY_FLOAT_LE.set(array, heapIndex(index, 4), value);
    } else {
      ADDRESS_SPACE.set(FLOAT_LE, nativeIndex(index, 4), value);
    }
  }

  /** Reads the double at {@code index} (8 bytes, native byte order). */
  public double getDouble(int index) {
    byte[] array = heapArray;
    if (array != null) {
      return (double) ARRAY_DOUBLE.get(array, heapIndex(index, 8));
    }
    return ADDRESS_SPACE.get(DOUBLE, nativeIndex(index, 8));
  }

  /** Writes a double at {@code index} (8 bytes, native byte order). */
  public void putDouble(int index, double value) {
    byte[] array = heapArray;
    if (array != null) {
      ARRAY_DOUBLE.set(array, heapIndex(index, 8), value);
    } else {
      ADDRESS_SPACE.set(DOUBLE, nativeIndex(index, 8), value);
    }
  }

  /** Reads the double at {@code index} (8 bytes, big-endian byte order). */
  public double getDoubleBigEndian(int index) {
    byte[] array = heapArray;
    if (array != null) {
      return (double) ARRAY_DOUBLE_BE.get(array, heapIndex(index, 8));
    }
    return ADDRESS_SPACE.get(DOUBLE_BE, nativeIndex(index, 8));
  }

  /** Writes a double at {@code index} (8 bytes, big-endian byte order). */
  public void putDoubleBigEndian(int index, double value) {
    byte[] array = heapArray;
    if (array != null) {
      ARRAY_DOUBLE_BE.set(array, heapIndex(index, 8), value);
    } else {
      ADDRESS_SPACE.set(DOUBLE_BE, nativeIndex(index, 8), value);
    }
  }

  /** Reads the double at {@code index} (8 bytes, little-endian byte order). */
  public double getDoubleLittleEndian(int index) {
    byte[] array = heapArray;
    if (array != null) {
      return (double) ARRAY_DOUBLE_LE.get(array, heapIndex(index, 8));
    }
    return ADDRESS_SPACE.get(DOUBLE_LE, nativeIndex(index, 8));
  }

  /** Writes a double at {@code index} (8 bytes, little-endian byte order). */
  public void putDoubleLittleEndian(int index, double value) {
    byte[] array = heapArray;
    if (array != null) {
      ARRAY_DOUBLE_LE.set(array, heapIndex(index, 8), value);
    } else {
      ADDRESS_SPACE.set(DOUBLE_LE, nativeIndex(index, 8), value);
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
        ARRAY_LONG.set(dst, offset + i, ADDRESS_SPACE.get(LONG, address + index + i));
      }
      for (; i < length; i++) {
        dst[offset + i] = ADDRESS_SPACE.get(BYTE, address + index + i);
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
        ADDRESS_SPACE.set(LONG, address + index + i, (long) ARRAY_LONG.get(src, offset + i));
      }
      for (; i < length; i++) {
        ADDRESS_SPACE.set(BYTE, address + index + i, src[offset + i]);
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
      out.writeLong(ADDRESS_SPACE.get(LONG_BE, address + index));
    }
    for (; index < end; index++) {
      out.writeByte(ADDRESS_SPACE.get(BYTE, address + index));
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
      ADDRESS_SPACE.set(LONG_BE, address + index, in.readLong());
    }
    for (; index < end; index++) {
      ADDRESS_SPACE.set(BYTE, address + index, in.readByte());
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
    int i = 0;
    for (; i <= length - Long.BYTES; i += Long.BYTES) {
      long x = wordAt(index + i);
      setWordAt(index + i, other.wordAt(otherIndex + i));
      other.setWordAt(otherIndex + i, x);
    }
    for (; i < length; i++) {
      byte x = byteAt(index + i);
      setByteAt(index + i, other.byteAt(otherIndex + i));
      other.setByteAt(otherIndex + i, x);
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
    int i = 0;
    for (; i <= length - Long.BYTES; i += Long.BYTES) {
      long x = bigEndianWordAt(index + i);
      long y = other.bigEndianWordAt(otherIndex + i);
      if (x != y) {
        return Long.compareUnsigned(x, y);
      }
    }
    for (; i < length; i++) {
      int d = Byte.toUnsignedInt(byteAt(index + i)) - Byte.toUnsignedInt(other.byteAt(otherIndex + i));
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
    int i = 0;
    for (; i <= length - Long.BYTES; i += Long.BYTES) {
      if (wordAt(index + i) != other.wordAt(otherIndex + i)) {
        return false;
      }
    }
    for (; i < length; i++) {
      if (byteAt(index + i) != other.byteAt(otherIndex + i)) {
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
    return Byte.toUnsignedInt(byteAt(index + (int) at)) - Byte.toUnsignedInt(other.byteAt(otherIndex + (int) at));
  }

  private long mismatch(MemorySegment other, int index, int otherIndex, int length) {
    return java.lang.foreign.MemorySegment.mismatch(
        memory, index, (long) index + length, other.memory, otherIndex, (long) otherIndex + length);
  }

  // ------------------------------------- unchecked word and byte access (callers checked the range)
  // For the loops of the small copies, compares and swaps, which check their whole range once.
  // get, put, getLong, putLong and getLongBigEndian repeat these bodies after their own check
  // instead of calling them: with the call, warm runs of the 5 M-row aggregation at parallelism 2
  // took 0.67 s on average against 0.60 s (five JVMs each, alternating), a level of inlining the
  // JIT's budget for the operators' large hot methods does not always give.

  private long wordAt(int index) {
    byte[] array = heapArray;
    return array != null ? (long) ARRAY_LONG.get(array, heapOffset + index) : ADDRESS_SPACE.get(LONG, address + index);
  }

  private long bigEndianWordAt(int index) {
    byte[] array = heapArray;
    return array != null ? (long) ARRAY_LONG_BE.get(array, heapOffset + index) : ADDRESS_SPACE.get(LONG_BE, address + index);
  }

  private void setWordAt(int index, long value) {
    byte[] array = heapArray;
    if (array != null) {
      ARRAY_LONG.set(array, heapOffset + index, value);
    } else {
      ADDRESS_SPACE.set(LONG, address + index, value);
    }
  }

  private byte byteAt(int index) {
    byte[] array = heapArray;
    return array != null ? array[heapOffset + index] : ADDRESS_SPACE.get(BYTE, address + index);
  }

  private void setByteAt(int index, byte value) {
    byte[] array = heapArray;
    if (array != null) {
      array[heapOffset + index] = value;
    } else {
      ADDRESS_SPACE.set(BYTE, address + index, value);
    }
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

  /**
   * The array index of byte {@code index} of a heap segment, after checking that its {@code
   * width} bytes lie inside the segment and that the segment was not freed.
   */
  private int heapIndex(int index, int width) {
    checkAccess(index, width);
    return heapOffset + index;
  }

  /** The address of byte {@code index} of an off-heap segment, checked as {@link #heapIndex}. */
  private long nativeIndex(int index, int width) {
    checkAccess(index, width);
    return address + index;
  }

  private void checkAccess(int index, int width) {
    try {
      Objects.checkIndex(index, limit - width + 1);
    } catch (IndexOutOfBoundsException e) {
      throw accessFailure(index, width);
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
