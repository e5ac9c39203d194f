package io.memflow.memory.view;

import static org.assertj.core.api.Assertions.assertThat;

import io.memflow.memory.MemorySegment;
import io.memflow.memory.MemorySegments;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** readUTF and writeUTF of the paged views against DataInputStream and DataOutputStream. */
class ModifiedUtf8Test {

  @Provide
  Arbitrary<String> strings() {
    return Op.strings();
  }

  @Property(tries = 300)
  void writeUtfWritesTheBytesOfDataOutputStream(@ForAll("strings") String s) throws IOException {
    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    new DataOutputStream(expected).writeUTF(s);
    SeekableOutputView out = new SeekableOutputView(16, () -> MemorySegments.allocateHeap(16));
    out.writeUTF(s);
    SeekableInputView in = out.toInputView(out.getWritePosition());
    byte[] actual = new byte[(int) in.size()];
    in.readFully(actual);
    assertThat(actual).isEqualTo(expected.toByteArray());
  }

  /** Random bytes, biased to lead and continuation bytes, after a length that fits them. */
  @Provide
  Arbitrary<byte[]> encodings() {
    Arbitrary<Byte> interesting = Arbitraries.of(
        (byte) 0x00, (byte) 0x41, (byte) 0x7F, (byte) 0x80, (byte) 0xBF, (byte) 0xC0, (byte) 0xC3,
        (byte) 0xDF, (byte) 0xE0, (byte) 0xE2, (byte) 0xED, (byte) 0xEF, (byte) 0xF0, (byte) 0xF8, (byte) 0xFF);
    Arbitrary<Byte> any = Arbitraries.oneOf(interesting, Arbitraries.bytes());
    return any.list().ofMaxSize(12).map(body -> {
      byte[] b = new byte[body.size() + 2];
      b[1] = (byte) body.size();
      for (int i = 0; i < body.size(); i++) {
        b[i + 2] = body.get(i);
      }
      return b;
    });
  }

  @Property(tries = 2000)
  void readUtfAcceptsAndRejectsExactlyWhatDataInputStreamDoes(@ForAll("encodings") byte[] encoded) {
    Object expected = outcome(() -> new DataInputStream(new ByteArrayInputStream(encoded)).readUTF());
    MemorySegment page = MemorySegments.wrap(encoded.clone());
    SeekableInputView in = new SeekableInputView(List.of(page), encoded.length, encoded.length);
    assertThat(outcome(in::readUTF)).isEqualTo(expected);
  }

  @Example
  void malformedInputIsReportedAsDataInputStreamDoes() {
    byte[][] cases = {
      {0, 2, (byte) 0xC3, 0x41}, {0, 3, (byte) 0xE2, (byte) 0x82, 0x41}, {0, 1, (byte) 0xC3},
      {0, 2, 0x41, (byte) 0x80}, {0, 3, 0x41, 0x42, (byte) 0xE2}
    };
    for (byte[] encoded : cases) {
      Object expected = outcome(() -> new DataInputStream(new ByteArrayInputStream(encoded)).readUTF());
      assertThat(expected).asString().startsWith("java.io.UTFDataFormatException: malformed input");
      SeekableInputView in = new SeekableInputView(List.of(MemorySegments.wrap(encoded.clone())), encoded.length, encoded.length);
      assertThat(outcome(in::readUTF)).isEqualTo(expected);
    }
  }

  private interface Read {
    String read() throws IOException;
  }

  /** The string read, or the exception's class and message. */
  private static Object outcome(Read read) {
    try {
      return read.read();
    } catch (IOException e) {
      return e.getClass().getName() + ": " + e.getMessage();
    }
  }
}
