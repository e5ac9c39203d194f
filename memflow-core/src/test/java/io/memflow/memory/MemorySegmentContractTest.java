package io.memflow.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.BufferOverflowException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.IntFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The contract every {@link MemorySegment} keeps, whatever its kind and however it was made.
 * Each subclass supplies one way of creating segments; the tests free every segment they make
 * and check that off-heap memory in use is back where it started.
 */
abstract class MemorySegmentContractTest {

  static final int SIZE = 256;

  private final List<MemorySegment> created = new ArrayList<>();
  private final Random random = new Random(42);
  private long offHeapAtStart;

  /** Creates a segment of {@code size} bytes of the kind under test, owned by {@code owner}. */
  abstract MemorySegment create(int size, Object owner);

  /** The kind the subclass's segments are. */
  abstract MemoryType expectedType();

  /** Whether new segments of this kind are all zeros. */
  boolean startsZeroed() {
    return true;
  }

  @BeforeEach
  void recordOffHeap() {
    offHeapAtStart = MemorySegments.offHeapBytesInUse();
  }

  @AfterEach
  void freeEverythingAndCheckNoLeak() {
    for (MemorySegment s : created) {
      if (!s.isFreed()) {
        s.free();
      }
    }
    assertThat(MemorySegments.offHeapBytesInUse()).isEqualTo(offHeapAtStart);
  }

  MemorySegment segment(int size) {
    MemorySegment s = create(size, "test-owner");
    created.add(s);
    return s;
  }

  MemorySegment segment() {
    return segment(SIZE);
  }

  /** Every way there is to make a segment, for cross-kind copies. */
  List<IntFunction<MemorySegment>> allKinds() {
    List<IntFunction<MemorySegment>> kinds =
        List.of(
            MemorySegments::allocateHeap,
            MemorySegments::allocateOffHeap,
            n -> MemorySegments.wrap(new byte[n + 7], 5, n, null),
            n -> MemorySegments.wrap(ByteBuffer.allocateDirect(n)));
    List<IntFunction<MemorySegment>> tracked = new ArrayList<>();
    for (IntFunction<MemorySegment> k : kinds) {
      tracked.add(
          n -> {
            MemorySegment s = k.apply(n);
            created.add(s);
            return s;
          });
    }
    return tracked;
  }

  static List<TypedAccessor> accessors() {
    return TypedAccessor.all();
  }

  // ------------------------------------------------------------------ basics

  @Test
  void reportsSizeTypeAndOwner() {
    MemorySegment s = segment(100);
    assertThat(s.size()).isEqualTo(100);
    assertThat(s.type()).isEqualTo(expectedType());
    assertThat(s.isOffHeap()).isEqualTo(expectedType() == MemoryType.OFF_HEAP);
    assertThat(s.owner()).isEqualTo("test-owner");
    assertThat(s.isFreed()).isFalse();
    assertThat(s.toString()).contains("100 bytes").contains("test-owner");
  }

  @Test
  void newSegmentsOfZeroedKindsReadZero() {
    if (!startsZeroed()) {
      return;
    }
    MemorySegment s = segment();
    byte[] all = new byte[SIZE];
    s.get(0, all);
    assertThat(all).containsOnly(0);
  }

  @Test
  void heapArrayIsSharedForHeapSegmentsAndRefusedOffHeap() {
    MemorySegment s = segment();
    if (expectedType() == MemoryType.HEAP) {
      s.put(3, (byte) 77);
      assertThat(s.heapArray()[s.heapArrayOffset() + 3]).isEqualTo((byte) 77);
    } else {
      assertThatThrownBy(s::heapArray)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("off-heap");
    }
  }

  // ------------------------------------------------------------------ typed access

  @Test
  void everyTypedAccessorIsCovered() {
    // byte, boolean, and six types in three byte orders each
    assertThat(accessors()).hasSize(2 + 6 * 3);
  }

