package io.memflow.csv;

import io.memflow.row.FieldType;
import io.memflow.row.RowSchema;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The schema of a delimited text file: column names from its header, types declared or inferred
 * from its first rows. Every column is nullable (an empty unquoted field is null).
 *
 * <p><b>Inference.</b> A column is LONG if every non-empty value of the sampled rows is an integer
 * that fits a long, else DOUBLE if every one is a number, else STRING (also a column with no value
 * at all). Rows after the sample that do not fit the inferred type fail the read with the line and
 * column, and the advice to declare the column's type. Stateless.
 */
public final class CsvSchemas {

  /** Rows read to infer types, unless told otherwise. */
  public static final int DEFAULT_SAMPLE_ROWS = 20_000;

  private CsvSchemas() {}

  /**
   * The schema of {@code path}: the header's names; types from {@code declared} (column name to
   * type, any subset of the columns), the others inferred from up to {@code sampleRows} rows.
   *
   * @throws CsvException if the file has no header, a name is empty or repeated, a declared column
   *     is not in the header, or the sampled rows are malformed
   */
  public static RowSchema infer(Path path, CsvFormat format, Map<String, FieldType> declared, int sampleRows)
      throws IOException {
    try (CsvParser parser = new CsvParser(Files.newInputStream(path), path, format, 1 << 16)) {
      List<String> names = header(parser, path);
      checkDeclared(path, names, declared);
      FieldType[] types = inferTypes(parser, names, sampleRows);
      RowSchema.Builder schema = RowSchema.builder();
      for (int c = 0; c < names.size(); c++) {
        schema.nullableField(names.get(c), declared.getOrDefault(names.get(c), types[c]));
      }
      return schema.build();
    }
  }

  /** Reads the header row: the column names, checked to be non-empty and distinct. */
  static List<String> header(CsvParser parser, Path path) throws IOException {
    if (!parser.nextRow()) {
      throw new CsvException(path, 1, 1, null, "the file is empty; the first line must name the columns,"
          + " for example: id,name,amount");
    }
    List<String> names = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (int c = 0; c < parser.fieldCount(); c++) {
      byte[] value = parser.value(c);
      String name = new String(value, parser.valueStart(c), parser.valueLength(c), StandardCharsets.UTF_8).strip();
      if (name.isEmpty()) {
        throw new CsvException(path, 1, c + 1, null, "the header names no column here; give every column a name");
      }
      if (!seen.add(name)) {
        throw new CsvException(path, 1, c + 1, name, "the column name is used twice in the header; rename one");
      }
      names.add(name);
    }
    return names;
  }

  private static void checkDeclared(Path path, List<String> names, Map<String, FieldType> declared)
      throws CsvException {
    for (String name : declared.keySet()) {
      if (!names.contains(name)) {
        throw new CsvException(path, 1, 1, null, "a type is declared for column '" + name
            + "', which the header does not have; the columns are " + names);
      }
    }
  }

  private static FieldType[] inferTypes(CsvParser parser, List<String> names, int sampleRows) throws IOException {
    FieldType[] types = new FieldType[names.size()];
    boolean[] seenValue = new boolean[names.size()];
    java.util.Arrays.fill(types, FieldType.LONG);
    for (int row = 0; row < sampleRows && parser.nextRow(); row++) {
      int n = Math.min(parser.fieldCount(), names.size());
      for (int c = 0; c < n; c++) {
        if (parser.length(c) > 0 && types[c] != FieldType.STRING) {
          seenValue[c] = true;
          types[c] = widen(types[c], parser, c);
        }
      }
    }
    for (int c = 0; c < types.length; c++) {
      if (!seenValue[c]) {
        types[c] = FieldType.STRING;
      }
    }
    return types;
  }

  private static FieldType widen(FieldType type, CsvParser parser, int c) {
    byte[] b = parser.value(c);
    int from = parser.valueStart(c);
    int to = from + parser.valueLength(c);
    if (type == FieldType.LONG) {
      try {
        CsvNumbers.parseLong(b, from, to);
        return FieldType.LONG;
      } catch (CsvNumbers.NotANumber e) {
        // maybe a double
      }
    }
    try {
      CsvNumbers.parseDouble(b, from, to);
      return FieldType.DOUBLE;
    } catch (CsvNumbers.NotANumber e) {
      return FieldType.STRING;
    }
  }

  /**
   * Parses a declaration of column types: {@code name:type[,name:type...]}, types {@code int},
   * {@code long}, {@code double}, {@code string} (case-insensitive).
   *
   * @throws IllegalArgumentException naming the bad part and the accepted types
   */
  public static Map<String, FieldType> parseDeclaration(String declaration) {
    Map<String, FieldType> types = new LinkedHashMap<>();
    if (declaration == null || declaration.isBlank()) {
      return types;
    }
    for (String part : declaration.split(",")) {
      int colon = part.lastIndexOf(':');
      String name = colon < 0 ? "" : part.substring(0, colon).strip();
      String type = colon < 0 ? "" : part.substring(colon + 1).strip().toLowerCase(Locale.ROOT);
      FieldType fieldType = switch (type) {
        case "int" -> FieldType.INT;
        case "long" -> FieldType.LONG;
        case "double" -> FieldType.DOUBLE;
        case "string" -> FieldType.STRING;
        default -> null;
      };
      if (name.isEmpty() || fieldType == null) {
        throw new IllegalArgumentException("'" + part.strip() + "' is not a column declaration: write name:type,"
            + " with type one of int, long, double, string (for example amount:double,id:long)");
      }
      if (types.put(name, fieldType) != null) {
        throw new IllegalArgumentException("column '" + name + "' is declared twice in '" + declaration + "'");
      }
    }
    return types;
  }
}
