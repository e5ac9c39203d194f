package io.memflow.csv;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * The fast paths of reading give what the simple ones give: the word-at-a-time search for a
 * field's end against a byte loop, the parser's fields and lines against a reference parser
 * written from the grammar, and one-word numbers against the byte-by-byte number parsing, each at
 * every position relative to 8-byte words.
 */
class CsvFastPathTest {

  private static final Path PATH = Path.of("fast.csv");

  // ---------------------------------------------------------------- the end of a field

  @Property(tries = 2000)
  void theWordSearchFindsTheFirstDelimiterOrLineBreak(@ForAll long seed) {
    Random random = new Random(seed);
    byte[] alphabet = {'a', 'b', ',', '\t', '\n', '\r', '"', (byte) 0x80, (byte) 0xFF, 0, 0x2C + 1, (byte) (0x0A + 0x80)};
    byte[] b = new byte[random.nextInt(40)];
    int density = 1 + random.nextInt(12);
    for (int k = 0; k < b.length; k++) {
      b[k] = random.nextInt(density) == 0 ? alphabet[random.nextInt(alphabet.length)] : (byte) ('c' + random.nextInt(5));
    }
    int from = b.length == 0 ? 0 : random.nextInt(b.length + 1);
    int to = from + random.nextInt(b.length - from + 1);
    for (byte delimiter : new byte[] {',', '\t'}) {
      assertThat(CsvParser.indexOfFieldEnd(b, from, to, delimiter)).isEqualTo(simpleFieldEnd(b, from, to, delimiter));
    }
  }

  @Test
  void theWordSearchFindsEachByteAtEachPositionOfAWord() {
    for (byte wanted : new byte[] {',', '\n', '\r'}) {
      for (int length = 0; length <= 24; length++) {
        for (int at = 0; at <= length; at++) {
          byte[] b = new byte[length];
          java.util.Arrays.fill(b, (byte) '-');
          if (at < length) {
            b[at] = wanted;
          }
          assertThat(CsvParser.indexOfFieldEnd(b, 0, length, (byte) ',')).isEqualTo(at);
        }
      }
    }
  }

  private static int simpleFieldEnd(byte[] b, int from, int to, byte delimiter) {
    for (int k = from; k < to; k++) {
      if (b[k] == delimiter || b[k] == '\n' || b[k] == '\r') {
        return k;
      }
    }
    return to;
  }

  // ---------------------------------------------------------------- rows and fields

  @Property(tries = 1000)
  void theParserGivesTheFieldsOfAReferenceParse(@ForAll long seed, @ForAll @IntRange(min = 4, max = 64) int buffer)
      throws IOException {
    Random random = new Random(seed);
    char delimiter = random.nextBoolean() ? ',' : '\t';
    String text = switch (random.nextInt(3)) {
      case 0 -> wellFormed(random, delimiter);
      case 1 -> mostlyPlain(random, delimiter);
      default -> junk(random, delimiter);
    };
    List<String> expected = reference(text, delimiter);
    for (int bytes : new int[] {buffer, 1 << 16}) {
      assertThat(parse(text, delimiter, bytes)).as("%s", text).isEqualTo(expected);
    }
  }

  /** Rows of 1 to 5 fields: unquoted (quotes inside allowed), quoted with delimiters, breaks, doubled quotes. */
  private static String wellFormed(Random random, char delimiter) {
    StringBuilder s = new StringBuilder();
    int rows = random.nextInt(8);
    int fields = 1 + random.nextInt(5);
    String[] endings = {"\n", "\r\n", "\r"};
    for (int r = 0; r < rows; r++) {
      for (int f = 0; f < fields; f++) {
        if (f > 0) {
          s.append(delimiter);
        }
        if (random.nextInt(4) == 0) {
          s.append('"').append(randomChars(random, "ab\"\"" + delimiter + "\n\r,\t\u00e9").replace("\"", "\"\"")).append('"');
        } else {
          s.append(randomChars(random, "abcxyz0123.\"\u00e9 "));
        }
      }
      if (r < rows - 1 || random.nextBoolean()) {
        s.append(endings[random.nextInt(endings.length)]);
      }
    }
    return s.toString();
  }

