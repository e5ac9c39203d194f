package io.memflow.memory.view;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.memflow.memory.MemorySegments;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UTFDataFormatException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class Utf8StringsTest {

  private static final HexFormat HEX = HexFormat.ofDelimiter(" ").withUpperCase();

  @Provide
  Arbitrary<String> strings() {
    return Op.strings();
  }

  @Provide
  Arbitrary<String> wellFormed() {
    return Op.wellFormedStrings();
  }

  @Property(tries = 500)
  void wellFormedStringsAreTheirUtf8BytesAfterAVarintPrefix(@ForAll("wellFormed") String s) throws IOException {
    byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
    byte[] written = write(s);
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(written));
    assertThat(VarInts.readUnsignedInt(in)).isEqualTo(utf8.length + 1);
    assertThat(in.readAllBytes()).isEqualTo(utf8);
    assertThat(Utf8Strings.encodedLength(s)).isEqualTo(utf8.length);
  }

  @Property(tries = 500)
  void everyStringRoundTripsInTheLengthPredicted(@ForAll("strings") String s) throws IOException {
    byte[] written = write(s);
    assertThat(written).hasSize(Utf8Strings.serializedLength(s));
    assertThat(read(written)).isEqualTo(s);
  }

  @Example
  void nullAndEmptyHaveOneByteEach() throws IOException {
    assertThat(write(null)).containsExactly(0);
    assertThat(write("")).containsExactly(1);
    assertThat(read(new byte[] {0})).isNull();
    assertThat(read(new byte[] {1})).isEmpty();
    assertThat(Utf8Strings.serializedLength(null)).isEqualTo(1);
  }

  @Example
  void charsTakeOneToFourBytes() throws IOException {
    assertThat(HEX.formatHex(write("A\u0000"))).isEqualTo("03 41 00");
    assertThat(HEX.formatHex(write("\u00e9"))).isEqualTo("03 C3 A9");
    assertThat(HEX.formatHex(write("\u20ac"))).isEqualTo("04 E2 82 AC");
    assertThat(HEX.formatHex(write("\ud83d\ude00"))).isEqualTo("05 F0 9F 98 80");
  }

  @Example
  void unpairedSurrogatesTakeTheirThreeByteFormAndRoundTrip() throws IOException {
    assertThat(HEX.formatHex(write("\ud800"))).isEqualTo("04 ED A0 80");
    for (String s : new String[] {"\ud800", "a\udc00b", "\udc00\ud800", "x\ud83d", "\ud83d\ud83d\ude00"}) {
      assertThat(read(write(s))).isEqualTo(s);
    }
  }

  @Example
  void stringsLongerThan64KiBWork() throws IOException {
    String s = "\u00e9".repeat(40_000) + "end";
    SeekableOutputView out = new SeekableOutputView(4096, () -> MemorySegments.allocateHeap(4096));
    Utf8Strings.write(out, s);
    SeekableInputView in = out.toInputView(out.getWritePosition());
    assertThat(Utf8Strings.read(in)).isEqualTo(s);
  }

  @Example
  void malformedBytesAreRejectedWithTheirPosition() {
    assertMalformed("02 80", "malformed UTF-8: invalid lead byte 0x80 at byte 0");
    assertMalformed("03 41 F8", "malformed UTF-8: invalid lead byte 0xf8 at byte 1");
    assertMalformed("03 41 C3", "malformed UTF-8: 2-byte sequence at byte 1 is cut off at the end, length=2");
    assertMalformed("03 C3 41", "malformed UTF-8: byte 1 is 0x41, expected a continuation byte 10xxxxxx");
    assertMalformed("05 F4 90 80 80", "malformed UTF-8: 4-byte sequence at byte 0 encodes U+110000, outside U+10000..U+10FFFF");
    assertMalformed("05 F0 80 80 80", "malformed UTF-8: 4-byte sequence at byte 0 encodes U+0, outside U+10000..U+10FFFF");
    assertMalformed("FF FF FF FF 0F", "malformed string length prefix=4294967295, at most 2147483647");
  }

  @Example
  void copyAndSkipMoveOverExactlyOneString() throws IOException {
    SeekableOutputView source = new SeekableOutputView(16, () -> MemorySegments.allocateHeap(16));
    String[] strings = {"first \u00e9\ud83d\ude00", null, "", "last"};
    for (String s : strings) {
      Utf8Strings.write(source, s);
    }
    SeekableInputView in = source.toInputView(source.getWritePosition());
    SeekableOutputView target = new SeekableOutputView(16, () -> MemorySegments.wrap(new byte[16]));
    Utf8Strings.copy(in, target);
    Utf8Strings.copy(in, target);
    Utf8Strings.skip(in);
    assertThat(Utf8Strings.read(in)).isEqualTo("last");
    SeekableInputView copied = target.toInputView(target.getWritePosition());
    assertThat(Utf8Strings.read(copied)).isEqualTo(strings[0]);
    assertThat(Utf8Strings.read(copied)).isNull();
    assertThat(copied.remaining()).isZero();
  }

  private static void assertMalformed(String hex, String message) {
    assertThatThrownBy(() -> read(HEX.parseHex(hex))).as(hex).isInstanceOf(UTFDataFormatException.class)
        .hasMessage(message);
  }

  private static byte[] write(String s) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    Utf8Strings.write(new DataOutputStream(bytes), s);
    return bytes.toByteArray();
  }

  private static String read(byte[] bytes) throws IOException {
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
    String s = Utf8Strings.read(in);
    assertThat(in.available()).as("bytes left after %s", Arrays.toString(bytes)).isZero();
    return s;
  }
}
