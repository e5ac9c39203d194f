package io.memflow.csv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.memflow.row.BinaryRow;
import io.memflow.row.FieldType;
import io.memflow.row.RowSchema;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * Reading a file in ranges from {@link CsvSplits} gives the rows of a whole read, in order, and
 * the same error (line and column) where the whole read fails.
 */
class CsvSplitsTest {

  private static final String[] ENDINGS = {"\n", "\r\n", "\r"};

  /** What reading gives: the rows, then the first error's message if there was one. */
  private record Outcome(List<List<Object>> rows, String error) {}

  @Property(tries = 300)
  void rangesReadTheRowsOfAWholeRead(@ForAll long seed, @ForAll @IntRange(min = 1, max = 7) int n,
      @ForAll @IntRange(min = 4, max = 64) int buffer) throws IOException {
    Random random = new Random(seed);
    int columns = 1 + random.nextInt(4);
    boolean tsv = random.nextBoolean();
    String text = randomFile(random, columns, tsv ? '\t' : ',', random.nextInt(40), false);
    checkSameAsWholeRead(text, columns, tsv, n, buffer);
  }

  @Property(tries = 300)
  void aFaultAnywhereIsReportedAsAWholeReadReportsIt(@ForAll long seed,
      @ForAll @IntRange(min = 2, max = 7) int n) throws IOException {
    Random random = new Random(seed);
    int columns = 1 + random.nextInt(4);
    String text = randomFile(random, columns, ',', 1 + random.nextInt(40), true);
    Outcome whole = checkSameAsWholeRead(text, columns, false, n, 1 << 10);
    assertThat(whole.error()).as("a fault was planted in%n%s", text).isNotNull();
  }

  /**
   * Plain blocks (no quote, no CR) are passed by counting their LFs: on files that are mostly
   * plain, with quoted fields, CRs and a byte order mark here and there, and blocks small enough
   * that many are plain, the cuts and their lines are those of the byte-by-byte scan.
   */
  @Property(tries = 400)
  void plainBlocksCutWhereTheByteByByteScanCuts(@ForAll long seed, @ForAll @IntRange(min = 2, max = 9) int n,
      @ForAll @IntRange(min = 1, max = 96) int block) throws IOException {
    Random random = new Random(seed);
    int columns = 1 + random.nextInt(4);
    boolean tsv = random.nextBoolean();
    Path path = write(mostlyPlainFile(random, columns, tsv ? '\t' : ',', random.nextInt(300)), tsv);
    try {
      CsvFormat format = CsvFormat.forPath(path);
      assertThat(CsvSplits.split(path, format, n, block, true))
          .as("%s ranges in blocks of %s of%n%s", n, block, Files.readString(path))
          .isEqualTo(CsvSplits.split(path, format, n, block, false));
    } finally {
      Files.delete(path);
    }
  }

  @Test
  void aPlainFileIsCutAfterLineFeedsWithItsLinesCounted() throws IOException {
    StringBuilder text = new StringBuilder("id,word\n");
    for (int i = 0; i < 1000; i++) {
      text.append(i).append(",w").append(i % 7).append('\n');
    }
    Path path = write(text.toString(), false);
    try {
      List<CsvSplits.Split> splits = CsvSplits.split(path, CsvFormat.CSV, 4, 64, true);
      String file = text.toString();
      for (int k = 1; k < 4; k++) {
        CsvSplits.Split split = splits.get(k);
        assertThat(file.charAt((int) split.start() - 1)).isEqualTo('\n');
        long linesBefore = file.substring(0, (int) split.start()).chars().filter(c -> c == '\n').count();
        assertThat(split.firstLine()).isEqualTo(linesBefore + 1);
        assertThat(split.start()).isBetween(file.length() * k / 4L, file.length() * k / 4L + 16);
      }
    } finally {
      Files.delete(path);
    }
  }

  @Test
  void rangesCoverTheFileInOrderAndCutOnlyBetweenRows() throws IOException {
    String text = "id,note\n1,\"a\nb\"\n2,x\r\n3,\"q\"\"\"\r4,y\n";
    Path path = write(text, false);
    try {
      for (int n = 1; n <= text.length() + 2; n++) {
        List<CsvSplits.Split> splits = CsvSplits.split(path, CsvFormat.CSV, n);
        assertThat(splits).hasSize(n);
        assertThat(splits.getFirst().start()).isZero();
        assertThat(splits.getLast().end()).isEqualTo(Files.size(path));
        for (int k = 1; k < n; k++) {
          long start = splits.get(k).start();
          assertThat(start).isEqualTo(splits.get(k - 1).end());
          assertThat(start).as("cut %s of %s", k, n).isIn(8L, 16L, 21L, 29L, 33L);
        }
      }
      CsvSplits.Split last = CsvSplits.split(path, CsvFormat.CSV, 5).get(4);
      assertThat(last.firstLine()).isEqualTo(6); // "4,y" follows a row spanning lines 2-3
    } finally {
      Files.delete(path);
    }
  }

  @Test
  void aByteOrderMarkIsSkippedOnlyAtTheStartOfTheFile() throws IOException {
    Path path = Files.createTempFile("bom", ".csv");
    try {
      Files.writeString(path, "\uFEFF\"id\"\n\uFEFFa\nb\n", StandardCharsets.UTF_8);
      RowSchema schema = RowSchema.builder().nullableField("id", FieldType.STRING).build();
      List<List<Object>> rows = new ArrayList<>();
      for (CsvSplits.Split split : CsvSplits.split(path, CsvFormat.CSV, 3)) {
        rows.addAll(read(path, CsvFormat.CSV, schema, split, 8).rows());
      }
      assertThat(rows).containsExactly(List.of("\uFEFFa"), List.of("b"));
    } finally {
      Files.delete(path);
    }
  }

