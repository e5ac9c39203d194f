package io.memflow.memory.view;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.HexFormat;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

class VarIntsTest {

  private static final HexFormat HEX = HexFormat.ofDelimiter(" ").withUpperCase();

  @Example
  void intsHaveTheDocumentedEncodings() throws IOException {
    assertThat(encodeInt(0)).isEqualTo("00");
    assertThat(encodeInt(1)).isEqualTo("01");
    assertThat(encodeInt(127)).isEqualTo("7F");
    assertThat(encodeInt(128)).isEqualTo("80 01");
    assertThat(encodeInt(300)).isEqualTo("AC 02");
    assertThat(encodeInt(16_383)).isEqualTo("FF 7F");
    assertThat(encodeInt(16_384)).isEqualTo("80 80 01");
    assertThat(encodeInt(Integer.MAX_VALUE)).isEqualTo("FF FF FF FF 07");
    assertThat(encodeInt(-1)).isEqualTo("FF FF FF FF 0F");
    assertThat(encodeInt(Integer.MIN_VALUE)).isEqualTo("80 80 80 80 08");
  }

  @Example
  void longsHaveTheDocumentedEncodings() throws IOException {
    assertThat(encodeLong(0)).isEqualTo("00");
    assertThat(encodeLong(300)).isEqualTo("AC 02");
    assertThat(encodeLong(1L << 35)).isEqualTo("80 80 80 80 80 01");
    assertThat(encodeLong(Long.MAX_VALUE)).isEqualTo("FF FF FF FF FF FF FF FF 7F");
    assertThat(encodeLong(-1)).isEqualTo("FF FF FF FF FF FF FF FF FF 01");
    assertThat(encodeLong(Long.MIN_VALUE)).isEqualTo("80 80 80 80 80 80 80 80 80 01");
  }

  @Example
  void zigZagMapsSmallMagnitudesToSmallValues() {
    int[][] pairs = {{0, 0}, {-1, 1}, {1, 2}, {-2, 3}, {2, 4}, {Integer.MAX_VALUE, -2}, {Integer.MIN_VALUE, -1}};
    for (int[] pair : pairs) {
      assertThat(VarInts.zigZagEncodeInt(pair[0])).isEqualTo(pair[1]);
      assertThat(VarInts.zigZagDecodeInt(pair[1])).isEqualTo(pair[0]);
      assertThat(VarInts.zigZagEncodeLong(pair[0])).isEqualTo(pair[0] == Integer.MIN_VALUE ? 0xFFFF_FFFFL : Integer.toUnsignedLong(pair[1]));
    }
    assertThat(VarInts.zigZagEncodeLong(Long.MIN_VALUE)).isEqualTo(-1L);
    assertThat(VarInts.zigZagEncodeLong(Long.MAX_VALUE)).isEqualTo(-2L);
  }

  @Property(tries = 500)
  void intsRoundTripInTheSizeSizeOfPredicts(@ForAll int value) throws IOException {
    byte[] bytes = bytesOfInt(value);
    assertThat(bytes).hasSize(VarInts.sizeOfUnsignedInt(value));
    assertThat(VarInts.readUnsignedInt(in(bytes))).isEqualTo(value);
    assertThat(VarInts.zigZagDecodeInt(VarInts.zigZagEncodeInt(value))).isEqualTo(value);
  }

  @Property(tries = 500)
  void longsRoundTripInTheSizeSizeOfPredicts(@ForAll long value) throws IOException {
    byte[] bytes = bytesOfLong(value);
    assertThat(bytes).hasSize(VarInts.sizeOfUnsignedLong(value));
    assertThat(VarInts.readUnsignedLong(in(bytes))).isEqualTo(value);
    assertThat(VarInts.zigZagDecodeLong(VarInts.zigZagEncodeLong(value))).isEqualTo(value);
  }

  @Example
  void sizesAtEveryBoundary() throws IOException {
    for (int value : Op.varIntBoundaries()) {
      assertThat(VarInts.sizeOfUnsignedInt(value)).as("int %d", value).isEqualTo(bytesOfInt(value).length);
    }
    for (long value : Op.varLongBoundaries()) {
      assertThat(VarInts.sizeOfUnsignedLong(value)).as("long %d", value).isEqualTo(bytesOfLong(value).length);
    }
    assertThat(VarInts.sizeOfUnsignedInt(127)).isEqualTo(1);
    assertThat(VarInts.sizeOfUnsignedInt(128)).isEqualTo(2);
    assertThat(VarInts.sizeOfUnsignedInt(-1)).isEqualTo(VarInts.MAX_INT_BYTES);
    assertThat(VarInts.sizeOfUnsignedLong(-1)).isEqualTo(VarInts.MAX_LONG_BYTES);
  }

  @Example
  void nonMinimalEncodingsAreAccepted() throws IOException {
    assertThat(VarInts.readUnsignedInt(in(new byte[] {(byte) 0x80, 0x00}))).isZero();
    assertThat(VarInts.readUnsignedInt(in(new byte[] {(byte) 0x81, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x00}))).isEqualTo(1);
  }

  @Example
  void valuesThatDoNotFitAreRejected() {
    byte[] sixByteInt = {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x00};
    assertThatThrownBy(() -> VarInts.readUnsignedInt(in(sixByteInt))).isInstanceOf(IOException.class)
        .hasMessage("malformed varint int: byte 5 is 0x80, must be at most 0xf (more bytes or bits than a int holds)");
    byte[] thirtyThreeBits = {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x1F};
    assertThatThrownBy(() -> VarInts.readUnsignedInt(in(thirtyThreeBits))).isInstanceOf(IOException.class)
        .hasMessageContaining("byte 5 is 0x1f");
    byte[] sixtyFiveBits = new byte[10];
    java.util.Arrays.fill(sixtyFiveBits, (byte) 0xFF);
    sixtyFiveBits[9] = 0x03;
    assertThatThrownBy(() -> VarInts.readUnsignedLong(in(sixtyFiveBits))).isInstanceOf(IOException.class)
        .hasMessageContaining("malformed varint long: byte 10 is 0x3, must be at most 0x1");
  }

  @Example
  void anInputEndingInsideAValueFailsWithEof() {
    assertThatThrownBy(() -> VarInts.readUnsignedInt(in(new byte[] {(byte) 0x80}))).isInstanceOf(EOFException.class);
    assertThatThrownBy(() -> VarInts.readUnsignedLong(in(new byte[] {}))).isInstanceOf(EOFException.class);
  }

  // ---------------------------------------------------------------- helpers

  private static DataInputStream in(byte[] bytes) {
    return new DataInputStream(new ByteArrayInputStream(bytes));
  }

  private static byte[] bytesOfInt(int value) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    VarInts.writeUnsignedInt(new DataOutputStream(bytes), value);
    return bytes.toByteArray();
  }

  private static byte[] bytesOfLong(long value) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    VarInts.writeUnsignedLong(new DataOutputStream(bytes), value);
    return bytes.toByteArray();
  }

  private static String encodeInt(int value) throws IOException {
    return HEX.formatHex(bytesOfInt(value));
  }

  private static String encodeLong(long value) throws IOException {
    return HEX.formatHex(bytesOfLong(value));
  }
}