  @ParameterizedTest
  @MethodSource("accessors")
  void typedWritesProduceTheReferenceEncodingAtEveryOffset(TypedAccessor a) {
    MemorySegment s = segment(64);
    for (int index = 0; index + a.width() <= 64; index++) {
      Object value = a.randomValue(random);
      a.put(s, index, value);
      byte[] actual = new byte[a.width()];
      s.get(index, actual);
      assertThat(actual).as("%s at %d", a, index).isEqualTo(a.referenceBytes(value));
    }
  }

  @ParameterizedTest
  @MethodSource("accessors")
  void typedReadsDecodeTheReferenceEncodingAtEveryOffset(TypedAccessor a) {
    MemorySegment s = segment(64);
    byte[] bytes = new byte[64];
    random.nextBytes(bytes);
    s.put(0, bytes);
    for (int index = 0; index + a.width() <= 64; index++) {
      byte[] expected = Arrays.copyOfRange(bytes, index, index + a.width());
      Object expectedValue = a.referenceValue(expected);
      Object actual = a.get(s, index);
      if (expectedValue instanceof Float f) {
        assertThat(Float.floatToRawIntBits((Float) actual)).isEqualTo(Float.floatToRawIntBits(f));
      } else if (expectedValue instanceof Double d) {
        assertThat(Double.doubleToRawLongBits((Double) actual)).isEqualTo(Double.doubleToRawLongBits(d));
      } else {
        assertThat(actual).as("%s at %d", a, index).isEqualTo(expectedValue);
      }
    }
  }

  @ParameterizedTest
  @MethodSource("accessors")
  void typedAccessAtTheLastValidIndexWorksAndOnePastFails(TypedAccessor a) {
    MemorySegment s = segment(SIZE);
    int last = SIZE - a.width();
    Object value = a.randomValue(random);
    a.put(s, last, value);
    assertThat(a.get(s, last)).isEqualTo(value);
    for (int bad : new int[] {last + 1, SIZE, -1, Integer.MIN_VALUE, Integer.MAX_VALUE}) {
      assertThatThrownBy(() -> a.get(s, bad))
          .isInstanceOf(IndexOutOfBoundsException.class)
          .hasMessageContaining("index=" + bad + " length=" + a.width() + " size=" + SIZE);
      assertThatThrownBy(() -> a.put(s, bad, value))
          .isInstanceOf(IndexOutOfBoundsException.class)
          .hasMessageContaining("index=" + bad + " length=" + a.width() + " size=" + SIZE);
    }
  }

