package io.memflow.cli;

import io.memflow.csv.CsvFormat;
import io.memflow.csv.CsvRowReader;
import io.memflow.csv.CsvSchemas;
import io.memflow.csv.CsvSplits;
import io.memflow.hash.HashCombiner;
import io.memflow.row.BinaryRow;
import io.memflow.row.FieldType;
import io.memflow.row.KeyFields;
import io.memflow.row.RowSchema;
import io.memflow.row.SortField;
import io.memflow.runtime.Source;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * The user's input files for the built-in jobs: checks them, infers or reads their schema, resolves
 * column names, and reads them as a source. Errors are {@link UserInputException}s that name the
 * file, the column and the fix.
 */
final class CsvInputs {

  private CsvInputs() {}

  /** The schema of {@code file}, with {@code declaration}'s types winning over inferred ones. */
  static RowSchema schema(Path file, String declaration) {
    checkReadable(file);
    Map<String, FieldType> declared;
    try {
      declared = CsvSchemas.parseDeclaration(declaration);
    } catch (IllegalArgumentException e) {
      throw new UserInputException("bad --types: " + e.getMessage(), e);
    }
    try {
      return CsvSchemas.infer(file, CsvFormat.forPath(file), declared, CsvSchemas.DEFAULT_SAMPLE_ROWS);
    } catch (IOException e) {
      throw new UserInputException(e.getMessage(), e);
    }
  }

