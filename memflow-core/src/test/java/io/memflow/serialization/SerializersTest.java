package io.memflow.serialization;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.memflow.memory.MemorySegment;
import io.memflow.memory.MemorySegments;
import io.memflow.memory.view.SeekableInputView;
import io.memflow.memory.view.SeekableOutputView;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterTry;

/**
 * Every built-in serializer: round trip and copy of random values through paged views over
 * small heap and off-heap pages, fixed lengths, byte layouts, nulls.
 */
class SerializersTest {

  private static final HexFormat HEX = HexFormat.ofDelimiter(" ").withUpperCase();

  private final List<MemorySegment> pages = new ArrayList<>();
  private final long offHeapBefore = MemorySegments.offHeapBytesInUse();

  @AfterTry
  void freePagesAndCheckForLeaks() {
    pages.forEach(MemorySegment::free);
    pages.clear();
    assertThat(MemorySegments.offHeapBytesInUse()).isEqualTo(offHeapBefore);
  }

  /** A serializer with values for it (nulls where it supports them). */
  record Case<T>(TypeSerializer<T> serializer, List<T> values) {
    @Override
    public String toString() {
      return serializer + " x " + values.size();
    }
  }

  @Provide
  Arbitrary<Case<?>> cases() {
    Arbitrary<String> strings = Arbitraries.oneOf(
        Arbitraries.strings().all().ofMaxLength(30), Arbitraries.strings().ascii().ofMaxLength(30));
    return Arbitraries.oneOf(List.of(
        caseOf(Serializers.BOOLEAN, Arbitraries.of(true, false)),
        caseOf(Serializers.BYTE, Arbitraries.bytes()),
        caseOf(Serializers.SHORT, Arbitraries.shorts()),
        caseOf(Serializers.CHAR, Arbitraries.chars()),
        caseOf(Serializers.INT, Arbitraries.integers()),
        caseOf(Serializers.LONG, Arbitraries.longs()),
        caseOf(Serializers.FLOAT, Arbitraries.oneOf(Arbitraries.floats(), Arbitraries.of(Float.NaN, -0.0f, Float.MIN_VALUE))),
        caseOf(Serializers.DOUBLE, Arbitraries.oneOf(Arbitraries.doubles(), Arbitraries.of(Double.NaN, -0.0, Double.MAX_VALUE))),
        caseOf(Serializers.STRING, strings.injectNull(0.1)),
        caseOf(Serializers.BYTE_ARRAY, Arbitraries.bytes().array(byte[].class).ofMaxSize(70).injectNull(0.1))));
  }

  private static <T> Arbitrary<Case<?>> caseOf(TypeSerializer<T> serializer, Arbitrary<T> values) {
    return values.list().ofMaxSize(40).map(list -> new Case<>(serializer, list));
  }

  @Property(tries = 400)
  void valuesRoundTripAndCopyByteForByte(
      @ForAll("cases") Case<?> c, @ForAll @IntRange(min = 16, max = 64) int pageSize, @ForAll boolean offHeap)
      throws IOException {
    roundTripAndCopy(c, pageSize, offHeap);
  }

  private <T> void roundTripAndCopy(Case<T> c, int pageSize, boolean offHeap) throws IOException {
    TypeSerializer<T> serializer = c.serializer();
    SeekableOutputView out = output(pageSize, offHeap);
    for (T value : c.values()) {
      long before = out.getWritePosition();
      serializer.serialize(value, out);
      if (serializer.getLength() >= 0) {
        assertThat(out.getWritePosition() - before).isEqualTo(serializer.getLength());
      }
    }
    long size = out.getWritePosition();
    SeekableInputView in = out.toInputView(size);
    for (T value : c.values()) {
      assertThat(serializer.deserialize(in)).isEqualTo(value);
    }
    assertThat(in.remaining()).isZero();

    in.setReadPosition(0);
    SeekableOutputView copy = output(pageSize + 3, !offHeap);
    for (int i = 0; i < c.values().size(); i++) {
      serializer.copy(in, copy);
    }
    assertThat(copy.getWritePosition()).isEqualTo(size);
    assertThat(bytes(copy.toInputView(size))).isEqualTo(bytes(out.toInputView(size)));
  }

  @Example
  void fixedLengthsAreThoseOfTheJavaPrimitives() {
    assertThat(Serializers.BOOLEAN.getLength()).isEqualTo(1);
    assertThat(Serializers.BYTE.getLength()).isEqualTo(1);
    assertThat(Serializers.SHORT.getLength()).isEqualTo(2);
    assertThat(Serializers.CHAR.getLength()).isEqualTo(2);
    assertThat(Serializers.INT.getLength()).isEqualTo(4);
    assertThat(Serializers.FLOAT.getLength()).isEqualTo(4);
    assertThat(Serializers.LONG.getLength()).isEqualTo(8);
    assertThat(Serializers.DOUBLE.getLength()).isEqualTo(8);
    assertThat(Serializers.STRING.getLength()).isEqualTo(-1);
    assertThat(Serializers.BYTE_ARRAY.getLength()).isEqualTo(-1);
  }