  @ParameterizedTest
  @MethodSource("accessors")
  void typedAccessAfterFreeFailsNamingTheSegment(TypedAccessor a) {
    MemorySegment s = segment();
    Object value = a.randomValue(random);
    s.free();
    assertThatThrownBy(() -> a.get(s, 0))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("use after free")
        .hasMessageContaining("test-owner");
    assertThatThrownBy(() -> a.put(s, 0, value)).isInstanceOf(IllegalStateException.class);
    // out-of-range access on a freed segment reports the free, which is the real problem
    assertThatThrownBy(() -> a.get(s, SIZE + 10)).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void booleanReadsAnyNonZeroByteAsTrue() {
    MemorySegment s = segment();
    s.put(0, (byte) 0x80);
    s.put(1, (byte) 0);
    assertThat(s.getBoolean(0)).isTrue();
    assertThat(s.getBoolean(1)).isFalse();
    s.putBoolean(2, true);
    assertThat(s.get(2)).isEqualTo((byte) 1);
  }

  @Test
  void explicitOrdersAreByteReversalsOfEachOther() {
    MemorySegment s = segment();
    s.putLongBigEndian(0, 0x0102030405060708L);
    assertThat(s.getLongLittleEndian(0)).isEqualTo(0x0807060504030201L);
    s.putIntLittleEndian(8, 0x0A0B0C0D);
    assertThat(s.get(8)).isEqualTo((byte) 0x0D);
    assertThat(s.getIntBigEndian(8)).isEqualTo(0x0D0C0B0A);
  }

  // ------------------------------------------------------------------ bulk with arrays

  @Test
  void bulkArrayTransfersRoundTripWithOffsets() {
    MemorySegment s = segment();
    byte[] src = randomBytes(100);
    s.put(17, src, 10, 80);
    byte[] dst = new byte[100];
    s.get(17, dst, 5, 80);
    assertThat(Arrays.copyOfRange(dst, 5, 85)).isEqualTo(Arrays.copyOfRange(src, 10, 90));
    s.put(0, src);
    byte[] whole = new byte[100];
    s.get(0, whole);
    assertThat(whole).isEqualTo(src);
  }

  @Test
  void bulkArrayTransfersCheckBothSides() {
    MemorySegment s = segment();
    assertThatThrownBy(() -> s.get(SIZE - 10, new byte[11]))
        .isInstanceOf(IndexOutOfBoundsException.class)
        .hasMessageContaining("index=" + (SIZE - 10) + " length=11 size=" + SIZE);
    assertThatThrownBy(() -> s.put(-1, new byte[1])).isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> s.get(0, new byte[10], 5, 6))
        .isInstanceOf(IndexOutOfBoundsException.class)
        .hasMessage("array offset=5 length=6 array length=10");
    assertThatThrownBy(() -> s.put(0, new byte[10], -1, 2))
        .isInstanceOf(IndexOutOfBoundsException.class)
        .hasMessage("array offset=-1 length=2 array length=10");
    assertThatThrownBy(() -> s.get(0, new byte[10], 0, -1))
        .isInstanceOf(IndexOutOfBoundsException.class)
        .hasMessageContaining("length=-1");
    s.get(SIZE, new byte[0]); // an empty range at the end is fine
  }

  // ------------------------------------------------------------------ ByteBuffers

  @Test
  void byteBufferTransfersUseAndAdvanceThePosition() {
    for (ByteBuffer buffer : List.of(ByteBuffer.allocate(64), ByteBuffer.allocateDirect(64))) {
      MemorySegment s = segment();
      byte[] data = randomBytes(64);
      buffer.clear().put(data).position(4);
      s.put(30, buffer, 20);
      assertThat(buffer.position()).isEqualTo(24);
      buffer.clear().position(40);
      s.get(30, buffer, 20);
      assertThat(buffer.position()).isEqualTo(60);
      byte[] back = new byte[20];
      buffer.get(40, back);
      assertThat(back).isEqualTo(Arrays.copyOfRange(data, 4, 24));
    }
  }

  @Test
  void byteBufferTransfersRefuseTooFewRemainingBytesAndCopyNothing() {
    MemorySegment s = segment();
    ByteBuffer small = ByteBuffer.allocate(8);
    assertThatThrownBy(() -> s.get(0, small, 9)).isInstanceOf(BufferOverflowException.class);
    assertThat(small.position()).isZero();
    assertThatThrownBy(() -> s.put(0, small, 9)).isInstanceOf(BufferUnderflowException.class);
    assertThat(small.position()).isZero();
    assertThatThrownBy(() -> s.get(0, small.asReadOnlyBuffer(), 1)).isInstanceOf(ReadOnlyBufferException.class);
  }

  @Test
  void byteBufferViewSharesTheBytesOfItsRange() {
    MemorySegment s = segment();
    ByteBuffer view = s.asByteBuffer(10, 20);
    assertThat(view.position()).isZero();
    assertThat(view.remaining()).isEqualTo(20);
    assertThat(view.isDirect()).isEqualTo(s.isOffHeap());
    view.put(0, (byte) 9);
    assertThat(s.get(10)).isEqualTo((byte) 9);
    s.put(29, (byte) 4);
    assertThat(view.get(19)).isEqualTo((byte) 4);
    assertThatThrownBy(() -> s.asByteBuffer(SIZE - 5, 6)).isInstanceOf(IndexOutOfBoundsException.class);
  }

  // ------------------------------------------------------------------ streams