  static void checkReadable(Path file) {
    if (!Files.exists(file)) {
      throw new UserInputException("input file " + file + " does not exist; check the path.");
    }
    if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
      throw new UserInputException("input file " + file + " is not a readable file; check the path and its permissions.");
    }
  }

  /** The size of {@code file} in bytes, which {@link #checkReadable} found readable. */
  static long size(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      throw new UserInputException("cannot read the size of input file " + file + ": " + e.getMessage() + "; check the path.", e);
    }
  }

  /** The output file's directory must exist; the file itself is replaced only on success. */
  static void checkOutput(Path file) {
    Path dir = file.toAbsolutePath().getParent();
    if (dir == null || !Files.isDirectory(dir)) {
      throw new UserInputException("the directory of output file " + file + " does not exist; create it or choose another --output.");
    }
    if (Files.isDirectory(file)) {
      throw new UserInputException("output " + file + " is a directory; give a file name.");
    }
  }

  /**
   * A source reading {@code file}: with parallelism {@code n}, subtask {@code k} reads the rows of
   * range {@code k} of {@link CsvSplits} (cut once, by the first subtask that asks).
   */
  static Source source(Path file, RowSchema schema) {
    return source(file, schema, IntStream.range(0, schema.fieldCount()).toArray());
  }

  /**
   * As {@link #source(Path, RowSchema)}, with rows of the file's columns {@code columns} only
   * (their schema is {@code schema.project(columns)}): the other columns are never converted.
   */
  static Source source(Path file, RowSchema schema, int[] columns) {
    CsvFormat format = CsvFormat.forPath(file);
    Ranges ranges = new Ranges(file, format);
    int[] read = columns.clone();
    return (ctx, out) -> {
      CsvSplits.Split range = ranges.of(ctx.parallelism()).get(ctx.subtask());
      try (CsvRowReader reader = CsvRowReader.open(file, format, schema, range, read)) {
        BinaryRow row;
        while ((row = reader.next()) != null) {
          out.collect(row);
        }
      }
    };
  }

  /**
   * Whether the rows of {@code file} repeat their values of {@code groupColumns} often enough for
   * pre-aggregation to fold them: in the first {@value #SAMPLE_ROWS} rows, at least {@value
   * HashCombiner#MIN_ROWS_PER_GROUP} rows per distinct key, the rule by which a combiner keeps its
   * table (a sample about the size of what a combiner's table holds before its first flush). A file
   * sorted by the keys passes, which folds well too. If the sample cannot be read (a malformed row),
   * true: the job then reports the problem.
   *
   * <p>Keys are told apart by their 32-bit hashes ({@link KeyFields#hash}, equal for equal keys) in
   * an open-addressing table of primitive longs: it runs on the main thread of a fresh JVM before
   * the job starts, where boxing each key into a set cost about as much again as reading the rows.
   * Two distinct keys of the sample share a hash rarely (about 0.3 pairs among 50,000 keys) and
   * only count as one.
   */
  static boolean groupsRepeat(Path file, RowSchema schema, int[] groupColumns) {
    CsvFormat format = CsvFormat.forPath(file);
    KeyFields key = KeyFields.of(schema.project(groupColumns), IntStream.range(0, groupColumns.length).toArray());
    long[] seen = new long[2 * SAMPLE_ROWS]; // at most half full; 0 is an empty slot
    int mask = seen.length - 1;
    long rows = 0;
    long distinct = 0;
    try (CsvRowReader reader = CsvRowReader.open(file, format, schema, CsvSplits.split(file, format, 1).getFirst(),
        groupColumns)) {
      for (BinaryRow row = reader.next(); row != null && rows < SAMPLE_ROWS; row = reader.next()) {
        int hash = key.hash(row, 0);
        long entry = 1L << 32 | (hash & 0xFFFF_FFFFL);
        int slot = (hash * 0x9E37_79B9) >>> 15 & mask;
        while (seen[slot] != 0 && seen[slot] != entry) {
          slot = (slot + 1) & mask;
        }
        if (seen[slot] == 0) {
          seen[slot] = entry;
          distinct++;
        }
        rows++;
        if (settled(rows, distinct)) {
          break;
        }
      }
    } catch (IOException | RuntimeException e) {
      return true;
    }
    return rows >= (long) HashCombiner.MIN_ROWS_PER_GROUP * distinct;
  }

  /**
   * Whether {@link #groupsRepeat}'s answer for the whole sample is known after {@code rows} rows
   * with {@code distinct} keys, whatever the rest holds: false once more keys were seen than the
   * sample could give {@value HashCombiner#MIN_ROWS_PER_GROUP} rows each, true once a new key in
   * every row left would still leave that many. The answer is then the one the whole sample gives
   * (a malformed row after this point is left for the job to report). On a file of distinct keys
   * it comes after half the sample; on the benchmark's orders after about 41 k of the 65,536 rows
   * (9,250 and 48,847 keys in the whole sample). Reading the whole sample took 45-70 ms of a
   * fresh JVM's main thread, on the path to the job's start.
   */
  private static boolean settled(long rows, long distinct) {
    long perGroup = HashCombiner.MIN_ROWS_PER_GROUP;
    return perGroup * distinct > SAMPLE_ROWS || SAMPLE_ROWS >= perGroup * (distinct + SAMPLE_ROWS - rows);
  }

  /** The rows {@link #groupsRepeat} looks at. */
  static final int SAMPLE_ROWS = 1 << 16;

  /** The ranges of one file, cut on first use; thread-safe. */
  private static final class Ranges {
    private final Path file;
    private final CsvFormat format;
    private List<CsvSplits.Split> splits;

    Ranges(Path file, CsvFormat format) {
      this.file = file;
      this.format = format;
    }

    synchronized List<CsvSplits.Split> of(int n) throws IOException {
      if (splits == null || splits.size() != n) {
        splits = CsvSplits.split(file, format, n);
      }
      return splits;
    }
  }

  /** The index of column {@code name} of {@code file}. */
  static int column(RowSchema schema, Path file, String name, String option) {
    int index = indexOf(schema, name.strip());
    if (index < 0) {
      throw new UserInputException("column '" + name.strip() + "' of " + option + " is not in " + file
          + "; its columns are " + names(schema) + ".");
    }
    return index;
  }

  /** The index of {@code name} in {@code schema}, or -1. */
  static int indexOf(RowSchema schema, String name) {
    for (int i = 0; i < schema.fieldCount(); i++) {
      if (schema.field(i).name().equals(name)) {
        return i;
      }
    }
    return -1;
  }

  static String names(RowSchema schema) {
    List<String> names = new ArrayList<>();
    schema.fields().forEach(f -> names.add(f.name()));
    return String.join(", ", names);
  }

  /** Parses {@code COL[:asc|:desc][,COL...]}. */
  static SortField[] sortKeys(RowSchema schema, Path file, String spec) {
    List<SortField> keys = new ArrayList<>();
    for (String part : spec.split(",")) {
      String[] bits = part.strip().split(":");
      if (bits.length > 2 || bits[0].isBlank()) {
        throw new UserInputException("bad --by part '" + part + "'; write COL or COL:desc, comma-separated.");
      }
      int field = column(schema, file, bits[0], "--by");
      String dir = bits.length == 2 ? bits[1].strip().toLowerCase(Locale.ROOT) : "asc";
      keys.add(switch (dir) {
        case "asc" -> SortField.ascending(field);
        case "desc" -> SortField.descending(field);
        default -> throw new UserInputException("bad direction '" + bits[1] + "' in --by " + spec + "; use asc or desc.");
      });
    }
    return keys.toArray(SortField[]::new);
  }

  /** Parses {@code COL[,COL...]}. */
  static int[] columns(RowSchema schema, Path file, String spec, String option) {
    String[] parts = spec.split(",");
    int[] fields = new int[parts.length];
    for (int i = 0; i < parts.length; i++) {
      fields[i] = column(schema, file, parts[i], option);
    }
    return fields;
  }
}
