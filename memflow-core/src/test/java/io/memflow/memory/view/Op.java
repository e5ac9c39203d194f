package io.memflow.memory.view;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataOutput;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;

/**
 * One value written to a view, the same value written to a reference {@link DataOutput} (a
 * {@link java.io.DataOutputStream}), and the check that reads it back from an input view.
 */
record Op(String description, Write<DataOutputView> write, Write<DataOutput> reference, Write<DataInputView> check) {

  @FunctionalInterface
  interface Write<T> {
    void apply(T target) throws IOException;
  }

  /** An op whose view write and reference write are the same {@link DataOutput} call. */
  static Op same(String description, Write<DataOutput> write, Write<DataInputView> check) {
    return new Op(description, write::apply, write, check);
  }

  @Override
  public String toString() {
    return description;
  }

  // ---------------------------------------------------------------- the ops

  static Op ofBoolean(boolean v) {
    return same("boolean " + v, o -> o.writeBoolean(v), i -> assertThat(i.readBoolean()).isEqualTo(v));
  }

  static Op ofByte(byte v) {
    return same("byte " + v, o -> o.writeByte(v), i -> assertThat(i.readByte()).isEqualTo(v));
  }

  static Op ofUnsignedByte(int v) {
    return same("ubyte " + v, o -> o.writeByte(v), i -> assertThat(i.readUnsignedByte()).isEqualTo(v & 0xFF));
  }

  static Op ofShort(short v) {
    return same("short " + v, o -> o.writeShort(v), i -> assertThat(i.readShort()).isEqualTo(v));
  }

  static Op ofUnsignedShort(int v) {
    return same("ushort " + v, o -> o.writeShort(v), i -> assertThat(i.readUnsignedShort()).isEqualTo(v & 0xFFFF));
  }

  static Op ofChar(char v) {
    return same("char " + (int) v, o -> o.writeChar(v), i -> assertThat(i.readChar()).isEqualTo(v));
  }

  static Op ofInt(int v) {
    return same("int " + v, o -> o.writeInt(v), i -> assertThat(i.readInt()).isEqualTo(v));
  }

  static Op ofLong(long v) {
    return same("long " + v, o -> o.writeLong(v), i -> assertThat(i.readLong()).isEqualTo(v));
  }

  static Op ofFloat(float v) {
    return same("float " + Integer.toHexString(Float.floatToRawIntBits(v)), o -> o.writeFloat(v),
        i -> assertThat(Float.floatToIntBits(i.readFloat())).isEqualTo(Float.floatToIntBits(v)));
  }

  static Op ofDouble(double v) {
    return same("double " + Long.toHexString(Double.doubleToRawLongBits(v)), o -> o.writeDouble(v),
        i -> assertThat(Double.doubleToLongBits(i.readDouble())).isEqualTo(Double.doubleToLongBits(v)));
  }

  static Op ofUtf(String s) {
    return same("utf " + escape(s), o -> o.writeUTF(s), i -> assertThat(i.readUTF()).isEqualTo(s));
  }

  static Op ofBytesString(String s) {
    return same("writeBytes " + escape(s), o -> o.writeBytes(s), i -> {
      for (int k = 0; k < s.length(); k++) {
        assertThat(i.readByte()).isEqualTo((byte) s.charAt(k));
      }
    });
  }

  static Op ofChars(String s) {
    return same("writeChars " + escape(s), o -> o.writeChars(s), i -> {
      for (int k = 0; k < s.length(); k++) {
        assertThat(i.readChar()).isEqualTo(s.charAt(k));
      }
    });
  }

  static Op ofByteArray(byte[] b) {
    return same("bytes[" + b.length + "]", o -> o.write(b), i -> {
      byte[] read = new byte[b.length];
      i.readFully(read);
      assertThat(read).isEqualTo(b);
    });
  }

  /** Written as bytes, skipped on reading (so the reader must land after them). */
  static Op ofSkipped(byte[] b) {
    return same("skipped[" + b.length + "]", o -> o.write(b), i -> i.skipBytesToRead(b.length));
  }

  static Op ofString(String s) {
    return same("string " + escape(s), o -> Utf8Strings.write(o, s), i -> assertThat(Utf8Strings.read(i)).isEqualTo(s));
  }

  static Op ofVarInt(int v) {
    return new Op("varint " + v, o -> o.writeVarInt(v), o -> VarInts.writeUnsignedInt(o, v),
        i -> assertThat(i.readVarInt()).isEqualTo(v));
  }

  static Op ofVarLong(long v) {
    return new Op("varlong " + v, o -> o.writeVarLong(v), o -> VarInts.writeUnsignedLong(o, v),
        i -> assertThat(i.readVarLong()).isEqualTo(v));
  }

