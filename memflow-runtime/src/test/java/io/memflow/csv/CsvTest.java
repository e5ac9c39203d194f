package io.memflow.csv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.memflow.row.BinaryRow;
import io.memflow.row.FieldType;
import io.memflow.row.RowSchema;
import io.memflow.row.RowWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvTest {

  @TempDir Path dir;

  private Path file(String name, String content) throws IOException {
    Path path = dir.resolve(name);
    Files.writeString(path, content, StandardCharsets.UTF_8);
    return path;
  }

  private static List<Object[]> readAll(Path path, RowSchema schema, int buffer) throws IOException {
    List<Object[]> rows = new ArrayList<>();
    try (CsvRowReader reader = CsvRowReader.open(path, CsvFormat.forPath(path), schema, buffer)) {
      for (BinaryRow row = reader.next(); row != null; row = reader.next()) {
        rows.add(row.toValues());
      }
    }
    return rows;
  }

  private static List<Object[]> readInferred(Path path) throws IOException {
    RowSchema schema = CsvSchemas.infer(path, CsvFormat.forPath(path), Map.of(), CsvSchemas.DEFAULT_SAMPLE_ROWS);
    return readAll(path, schema, 1 << 20);
  }

  // ---------------------------------------------------------------- round trips

  private static final String[] TRICKY = {
    "", " ", "a,b", "say \"hi\"", "\"", "\"\"", "line\nbreak", "cr\rlf\r\n", "tab\there", "\u00e9t\u00e9 \u20ac \uD83D\uDE00",
    ",", "\n", "trailing space ", "x".repeat(300)
  };

  /** A random value (or null) for each field of {@code schema}. */
  private static Object[] randomValues(RowSchema schema, Random random) {
    Object[] values = new Object[schema.fieldCount()];
    for (int c = 0; c < values.length; c++) {
      values[c] = randomValue(schema.type(c), random);
    }
    return values;
  }

  private static Object randomValue(FieldType type, Random random) {
    if (random.nextInt(8) == 0) {
      return null;
    }
    return switch (type) {
      case INT -> random.nextInt(4) == 0 ? Integer.MIN_VALUE + random.nextInt(2) : random.nextInt();
      case LONG -> random.nextInt(4) == 0 ? Long.MAX_VALUE - random.nextInt(2) : random.nextLong();
      case DOUBLE -> switch (random.nextInt(6)) {
        case 0 -> new double[] {0.0, -0.0, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY,
            Double.MIN_VALUE, Double.MAX_VALUE, 1e-300, 12.34}[random.nextInt(9)];
        case 1 -> random.nextInt(100_000) / 100.0;
        default -> Double.longBitsToDouble(random.nextLong() & 0x7fefffffffffffffL) * (random.nextBoolean() ? 1 : -1);
      };
      case STRING -> random.nextBoolean() ? TRICKY[random.nextInt(TRICKY.length)] : Long.toString(random.nextLong(), 36);
      case BYTES -> throw new IllegalArgumentException();
    };
  }

  /** 1 to 5 nullable columns of random types; the first column's name ends with {@code firstSuffix}. */
  private static RowSchema randomSchema(Random random, String firstSuffix) {
    RowSchema.Builder builder = RowSchema.builder();
    int columns = 1 + random.nextInt(5);
    FieldType[] types = {FieldType.INT, FieldType.LONG, FieldType.DOUBLE, FieldType.STRING};
    for (int c = 0; c < columns; c++) {
      builder.nullableField("c" + c + (c == 0 ? firstSuffix : ""), types[random.nextInt(types.length)]);
    }
    return builder.build();
  }

  @Test
  void everyValueSurvivesAWriteAndARead_includingQuotesLineBreaksAndUnicode() throws IOException {
    Random random = new Random(1);
    for (int trial = 0; trial < 30; trial++) {
      RowSchema schema = randomSchema(random, ",\"odd name\"");
      int columns = schema.fieldCount();
      CsvFormat format = random.nextBoolean() ? CsvFormat.CSV : CsvFormat.TSV;
      Path path = dir.resolve("t" + trial + (format == CsvFormat.TSV ? ".tsv" : ".csv"));
      List<Object[]> expected = new ArrayList<>();
      try (CsvRowWriter writer = CsvRowWriter.create(path, format, schema)) {
        for (int r = random.nextInt(200); r > 0; r--) {
          Object[] values = randomValues(schema, random);
          if (columns == 1 && values[0] == null) {
            values[0] = schema.type(0) == FieldType.STRING ? "" : null;
          }
          expected.add(values);
          writer.write(RowWriter.row(schema, values));
        }
        writer.commit();
      }
      List<Object[]> read = readAll(path, schema, 16 + random.nextInt(64));
      assertThat(read).hasSameSizeAs(expected);
      for (int r = 0; r < read.size(); r++) {
        assertThat(read.get(r)).as("trial %s row %s of %s", trial, r, path).isEqualTo(expected.get(r));
      }
    }
  }

  /**
   * A string is quoted when it must be wherever its one special byte sits: the writer looks eight
   * bytes at a time, then byte by byte at the end, so every position of strings of 1 to 24 bytes.
   */
  @Test
  void aSpecialByteAnywhereInAStringGetsItQuoted() throws IOException {
    RowSchema schema = RowSchema.builder().nullableField("text", FieldType.STRING).nullableField("n", FieldType.LONG).build();
    for (CsvFormat format : List.of(CsvFormat.CSV, CsvFormat.TSV)) {
      Path path = dir.resolve(format == CsvFormat.TSV ? "special.tsv" : "special.csv");
      List<Object[]> expected = new ArrayList<>();
      try (CsvRowWriter writer = CsvRowWriter.create(path, format, schema)) {
        for (char special : new char[] {(char) format.delimiter(), '"', '\n', '\r'}) {
          for (int length = 1; length <= 24; length++) {
            for (int at = 0; at < length; at++) {
              char[] text = "abcdefghijklmnopqrstuvwx".substring(0, length).toCharArray();
              text[at] = special;
              Object[] values = {new String(text), (long) expected.size()};
              expected.add(values);
              writer.write(RowWriter.row(schema, values));
            }
          }
        }
        writer.commit();
      }
      List<Object[]> read = readAll(path, schema, 1 << 12);
      assertThat(read).hasSameSizeAs(expected);
      for (int r = 0; r < read.size(); r++) {
        assertThat(read.get(r)).as("row %s of %s", r, path).isEqualTo(expected.get(r));
      }
    }
  }

  /**
   * A pair written as it comes ({@link CsvChunkEncoder#writePair}) is the text of the row of both
   * sides' fields, byte for byte: random schemas and values, nulls, either side missing, and
   * sides of 30 to 40 fields together so that some pairs pass 64.
   */
  @Test
  void aPairIsWrittenAsTheRowOfBothSidesFields() {
    Random random = new Random(5);
    for (int trial = 0; trial < 300; trial++) {
      RowSchema left = trial % 10 == 9 ? wideSchema(random, "l") : randomSchema(random, "l");
      RowSchema right = trial % 10 == 9 ? wideSchema(random, "r") : randomSchema(random, "r");
      RowSchema.Builder both = RowSchema.builder();
      List<RowSchema.Field> fields = Stream.concat(left.fields().stream(), right.fields().stream()).toList();
      for (int c = 0; c < fields.size(); c++) {
        both.nullableField("j" + c, fields.get(c).type());
      }
      RowSchema joined = both.build();
      CsvFormat format = random.nextBoolean() ? CsvFormat.CSV : CsvFormat.TSV;
      CsvChunkEncoder pairs = new CsvChunkEncoder(format, joined);
      CsvChunkEncoder rows = new CsvChunkEncoder(format, joined);
      for (int r = 0; r < 20; r++) {
        int missing = random.nextInt(6); // 0: left missing, 1: right missing, else both there
        Object[] l = missing == 0 ? new Object[left.fieldCount()] : randomValues(left, random);
        Object[] rr = missing == 1 ? new Object[right.fieldCount()] : randomValues(right, random);
        pairs.writePair(missing == 0 ? null : RowWriter.row(left, l), missing == 1 ? null : RowWriter.row(right, rr));
        rows.write(RowWriter.row(joined, Stream.concat(Arrays.stream(l), Arrays.stream(rr)).toArray()));
      }
      assertThat(new String(pairs.buffer(), 0, pairs.size(), StandardCharsets.UTF_8))
          .as("trial %s: %s + %s", trial, left, right)
          .isEqualTo(new String(rows.buffer(), 0, rows.size(), StandardCharsets.UTF_8));
      assertThat(pairs.rows()).isEqualTo(rows.rows());
    }
  }

  /** 30 to 40 nullable columns of random types, named {@code prefix0, prefix1, ...}. */
  private static RowSchema wideSchema(Random random, String prefix) {
    RowSchema.Builder builder = RowSchema.builder();
    FieldType[] types = {FieldType.INT, FieldType.LONG, FieldType.DOUBLE, FieldType.STRING};
    for (int c = 30 + random.nextInt(11); c > 0; c--) {
      builder.nullableField(prefix + c, types[random.nextInt(types.length)]);
    }
    return builder.build();
  }

  @Test
  void chunksFromSeveralEncodersAppendedByOneWriterGiveTheFileThatWriterMakesOfTheRows() throws IOException {
    Random random = new Random(2);
    for (int trial = 0; trial < 20; trial++) {
      RowSchema schema = randomSchema(random, "");
      CsvFormat format = random.nextBoolean() ? CsvFormat.CSV : CsvFormat.TSV;
      List<BinaryRow> rows = new ArrayList<>();
      for (int r = random.nextInt(3000); r > 0; r--) {
        rows.add(RowWriter.row(schema, randomValues(schema, random)));
      }
      String extension = format == CsvFormat.TSV ? ".tsv" : ".csv";
      Path direct = dir.resolve("direct" + trial + extension);
      try (CsvRowWriter writer = CsvRowWriter.create(direct, format, schema)) {
        for (BinaryRow row : rows) {
          writer.write(row);
        }
        writer.commit();
      }
      // three encoders take turns in runs of rows, as parallel subtasks would, each handing over
      // chunks of at least a few hundred bytes; the writer appends the chunks in the order they came
      Path encoded = dir.resolve("encoded" + trial + extension);
      CsvChunkEncoder[] encoders = {new CsvChunkEncoder(format, schema), new CsvChunkEncoder(format, schema),
          new CsvChunkEncoder(format, schema)};
      int chunkBytes = 1 + random.nextInt(600);
      StringBuilder expectedBody = new StringBuilder();
      try (CsvRowWriter writer = CsvRowWriter.create(encoded, format, schema)) {
        int at = 0;
        while (at < rows.size()) {
          CsvChunkEncoder encoder = encoders[random.nextInt(encoders.length)];
          int run = 1 + random.nextInt(50);
          for (int r = at; r < Math.min(rows.size(), at + run); r++) {
            encoder.write(rows.get(r));
          }
          at += run;
          if (encoder.size() >= chunkBytes || at >= rows.size()) {
            append(writer, encoder, expectedBody);
          }
        }
        for (CsvChunkEncoder encoder : encoders) {
          if (encoder.rows() > 0) {
            append(writer, encoder, expectedBody);
          }
        }
        assertThat(writer.rowsWritten()).isEqualTo(rows.size());
        writer.commit();
      }
      String file = Files.readString(encoded, StandardCharsets.UTF_8);
      String header = Files.readString(direct, StandardCharsets.UTF_8).lines().findFirst().orElseThrow();
      assertThat(file).isEqualTo(header + "\n" + expectedBody);
      assertThat(sortedRows(encoded, schema)).as("trial %s", trial).isEqualTo(sortedRows(direct, schema));
    }
  }

  private static void append(CsvRowWriter writer, CsvChunkEncoder encoder, StringBuilder expected) throws IOException {
    byte[] text = Arrays.copyOf(encoder.buffer(), encoder.size());
    writer.writeEncoded(io.memflow.memory.MemorySegments.wrap(text), 0, text.length, encoder.rows());
    expected.append(new String(text, StandardCharsets.UTF_8));
    encoder.clear();
    assertThat(encoder.size()).isZero();
  }

  /** The file's rows as read back (quoted line breaks stay inside their rows), in a fixed order. */
  private static List<String> sortedRows(Path path, RowSchema schema) throws IOException {
    return readAll(path, schema, 1 << 16).stream().map(Arrays::deepToString).sorted().toList();
  }

  // ---------------------------------------------------------------- parsing

  @Test
  void crlfNoFinalNewlineByteOrderMarkQuotesAndEmptyFieldsParseAsWritten() throws IOException {
    Path path = file("a.csv", "\uFEFFid,name,amount\r\n1,\"Smith, J.\",1.5\r\n2,\"say \"\"hi\"\"\",\r\n3,\"\",-0\r\n4,,7");
    List<Object[]> rows = readInferred(path);
    assertThat(rows).hasSize(4);
    assertThat(rows.get(0)).containsExactly(1L, "Smith, J.", 1.5);
    assertThat(rows.get(1)).containsExactly(2L, "say \"hi\"", null);
    assertThat(rows.get(2)).containsExactly(3L, "", -0.0);
    assertThat(rows.get(3)).containsExactly(4L, null, 7.0);
  }

  @Test
  void aQuotedFieldMaySpanLinesAndLaterErrorsNameTheRightLine() throws IOException {
    Path path = file("m.csv", "id,text\n1,\"two\nlines\"\n2,ok\n3,too,many\n");
    RowSchema schema = CsvSchemas.infer(path, CsvFormat.CSV, Map.of(), 1);
    try (CsvRowReader reader = CsvRowReader.open(path, CsvFormat.CSV, schema)) {
      assertThat(reader.next().getString(1)).isEqualTo("two\nlines");
      assertThat(reader.next().getString(1)).isEqualTo("ok");
      assertThatThrownBy(reader::next).isInstanceOf(CsvException.class)
          .hasMessageContaining("line 5").hasMessageContaining("3 fields but the header has 2");
    }
  }

  @Test
  void typesAreInferredFromTheValuesAndDeclarationsWin() throws IOException {
    Path path = file("types.csv", "a,b,c,d,e\n1,1,x,,-9223372036854775808\n2,2.5,3,,9223372036854775807\n");
    RowSchema inferred = CsvSchemas.infer(path, CsvFormat.CSV, Map.of(), 100);
    assertThat(inferred.fields()).extracting(RowSchema.Field::type)
        .containsExactly(FieldType.LONG, FieldType.DOUBLE, FieldType.STRING, FieldType.STRING, FieldType.LONG);
    RowSchema declared = CsvSchemas.infer(path, CsvFormat.CSV, CsvSchemas.parseDeclaration("a:string, b:double"), 100);
    assertThat(declared.type(0)).isEqualTo(FieldType.STRING);
    assertThat(readAll(path, declared, 1 << 10).get(0)[0]).isEqualTo("1");
  }

  @Test
  void aValueBeyondTheSampleThatDoesNotFitSaysWhichTypeToDeclare() throws IOException {
    Path path = file("late.csv", "id,amount\n1,10\n2,11\n3,12.5\n");
    RowSchema schema = CsvSchemas.infer(path, CsvFormat.CSV, Map.of(), 2);
    assertThatThrownBy(() -> readAll(path, schema, 1 << 10)).isInstanceOf(CsvException.class)
        .hasMessageContaining("late.csv, line 4, column 2 (amount)")
        .hasMessageContaining("'12.5'")
        .hasMessageContaining("amount:double");
  }

  @Test
  void malformedQuotesAndOverlongRowsAreRefusedWithTheLine() throws IOException {
    Path junk = file("junk.csv", "a,b\n1,\"x\"y\n");
    assertThatThrownBy(() -> readInferred(junk)).isInstanceOf(CsvException.class)
        .hasMessageContaining("line 2, column 2").hasMessageContaining("closing quote");
    Path open = file("open.csv", "a,b\n1,\"never closed\n2,3\n");
    assertThatThrownBy(() -> readAll(open, schemaOf("a", "b"), 16)).isInstanceOf(CsvException.class)
        .hasMessageContaining("not closed");
    Path overflow = file("big.csv", "a\n99999999999999999999\n");
    assertThatThrownBy(() -> readAll(overflow, RowSchema.builder().nullableField("a", FieldType.LONG).build(), 64))
        .isInstanceOf(CsvException.class).hasMessageContaining("a:double");
  }

  @Test
  void aProjectionReadsItsColumnsInItsOrderAndConvertsNoOther() throws IOException {
    Path path = file("p.csv", "id,word,amount\n1,kale,7.5\n2,,-3\n3,x,\n");
    RowSchema schema = RowSchema.builder().field("id", FieldType.LONG).nullableField("word", FieldType.STRING)
        .nullableField("amount", FieldType.DOUBLE).build();
    List<Object[]> rows = new ArrayList<>();
    try (CsvRowReader reader = CsvRowReader.open(path, CsvFormat.CSV, schema, wholeFile(), new int[] {2, 0})) {
      assertThat(reader.schema()).isEqualTo(schema.project(2, 0));
      for (BinaryRow row = reader.next(); row != null; row = reader.next()) {
        rows.add(row.toValues());
      }
    }
    assertThat(rows).containsExactly(new Object[] {7.5, 1L}, new Object[] {-3.0, 2L}, new Object[] {null, 3L});

    Path bad = file("bad.csv", "id,word,amount\n1,kale,oops\n2,a,b,c\n");
    List<Object[]> words = new ArrayList<>();
    try (CsvRowReader reader = CsvRowReader.open(bad, CsvFormat.CSV, schema, wholeFile(), new int[] {1})) {
      words.add(reader.next().toValues()); // 'oops' is in a column this reader does not convert
      assertThatThrownBy(reader::next).isInstanceOf(CsvException.class)
          .hasMessageContaining("line 3").hasMessageContaining("4 fields but the header has 3");
    }
    assertThat(words).containsExactly(new Object[] {"kale"});
    try (CsvRowReader reader = CsvRowReader.open(bad, CsvFormat.CSV, schema, wholeFile(), new int[] {2})) {
      assertThatThrownBy(reader::next).isInstanceOf(CsvException.class)
          .hasMessageContaining("line 2, column 3 (amount)").hasMessageContaining("'oops'");
    }
    assertThatThrownBy(() -> CsvRowReader.open(path, CsvFormat.CSV, schema, wholeFile(), new int[] {0, 0}))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("duplicate");
    assertThatThrownBy(() -> CsvRowReader.open(path, CsvFormat.CSV, schema, wholeFile(), new int[] {3}))
        .isInstanceOf(IndexOutOfBoundsException.class);
  }

  private static CsvSplits.Split wholeFile() {
    return new CsvSplits.Split(0, Long.MAX_VALUE, 1);
  }

  private static RowSchema schemaOf(String... names) {
    RowSchema.Builder builder = RowSchema.builder();
    for (String name : names) {
      builder.nullableField(name, FieldType.STRING);
    }
    return builder.build();
  }

  @Test
  void headerProblemsAreNamed() throws IOException {
    assertThatThrownBy(() -> CsvSchemas.infer(file("e.csv", ""), CsvFormat.CSV, Map.of(), 10))
        .isInstanceOf(CsvException.class).hasMessageContaining("empty");
    assertThatThrownBy(() -> CsvSchemas.infer(file("d.csv", "a,b,a\n"), CsvFormat.CSV, Map.of(), 10))
        .isInstanceOf(CsvException.class).hasMessageContaining("column 3 (a)").hasMessageContaining("twice");
    assertThatThrownBy(() -> CsvSchemas.infer(file("n.csv", "a,,c\n"), CsvFormat.CSV, Map.of(), 10))
        .isInstanceOf(CsvException.class).hasMessageContaining("column 2");
    assertThatThrownBy(() -> CsvSchemas.infer(file("x.csv", "a\n1\n"), CsvFormat.CSV, Map.of("b", FieldType.LONG), 10))
        .isInstanceOf(CsvException.class).hasMessageContaining("'b'");
    Path other = file("o.csv", "x,y\n1,2\n");
    assertThatThrownBy(() -> CsvRowReader.open(other, CsvFormat.CSV, schemaOf("x", "z")))
        .isInstanceOf(CsvException.class).hasMessageContaining("[x, y]");
    assertThatThrownBy(() -> CsvSchemas.parseDeclaration("a:float")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("int, long, double, string");
  }

  @Test
  void numbersParseLikeJava() throws Exception {
    String[] doubles = {"0", "-0", "1.5", " 2.25 ", "1e10", "-1.5E-300", "NaN", "Infinity", "-Infinity", ".5", "5.",
        "123456789012345", "1234567890123456789", "0.1", "4.35", "2.2250738585072014E-308"};
    for (String text : doubles) {
      byte[] b = text.getBytes(StandardCharsets.US_ASCII);
      assertThat(Double.valueOf(CsvNumbers.parseDouble(b, 0, b.length))).as(text)
          .isEqualTo(Double.valueOf(text.strip()));
    }
    for (String text : new String[] {"", "-", ".", "1.5f", "1d", "0x1p3", "1,5", "e5", "abc"}) {
      byte[] b = text.getBytes(StandardCharsets.US_ASCII);
      assertThatThrownBy(() -> CsvNumbers.parseDouble(b, 0, b.length)).as(text).isInstanceOf(CsvNumbers.NotANumber.class);
    }
    Random random = new Random(3);
    for (int i = 0; i < 100_000; i++) {
      long value = random.nextInt(3) == 0 ? random.nextLong() : random.nextInt(1_000_000);
      String text = random.nextBoolean() ? Long.toString(value) : value / 100 + "." + String.format("%02d", Math.abs(value % 100));
      if (text.startsWith("0.") && value < 0) {
        text = "-" + text;
      }
      byte[] b = text.getBytes(StandardCharsets.US_ASCII);
      assertThat(CsvNumbers.parseDouble(b, 0, b.length)).as(text).isEqualTo(Double.parseDouble(text));
      if (!text.contains(".")) {
        assertThat(CsvNumbers.parseLong(b, 0, b.length)).isEqualTo(value);
      }
    }
    byte[] min = "-9223372036854775808".getBytes(StandardCharsets.US_ASCII);
    assertThat(CsvNumbers.parseLong(min, 0, min.length)).isEqualTo(Long.MIN_VALUE);
    byte[] over = "9223372036854775808".getBytes(StandardCharsets.US_ASCII);
    assertThatThrownBy(() -> CsvNumbers.parseLong(over, 0, over.length)).isInstanceOf(CsvNumbers.NotANumber.class);
  }

  // ---------------------------------------------------------------- all or nothing

  @Test
  void doublesAreWrittenExactlyAsDoubleToStringWritesThem() throws IOException {
    Random random = new Random(7);
    List<Double> values = new ArrayList<>(List.of(0.0, -0.0, 0.01, -0.01, 0.001, 0.009, 0.1, 1.0, 10.0, 0.05,
        9_999_999.99, -9_999_999.99, 1e7, 9_999_999.995, 123.45, 1e-300, Double.MIN_VALUE, Double.MAX_VALUE,
        Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 0.1 + 0.2, 1.005, 2.675));
    for (int i = 0; i < 300_000; i++) {
      values.add(switch (i % 4) {
        case 0 -> random.nextLong(-1_000_000_000L, 1_000_000_000L) / 100.0; // amounts in cents
        case 1 -> random.nextLong(-100_000_000L, 100_000_000L) / 10.0;
        case 2 -> random.nextDouble(-2e7, 2e7);
        default -> Double.longBitsToDouble(random.nextLong());
      });
    }
    List<String> written = writtenLines(values, CsvOutput::writeDouble);
    for (int i = 0; i < values.size(); i++) {
      assertThat(written.get(i)).as("value %s", values.get(i)).isEqualTo(Double.toString(values.get(i)));
    }
    assertThat(written).hasSameSizeAs(values);
  }

  @Test
  void longsAreWrittenExactlyAsLongToStringWritesThem() throws IOException {
    Random random = new Random(11);
    List<Long> values = new ArrayList<>(List.of(0L, -0L, 1L, -1L, Long.MAX_VALUE, Long.MIN_VALUE, Long.MIN_VALUE + 1));
    for (long p = 1; ; p *= 10) { // the edges of every digit count
      values.addAll(List.of(p - 1, p, p + 1, -p, 1 - p, 2 * p - 1));
      if (p > Long.MAX_VALUE / 10) {
        break;
      }
    }
    for (int i = 0; i < 200_000; i++) {
      values.add(switch (i % 3) {
        case 0 -> random.nextLong();
        case 1 -> random.nextLong() >> random.nextInt(64);
        default -> (long) random.nextInt(1000);
      });
    }
    assertThat(writtenLines(values, CsvOutput::writeLong)).isEqualTo(values.stream().map(String::valueOf).toList());
    for (long v : values) {
      long magnitude = v == Long.MIN_VALUE ? Long.MAX_VALUE : Math.abs(v);
      assertThat(CsvOutput.digits(magnitude)).as("digits of %d", magnitude).isEqualTo(Long.toString(magnitude).length());
    }
  }

  /** What {@link CsvOutput} writes of {@code values} through {@code write}, one value per line. */
  private static <T> List<String> writtenLines(List<T> values, ValueWriter<T> write) throws IOException {
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    try (CsvOutput out = new CsvOutput(bytes)) {
      for (T value : values) {
        write.write(out, value);
        out.write('\n');
      }
    }
    return List.of(bytes.toString(StandardCharsets.US_ASCII).split("\n"));
  }

  /** One of {@link CsvOutput}'s number writers. */
  private interface ValueWriter<T> {
    void write(CsvOutput out, T value) throws IOException;
  }

  @Test
  void anAbortedOrUncommittedWriteLeavesNothingAndKeepsTheOldTarget() throws IOException {
    RowSchema schema = schemaOf("a");
    Path target = file("out.csv", "a\nold\n");
    try (CsvRowWriter writer = CsvRowWriter.create(target, CsvFormat.CSV, schema)) {
      writer.write(RowWriter.row(schema, "new"));
    }
    assertThat(Files.readString(target)).isEqualTo("a\nold\n");
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files).containsExactly(target);
    }
    try (CsvRowWriter writer = CsvRowWriter.create(target, CsvFormat.CSV, schema)) {
      writer.write(RowWriter.row(schema, "new"));
      writer.commit();
      assertThat(writer.rowsWritten()).isOne();
      assertThatThrownBy(() -> writer.write(RowWriter.row(schema, "late"))).isInstanceOf(IllegalStateException.class);
    }
    assertThat(Files.readString(target)).isEqualTo("a\nnew\n");
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files).containsExactly(target);
    }
  }

  @Test
  void aRowLongerThanTheBufferGrowsIt() throws IOException {
    String longValue = "v".repeat(10_000);
    Path path = file("long.csv", "a,b\n" + longValue + ",\"" + longValue.replace("v", "\"\"") + "\"\n");
    List<Object[]> rows = readAll(path, schemaOf("a", "b"), 16);
    assertThat(rows.get(0)[0]).isEqualTo(longValue);
    assertThat((String) rows.get(0)[1]).isEqualTo("\"".repeat(10_000));
    assertThat(Arrays.asList(rows.get(0))).hasSize(2);
  }
}