  @Example
  void primitivesHaveTheBytesOfDataOutputStream() throws IOException {
    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    DataOutputStream reference = new DataOutputStream(expected);
    reference.writeBoolean(true);
    reference.writeByte(-2);
    reference.writeShort(-3);
    reference.writeChar('\u20ac');
    reference.writeInt(0x01020304);
    reference.writeLong(-5L);
    reference.writeFloat(Float.intBitsToFloat(0x7FC00001)); // a NaN with a payload
    reference.writeDouble(-0.0);
    SeekableOutputView out = output(16, true);
    Serializers.BOOLEAN.serialize(true, out);
    Serializers.BYTE.serialize((byte) -2, out);
    Serializers.SHORT.serialize((short) -3, out);
    Serializers.CHAR.serialize('\u20ac', out);
    Serializers.INT.serialize(0x01020304, out);
    Serializers.LONG.serialize(-5L, out);
    Serializers.FLOAT.serialize(Float.intBitsToFloat(0x7FC00001), out);
    Serializers.DOUBLE.serialize(-0.0, out);
    assertThat(bytes(out.toInputView(out.getWritePosition()))).isEqualTo(expected.toByteArray());
  }

  @Example
  void variableLengthLayouts() throws IOException {
    assertThat(hex(Serializers.STRING, "\u00e9")).isEqualTo("03 C3 A9");
    assertThat(hex(Serializers.STRING, null)).isEqualTo("00");
    assertThat(hex(Serializers.BYTE_ARRAY, new byte[] {7, 8})).isEqualTo("03 07 08");
    assertThat(hex(Serializers.BYTE_ARRAY, new byte[0])).isEqualTo("01");
    assertThat(hex(Serializers.BYTE_ARRAY, null)).isEqualTo("00");
    assertThat(hex(Serializers.BYTE_ARRAY, new byte[200])).startsWith("C9 01 00 00");
  }

  @Example
  void primitivesRejectNull() {
    SeekableOutputView out = output(16, false);
    assertThatThrownBy(() -> Serializers.INT.serialize(null, out)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> Serializers.BOOLEAN.serialize(null, out)).isInstanceOf(NullPointerException.class);
    assertThat(out.getWritePosition()).isZero();
  }

  @Example
  void byteArraysAreReadIntoReuseOnlyWhenTheLengthMatches() throws IOException {
    SeekableOutputView out = output(16, false);
    Serializers.BYTE_ARRAY.serialize(new byte[] {1, 2, 3}, out);
    Serializers.BYTE_ARRAY.serialize(new byte[] {4, 5}, out);
    Serializers.BYTE_ARRAY.serialize(null, out);
    SeekableInputView in = out.toInputView(out.getWritePosition());
    byte[] reuse = new byte[3];
    byte[] first = Serializers.BYTE_ARRAY.deserialize(reuse, in);
    assertThat(first).isSameAs(reuse).containsExactly(1, 2, 3);
    byte[] second = Serializers.BYTE_ARRAY.deserialize(reuse, in);
    assertThat(second).isNotSameAs(reuse).containsExactly(4, 5);
    assertThat(reuse).containsExactly(1, 2, 3);
    assertThat(Serializers.BYTE_ARRAY.deserialize(second, in)).isNull();
  }

  @Example
  void aTruncatedValueFailsWithEof() throws IOException {
    SeekableOutputView out = output(16, false);
    Serializers.BYTE_ARRAY.serialize(new byte[20], out);
    SeekableInputView in = out.toInputView(out.getWritePosition() - 1);
    assertThatThrownBy(() -> Serializers.BYTE_ARRAY.deserialize(in)).isInstanceOf(EOFException.class);
    SeekableInputView shortInt = out.toInputView(3);
    assertThatThrownBy(() -> Serializers.INT.deserialize(shortInt)).isInstanceOf(EOFException.class);
  }

  @Example
  void aCorruptLengthPrefixIsReported() throws IOException {
    SeekableOutputView out = output(16, false);
    out.writeVarInt(-1);
    SeekableInputView in = out.toInputView(out.getWritePosition());
    assertThatThrownBy(() -> Serializers.BYTE_ARRAY.deserialize(in)).isInstanceOf(IOException.class)
        .hasMessage("malformed byte[] length prefix=4294967295, at most 2147483647");
  }

  @Example
  void serializersNameThemselves() {
    assertThat(Serializers.INT).hasToString("Serializers.INT");
    assertThat(Serializers.STRING).hasToString("Serializers.STRING");
    assertThat(Serializers.BYTE_ARRAY).hasToString("Serializers.BYTE_ARRAY");
  }

  // ---------------------------------------------------------------- helpers

  private SeekableOutputView output(int pageSize, boolean offHeap) {
    return new SeekableOutputView(pageSize, () -> {
      MemorySegment page = offHeap ? MemorySegments.allocateOffHeap(pageSize) : MemorySegments.allocateHeap(pageSize);
      pages.add(page);
      return page;
    });
  }

  private static byte[] bytes(SeekableInputView in) throws IOException {
    byte[] b = new byte[(int) in.size()];
    in.readFully(b);
    return b;
  }

  private <T> String hex(TypeSerializer<T> serializer, T value) throws IOException {
    SeekableOutputView out = output(16, false);
    serializer.serialize(value, out);
    String hex = HEX.formatHex(bytes(out.toInputView(out.getWritePosition())));
    pages.forEach(MemorySegment::free);
    pages.clear();
    return hex;
  }
}