  @Test
  void badArgumentsAreRefused() throws IOException {
    Path path = write("a\n1\n", false);
    try {
      assertThatThrownBy(() -> CsvSplits.split(path, CsvFormat.CSV, 0)).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> new CsvSplits.Split(5, 4, 1)).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> new CsvSplits.Split(0, 4, 0)).isInstanceOf(IllegalArgumentException.class);
      assertThat(CsvSplits.split(path, CsvFormat.CSV, 1)).containsExactly(new CsvSplits.Split(0, 4, 1));
    } finally {
      Files.delete(path);
    }
  }

  // ---------------------------------------------------------------- helpers

  private Outcome checkSameAsWholeRead(String text, int columns, boolean tsv, int n, int buffer) throws IOException {
    Path path = write(text, tsv);
    try {
      CsvFormat format = CsvFormat.forPath(path);
      RowSchema schema = strings(columns);
      Outcome whole = read(path, format, schema, new CsvSplits.Split(0, Long.MAX_VALUE, 1), buffer);
      List<CsvSplits.Split> splits = CsvSplits.split(path, format, n);
      List<List<Object>> rows = new ArrayList<>();
      String error = null;
      for (CsvSplits.Split split : splits) {
        Outcome part = read(path, format, schema, split, buffer);
        rows.addAll(part.rows());
        if (part.error() != null) {
          error = part.error();
          break;
        }
      }
      assertThat(error).as("the error of %s in %s ranges of%n%s", path, n, text).isEqualTo(whole.error());
      assertThat(rows).as("rows of %s ranges of%n%s", n, text).isEqualTo(whole.rows());
      return whole;
    } finally {
      Files.delete(path);
    }
  }

  private static Outcome read(Path path, CsvFormat format, RowSchema schema, CsvSplits.Split split, int buffer) {
    List<List<Object>> rows = new ArrayList<>();
    try (CsvRowReader reader = CsvRowReader.open(path, format, schema, split, buffer)) {
      for (BinaryRow row = reader.next(); row != null; row = reader.next()) {
        rows.add(Arrays.asList(row.toValues()));
      }
      return new Outcome(rows, null);
    } catch (CsvException e) {
      return new Outcome(rows, e.getMessage());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static RowSchema strings(int columns) {
    RowSchema.Builder builder = RowSchema.builder();
    for (int c = 0; c < columns; c++) {
      builder.nullableField("c" + c, FieldType.STRING);
    }
    return builder.build();
  }

  private static Path write(String text, boolean tsv) throws IOException {
    Path path = Files.createTempFile("split", tsv ? ".tsv" : ".csv");
    Files.writeString(path, text, StandardCharsets.UTF_8);
    return path;
  }

  /**
   * A header and {@code rows} rows of {@code columns} fields: quoted fields with delimiters, line
   * breaks and doubled quotes, unquoted ones with quotes inside, every line ending, a byte order
   * mark or not, the last row ended or not; with {@code fault}, one row is broken in one way.
   */
  private static String randomFile(Random random, int columns, char delimiter, int rows, boolean fault) {
    StringBuilder text = new StringBuilder(random.nextBoolean() ? "\uFEFF" : "");
    for (int c = 0; c < columns; c++) {
      text.append(c == 0 ? "" : delimiter).append(random.nextBoolean() ? "\"c" + c + "\"" : "c" + c);
    }
    text.append(ENDINGS[random.nextInt(3)]);
    int faulty = fault ? random.nextInt(rows) : -1;
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < columns; c++) {
        text.append(c == 0 ? "" : delimiter).append(randomField(random, delimiter));
      }
      if (r == faulty) {
        switch (random.nextInt(3)) {
          case 0 -> text.append(delimiter).append("extra");
          case 1 -> text.append(delimiter).append("\"closed\"x");
          default -> {
            return text.append(delimiter).append("\"never closed").append(delimiter).append("\n").toString();
          }
        }
      }
      if (r < rows - 1 || random.nextBoolean()) {
        text.append(ENDINGS[random.nextInt(3)]);
      }
    }
    return text.toString();
  }

  /** Like {@link #randomFile} without faults, but most fields plain letters and digits and most lines ending in LF. */
  private static String mostlyPlainFile(Random random, int columns, char delimiter, int rows) {
    StringBuilder text = new StringBuilder(random.nextInt(8) == 0 ? "\uFEFF" : "");
    for (int r = 0; r <= rows; r++) {
      for (int c = 0; c < columns; c++) {
        text.append(c == 0 ? "" : delimiter);
        if (random.nextInt(40) == 0) {
          text.append(randomField(random, delimiter));
        } else {
          for (int i = random.nextInt(9); i > 0; i--) {
            text.append((char) ('a' + random.nextInt(26)));
          }
        }
      }
      if (r < rows || random.nextBoolean()) {
        text.append(random.nextInt(30) == 0 ? ENDINGS[random.nextInt(3)] : "\n");
      }
    }
    return text.toString();
  }

  private static String randomField(Random random, char delimiter) {
    String alphabet = "ab\"" + delimiter + "\n\r\u00e9";
    StringBuilder value = new StringBuilder();
    for (int i = random.nextInt(6); i > 0; i--) {
      value.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    String v = value.toString();
    boolean mustQuote = v.indexOf(delimiter) >= 0 || v.contains("\n") || v.contains("\r") || v.startsWith("\"");
    if (mustQuote || random.nextInt(4) == 0) {
      return "\"" + v.replace("\"", "\"\"") + "\"";
    }
    return v.isEmpty() ? "x" : v;
  }
}