  /**
   * Many rows of unquoted fields of 0 to 11 bytes ending in LF, the rows the word-at-a-time field
   * search is for, with now and then a quoted field, a quote inside a field, a CRLF or a lone CR.
   */
  private static String mostlyPlain(Random random, char delimiter) {
    StringBuilder s = new StringBuilder();
    int rows = random.nextInt(40);
    for (int r = 0; r < rows; r++) {
      int fields = 1 + random.nextInt(6);
      for (int f = 0; f < fields; f++) {
        if (f > 0) {
          s.append(delimiter);
        }
        int odd = random.nextInt(30);
        if (odd == 0) {
          s.append("\"q").append(delimiter).append("\"");
        } else {
          int length = random.nextInt(12);
          for (int k = 0; k < length; k++) {
            s.append(odd == 1 && k == length / 2 ? '"' : (char) ('a' + random.nextInt(26)));
          }
        }
      }
      int ending = random.nextInt(40);
      s.append(ending == 0 ? "\r\n" : ending == 1 ? "\r" : "\n");
    }
    if (random.nextBoolean() && s.length() > 0) {
      s.setLength(s.length() - 1); // a last row without its line feed
    }
    return s.toString();
  }

  private static String junk(Random random, char delimiter) {
    return randomChars(random, "aaaabbbb\"\n\r,\t" + delimiter + delimiter);
  }