  static Op ofSignedVarInt(int v) {
    return new Op("svarint " + v, o -> o.writeSignedVarInt(v),
        o -> VarInts.writeUnsignedInt(o, VarInts.zigZagEncodeInt(v)), i -> assertThat(i.readSignedVarInt()).isEqualTo(v));
  }

  static Op ofSignedVarLong(long v) {
    return new Op("svarlong " + v, o -> o.writeSignedVarLong(v),
        o -> VarInts.writeUnsignedLong(o, VarInts.zigZagEncodeLong(v)), i -> assertThat(i.readSignedVarLong()).isEqualTo(v));
  }

  static String escape(String s) {
    if (s == null) {
      return "null";
    }
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      b.append(c >= 0x20 && c < 0x7F ? String.valueOf(c) : String.format("\\u%04x", (int) c));
    }
    return b.append('"').toString();
  }

  // ---------------------------------------------------------------- generators

  /** Ints at every LEB128 length boundary, and the extremes. */
  static List<Integer> varIntBoundaries() {
    List<Integer> values = new ArrayList<>(List.of(0, 1, -1, Integer.MAX_VALUE, Integer.MIN_VALUE));
    for (int bits = 7; bits < 32; bits += 7) {
      values.addAll(List.of((1 << bits) - 1, 1 << bits, -(1 << bits), -(1 << bits) - 1));
    }
    return values;
  }

  /** Longs at every LEB128 length boundary, and the extremes. */
  static List<Long> varLongBoundaries() {
    List<Long> values = new ArrayList<>(List.of(0L, 1L, -1L, Long.MAX_VALUE, Long.MIN_VALUE));
    for (int bits = 7; bits < 64; bits += 7) {
      values.addAll(List.of((1L << bits) - 1, 1L << bits, -(1L << bits), -(1L << bits) - 1));
    }
    return values;
  }

  /** Strings of every kind of char: ASCII, Latin, CJK, surrogate pairs, lone surrogates, NUL. */
  static Arbitrary<String> strings() {
    Arbitrary<String> any = Arbitraries.strings().all().ofMaxLength(40);
    Arbitrary<String> supplementary = Arbitraries.integers().between(Character.MIN_SUPPLEMENTARY_CODE_POINT, Character.MAX_CODE_POINT)
        .list().ofMaxSize(10).map(cps -> {
          StringBuilder b = new StringBuilder();
          cps.forEach(b::appendCodePoint);
          return b.toString();
        });
    Arbitrary<String> ascii = Arbitraries.strings().ascii().ofMaxLength(60);
    Arbitrary<String> mixed = Arbitraries.strings().withChars("aé\u0000\u07ff\u0800€\uffff\ud83d\ude00\ud800\udfff").ofMaxLength(30);
    return Arbitraries.oneOf(any, supplementary, ascii, mixed, Arbitraries.just(""));
  }

  /** Strings whose UTF-16 is well-formed (no unpaired surrogates). */
  static Arbitrary<String> wellFormedStrings() {
    return strings().filter(s -> new String(s.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8).equals(s));
  }

  static Arbitrary<byte[]> byteArrays() {
    return Arbitraries.bytes().array(byte[].class).ofMaxSize(150);
  }

  /** One random op of any kind. */
  static Arbitrary<Op> any() {
    Arbitrary<Float> floats = Arbitraries.oneOf(Arbitraries.floats(), Arbitraries.integers().map(Float::intBitsToFloat));
    Arbitrary<Double> doubles = Arbitraries.oneOf(Arbitraries.doubles(), Arbitraries.longs().map(Double::longBitsToDouble));
    Arbitrary<Integer> varInts = Arbitraries.oneOf(Arbitraries.of(varIntBoundaries()), Arbitraries.integers());
    Arbitrary<Long> varLongs = Arbitraries.oneOf(Arbitraries.of(varLongBoundaries()), Arbitraries.longs());
    return Arbitraries.oneOf(List.of(
        Arbitraries.of(true, false).map(Op::ofBoolean),
        Arbitraries.bytes().map(Op::ofByte),
        Arbitraries.integers().map(Op::ofUnsignedByte),
        Arbitraries.shorts().map(Op::ofShort),
        Arbitraries.integers().map(Op::ofUnsignedShort),
        Arbitraries.chars().map(Op::ofChar),
        Arbitraries.integers().map(Op::ofInt),
        Arbitraries.longs().map(Op::ofLong),
        floats.map(Op::ofFloat),
        doubles.map(Op::ofDouble),
        strings().map(Op::ofUtf),
        strings().map(Op::ofBytesString),
        strings().map(Op::ofChars),
        strings().injectNull(0.1).map(Op::ofString),
        byteArrays().map(Op::ofByteArray),
        byteArrays().map(Op::ofSkipped),
        varInts.map(Op::ofVarInt),
        varLongs.map(Op::ofVarLong),
        varInts.map(Op::ofSignedVarInt),
        varLongs.map(Op::ofSignedVarLong)));
  }
}