  @Test
  void streamTransfersRoundTripAnyLength() throws IOException {
    for (int length : new int[] {0, 1, 7, 8, 9, 63, 200}) {
      MemorySegment s = segment();
      byte[] data = randomBytes(length);
      s.put(new DataInputStream(new ByteArrayInputStream(data)), 3, length);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      s.get(new DataOutputStream(out), 3, length);
      assertThat(out.toByteArray()).as("length %d", length).isEqualTo(data);
    }
  }

  @Test
  void streamReadPastItsEndFails() {
    MemorySegment s = segment();
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(new byte[5]));
    assertThatThrownBy(() -> s.put(in, 0, 6)).isInstanceOf(EOFException.class);
  }

  // ------------------------------------------------------------------ segment to segment

  @Test
  void copiesToAndFromEveryOtherKind() {
    byte[] data = randomBytes(SIZE);
    for (IntFunction<MemorySegment> kind : allKinds()) {
      MemorySegment mine = segment();
      MemorySegment other = kind.apply(SIZE);
      mine.put(0, data);
      mine.copyTo(10, other, 20, 200);
      MemorySegment back = segment();
      other.copyTo(20, back, 0, 200);
      byte[] result = new byte[200];
      back.get(0, result);
      assertThat(result).as("via %s", other).isEqualTo(Arrays.copyOfRange(data, 10, 210));
    }
  }

  @Test
  void copyWithinOneSegmentHandlesOverlap() {
    MemorySegment s = segment();
    byte[] data = randomBytes(SIZE);
    s.put(0, data);
    s.copyTo(0, s, 8, 100);
    byte[] result = new byte[100];
    s.get(8, result);
    assertThat(result).isEqualTo(Arrays.copyOfRange(data, 0, 100));
  }

  @Test
  void copyChecksBothSegments() {
    MemorySegment a = segment();
    MemorySegment b = segment(16);
    assertThatThrownBy(() -> a.copyTo(0, b, 0, 17))
        .isInstanceOf(IndexOutOfBoundsException.class)
        .hasMessageContaining("index=0 length=17 size=16");
    b.free();
    assertThatThrownBy(() -> a.copyTo(0, b, 0, 1)).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void fillSetsExactlyTheRange() {
    MemorySegment s = segment();
    s.fill(0, SIZE, (byte) 1);
    s.fill(5, 10, (byte) 7);
    assertThat(s.get(4)).isEqualTo((byte) 1);
    assertThat(s.get(5)).isEqualTo((byte) 7);
    assertThat(s.get(14)).isEqualTo((byte) 7);
    assertThat(s.get(15)).isEqualTo((byte) 1);
  }

  @Test
  void swapExchangesRangesAcrossKinds() {
    for (IntFunction<MemorySegment> kind : allKinds()) {
      for (int length : new int[] {0, 3, 16, 37}) {
        MemorySegment a = segment();
        MemorySegment b = kind.apply(SIZE);
        byte[] x = randomBytes(SIZE);
        byte[] y = randomBytes(SIZE);
        a.put(0, x);
        b.put(0, y);
        a.swapBytes(b, 11, 50, length);
        assertThat(bytes(a, 11, length)).isEqualTo(Arrays.copyOfRange(y, 50, 50 + length));
        assertThat(bytes(b, 50, length)).isEqualTo(Arrays.copyOfRange(x, 11, 11 + length));
        assertThat(bytes(a, 0, 11)).isEqualTo(Arrays.copyOfRange(x, 0, 11));
        assertThat(bytes(a, 11 + length, 20)).isEqualTo(Arrays.copyOfRange(x, 11 + length, 31 + length));
      }
    }
  }

  @Test
  void compareIsUnsignedAndLexicographic() {
    MemorySegment a = segment();
    MemorySegment b = segment();
    a.put(0, new byte[] {1, 2, 3, (byte) 0x80});
    b.put(0, new byte[] {1, 2, 3, 0x7F});
    assertThat(a.compare(b, 0, 0, 4)).isPositive();
    assertThat(b.compare(a, 0, 0, 4)).isNegative();
    assertThat(a.compare(b, 0, 0, 3)).isZero();
    assertThat(a.compare(a, 0, 0, 4, 3)).isPositive();
    assertThat(a.compare(a, 0, 0, 3, 4)).isNegative();
    assertThat(a.equalTo(b, 0, 0, 3)).isTrue();
    assertThat(a.equalTo(b, 0, 0, 4)).isFalse();
  }

  @Test
  void compareAndEqualToAgreeWithArraysAcrossKindsAndLengths() {
    for (IntFunction<MemorySegment> kind : allKinds()) {
      MemorySegment a = segment();
      MemorySegment b = kind.apply(SIZE);
      for (int round = 0; round < 400; round++) {
        int length = random.nextInt(SIZE - 20);
        byte[] x = randomBytes(length);
        byte[] y = x.clone();
        if (length > 0 && random.nextInt(4) != 0) {
          // one differing byte anywhere, often late so the word and vector paths get past it
          int at = random.nextBoolean() ? random.nextInt(length) : length - 1 - random.nextInt(Math.min(length, 9));
          y[at] = (byte) random.nextInt();
        }
        a.put(2, x);
        b.put(3, y);
        int expected = Arrays.compareUnsigned(x, y);
        assertThat(Integer.signum(a.compare(b, 2, 3, length)))
            .as("length %d", length)
            .isEqualTo(Integer.signum(expected));
        assertThat(Integer.signum(b.compare(a, 3, 2, length))).isEqualTo(-Integer.signum(expected));
        assertThat(a.equalTo(b, 2, 3, length)).isEqualTo(expected == 0);
      }
    }
  }

  @Test
  void compareChecksBounds() {
    MemorySegment a = segment();
    MemorySegment b = segment(8);
    assertThatThrownBy(() -> a.compare(b, 0, 0, 9))
        .isInstanceOf(IndexOutOfBoundsException.class)
        .hasMessageContaining("index=0 length=9 size=8");
    assertThatThrownBy(() -> a.equalTo(b, 0, 1, 8)).isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> b.swapBytes(a, 4, 0, 5)).isInstanceOf(IndexOutOfBoundsException.class);
  }

  // ------------------------------------------------------------------ lifetime

  @Test
  void freeingTwiceIsDetected() {
    MemorySegment s = segment();
    s.free();
    assertThat(s.isFreed()).isTrue();
    assertThat(s.toString()).contains("freed");
    assertThatThrownBy(s::free)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("double free")
        .hasMessageContaining("test-owner");
  }

  @Test
  void bulkOperationsAfterFreeFailEvenForEmptyRanges() {
    MemorySegment s = segment();
    MemorySegment other = segment();
    s.free();
    List<Runnable> operations =
        List.of(
            () -> s.get(0, new byte[0]),
            () -> s.put(0, new byte[4]),
            () -> s.get(0, ByteBuffer.allocate(4), 0),
            () -> s.put(0, ByteBuffer.allocate(4), 4),
            () -> s.asByteBuffer(0, 0),
            () -> s.copyTo(0, other, 0, 0),
            () -> other.copyTo(0, s, 0, 1),
            () -> s.fill(0, 1, (byte) 0),
            () -> s.swapBytes(other, 0, 0, 8),
            () -> s.compare(other, 0, 0, 8),
            () -> other.compare(s, 0, 0, 100),
            () -> s.equalTo(other, 0, 0, 8),
            s::heapArray);
    for (Runnable op : operations) {
      assertThatThrownBy(op::run).isInstanceOf(IllegalStateException.class).hasMessageContaining("use after free");
    }
    assertThatThrownBy(() -> s.get(new DataOutputStream(new ByteArrayOutputStream()), 0, 0))
        .isInstanceOf(IllegalStateException.class);
  }

  // ------------------------------------------------------------------ helpers

  byte[] randomBytes(int n) {
    byte[] b = new byte[n];
    random.nextBytes(b);
    return b;
  }

  static byte[] bytes(MemorySegment s, int index, int length) {
    byte[] b = new byte[length];
    s.get(index, b);
    return b;
  }
}