  private static String randomChars(Random random, String alphabet) {
    StringBuilder s = new StringBuilder();
    int length = random.nextInt(random.nextBoolean() ? 4 : 24);
    for (int k = 0; k < length; k++) {
      s.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return s.toString();
  }

  /** Each row as "line N: [Q|U]value | ...", then "error" if the parser threw. */
  private static List<String> parse(String text, char delimiter, int bufferBytes) throws IOException {
    List<String> rows = new ArrayList<>();
    byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
    CsvFormat format = delimiter == ',' ? CsvFormat.CSV : CsvFormat.TSV;
    try (CsvParser parser = new CsvParser(new ByteArrayInputStream(bytes), PATH, format, bufferBytes)) {
      while (parser.nextRow()) {
        StringBuilder row = new StringBuilder("line " + parser.rowLine() + ":");
        for (int f = 0; f < parser.fieldCount(); f++) {
          byte[] value = parser.value(f);
          row.append(parser.isQuoted(f) ? " Q" : " U").append(new String(value, parser.valueStart(f),
              parser.valueLength(f), StandardCharsets.ISO_8859_1)).append(" |");
        }
        rows.add(row.toString());
      }
    } catch (CsvException e) {
      rows.add("error");
    }
    return rows;
  }

  /** The grammar of {@link CsvParser}'s javadoc, one character at a time, in the form of {@link #parse}. */
  private static List<String> reference(String text, char delimiter) {
    List<String> rows = new ArrayList<>();
    long line = 1;
    int i = 0;
    int n = text.length();
    while (i < n) {
      StringBuilder row = new StringBuilder("line " + line + ":");
      long newlines = 0;
      while (true) {
        if (i < n && text.charAt(i) == '"') {
          StringBuilder value = new StringBuilder();
          int j = i + 1;
          while (true) {
            if (j >= n) {
              rows.add("error");
              return rows;
            }
            char c = text.charAt(j);
            if (c == '"' && j + 1 < n && text.charAt(j + 1) == '"') {
              value.append('"');
              j += 2;
            } else if (c == '"') {
              break;
            } else {
              newlines += c == '\n' ? 1 : 0;
              value.append(c);
              j++;
            }
          }
          i = j + 1;
          if (i < n && !isEnd(text.charAt(i), delimiter)) {
            rows.add("error");
            return rows;
          }
          row.append(" Q").append(value).append(" |");
        } else {
          int j = i;
          while (j < n && !isEnd(text.charAt(j), delimiter)) {
            j++;
          }
          row.append(" U").append(text, i, j).append(" |");
          i = j;
        }
        if (i < n && text.charAt(i) == delimiter) {
          i++;
          continue;
        }
        if (i < n && text.charAt(i) == '\r' && i + 1 < n && text.charAt(i + 1) == '\n') {
          i++;
        }
        i++;
        break;
      }
      rows.add(row.toString());
      line += 1 + newlines;
    }
    return rows;
  }

  private static boolean isEnd(char c, char delimiter) {
    return c == delimiter || c == '\n' || c == '\r';
  }

  // ---------------------------------------------------------------- numbers

  @Property(tries = 3000)
  void oneWordNumbersParseAsTheByteByBytePathParsesThem(@ForAll long seed) {
    Random random = new Random(seed);
    String text = randomNumber(random);
    int offset = random.nextInt(12);
    byte[] b = new byte[offset + text.length() + random.nextInt(3)];
    random.nextBytes(b);
    byte[] t = text.getBytes(StandardCharsets.ISO_8859_1);
    System.arraycopy(t, 0, b, offset, t.length);
    int to = offset + t.length;
    assertThat(doubleOrError(() -> CsvNumbers.parseDouble(b, offset, to))).as(text)
        .isEqualTo(doubleOrError(() -> CsvNumbers.parseDoubleBytewise(b, offset, to)));
    assertThat(longOrError(() -> CsvNumbers.parseLong(b, offset, to))).as(text)
        .isEqualTo(longOrError(() -> CsvNumbers.parseLongBytewise(b, offset, to)));
    if (text.matches("[0-9]+(\\.[0-9]+)?")) {
      assertThat(doubleOrError(() -> CsvNumbers.parseDouble(b, offset, to))).as(text)
          .isEqualTo(doubleOrError(() -> Double.parseDouble(text)));
    }
  }

  @Test
  void everyPlainDecimalOfUpToFourDigitsParsesAsJavaParsesIt() throws CsvNumbers.NotANumber {
    byte[] b = new byte[16];
    for (int v = 0; v < 10_000; v++) {
      String digits = Integer.toString(v);
      for (int dot = 0; dot <= digits.length(); dot++) {
        String text = dot == digits.length() ? digits : digits.substring(0, dot) + "." + digits.substring(dot);
        byte[] t = text.getBytes(StandardCharsets.US_ASCII);
        int from = 16 - t.length - (v % 3);
        System.arraycopy(t, 0, b, from, t.length);
        assertThat(CsvNumbers.parseDouble(b, from, from + t.length)).as(text).isEqualTo(Double.parseDouble(text));
      }
    }
  }

  private static String randomNumber(Random random) {
    String alphabet = switch (random.nextInt(4)) {
      case 0 -> "0123456789";
      case 1 -> "0123456789.";
      case 2 -> "0123456789000.";
      default -> "0123456789.-+ eE/:aN";
    };
    StringBuilder s = new StringBuilder();
    int length = random.nextInt(11);
    for (int k = 0; k < length; k++) {
      s.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return s.toString();
  }

  private interface DoubleParse {
    double parse() throws CsvNumbers.NotANumber;
  }

  private interface LongParse {
    long parse() throws CsvNumbers.NotANumber;
  }

  /** The value (as its bits, so -0.0 and NaN compare exactly) or "not a number". */
  private static String doubleOrError(DoubleParse parse) {
    try {
      double value = parse.parse();
      return Double.toString(value) + " " + Double.doubleToRawLongBits(value);
    } catch (CsvNumbers.NotANumber e) {
      return "not a number";
    }
  }

  private static String longOrError(LongParse parse) {
    try {
      return Long.toString(parse.parse());
    } catch (CsvNumbers.NotANumber e) {
      return "not a number";
    }
  }
}
