package io.memflow.row;

import java.util.Arrays;

/**
 * The key fields of rows of one schema, for hashing and equality: what hash aggregation groups by
 * and what a hash join matches on. The same key may be taken from rows of two schemas (the two
 * sides of a join) when the key fields' types agree in order ({@link #checkComparable}).
 *
 * <p><b>Equality.</b> Key values are equal as values, not as bits: two doubles are equal when
 * {@code ==} holds or both are NaN (so {@code -0.0} equals {@code 0.0}), strings and bytes when
 * their bytes are. Two nulls are equal here (a null group is one group); a join, where null never
 * matches, asks {@link #hasNull} first. Equal keys have equal hashes for every seed.
 *
 * <p><b>Hashing.</b> {@link #hash(BinaryRow, int)} mixes each field's value into a 64-bit state
 * started from the seed, with a strong finalizer (the 64-bit mix of MurmurHash3), so that the
 * bits of the result are usable for partitioning and bucket selection alike, and a different seed
 * spreads the keys of one overflowing partition anew (recursive spilling). Strings and bytes are
 * read in place, eight bytes at a time, without allocating. Values are only meaningful within one
 * process (byte order is native).
 *
 * <p>Immutable and thread-safe.
 */
public final class KeyFields {

  private static final long NULL_HASH = 0x9E37_79B9_7F4A_7C15L;
  private static final long MULTIPLIER = 0xC2B2_AE3D_27D4_EB4FL;

  private final RowSchema schema;
  private final int[] fields;
  private final FieldType[] types;
  /** Whether any key field may be null: if none may, no row of the schema has a null key. */
  private final boolean nullable;

  private KeyFields(RowSchema schema, int[] fields) {
    if (fields.length == 0) {
      throw new IllegalArgumentException("a key needs at least one field, fields=[] of " + schema);
    }
    this.schema = schema;
    this.fields = fields;
    this.types = new FieldType[fields.length];
    for (int k = 0; k < fields.length; k++) {
      schema.checkIndex(fields[k]);
      types[k] = schema.type(fields[k]);
    }
    this.nullable = Arrays.stream(fields).anyMatch(schema::isNullable);
  }

  /** The key made of {@code fields} (indexes into {@code schema}, in key order). */
  public static KeyFields of(RowSchema schema, int... fields) {
    return new KeyFields(schema, fields.clone());
  }

  /** The schema the key fields index into. */
  public RowSchema schema() {
    return schema;
  }

  /** The number of key fields. */
  public int size() {
    return fields.length;
  }

  /** The schema index of key field {@code k}. */
  public int field(int k) {
    return fields[k];
  }

  /**
   * Checks that {@code other}'s key fields have the same types in the same order, so that keys of
   * the two can be compared and hash alike.
   *
   * @throws IllegalArgumentException naming both keys' types if they differ
   */
  public void checkComparable(KeyFields other) {
    if (!Arrays.equals(types, other.types)) {
      throw new IllegalArgumentException("key types differ: " + Arrays.toString(types) + " (fields "
          + Arrays.toString(fields) + ") and " + Arrays.toString(other.types) + " (fields "
          + Arrays.toString(other.fields) + "); declare keys of the same types in the same order");
    }
  }

  /** Whether any key field of {@code row} is null (never if no key field is nullable in the schema). */
  public boolean hasNull(BinaryRow row) {
    if (!nullable) {
      return false;
    }
    for (int field : fields) {
      if (row.isNullAt(field)) {
        return true;
      }
    }
    return false;
  }

  /** The hash of {@code row}'s key under {@code seed}; equal keys hash alike. */
  public int hash(BinaryRow row, int seed) {
    long state = mix(seed ^ NULL_HASH);
    for (int k = 0; k < fields.length; k++) {
      state = (state ^ fieldHash(row, k)) * MULTIPLIER;
    }
    return (int) mix(state);
  }

  private long fieldHash(BinaryRow row, int k) {
    int field = fields[k];
    if (row.isNullAt(field)) {
      return NULL_HASH;
    }
    return switch (types[k]) {
      case INT -> mix(row.getInt(field));
      case LONG -> mix(row.getLong(field));
      case DOUBLE -> mix(doubleBits(row.getDouble(field)));
      case STRING, BYTES -> bytesHash(row, field);
    };
  }

  /** Bits equal for equal doubles: {@code -0.0} as {@code 0.0}, every NaN as one. */
  private static long doubleBits(double value) {
    return value == 0.0 ? 0L : Double.doubleToLongBits(value);
  }

  private static long bytesHash(BinaryRow row, int field) {
    var segment = row.segment();
    int offset = row.fieldOffset(field);
    int length = row.fieldLength(field);
    long state = length;
    int i = 0;
    for (; i <= length - Long.BYTES; i += Long.BYTES) {
      state = (state ^ mix(segment.getLong(offset + i))) * MULTIPLIER;
    }
    long tail = 0;
    for (; i < length; i++) {
      tail = tail << 8 | (segment.get(offset + i) & 0xFF);
    }
    return mix(state ^ tail);
  }

  /** The 64-bit finalizer of MurmurHash3: every input bit affects every output bit. */
  static long mix(long value) {
    long h = value;
    h ^= h >>> 33;
    h *= 0xFF51_AFD7_ED55_8CCDL;
    h ^= h >>> 33;
    h *= 0xC4CE_B9FE_1A85_EC53L;
    h ^= h >>> 33;
    return h;
  }

  /**
   * Whether the key of {@code row} equals the key of {@code other}, whose key fields are {@code
   * otherKey} (this key itself, or a comparable one of another schema). Two nulls are equal.
   */
  public boolean equal(BinaryRow row, KeyFields otherKey, BinaryRow other) {
    boolean nulls = nullable || otherKey.nullable;
    for (int k = 0; k < fields.length; k++) {
      int i = fields[k];
      int j = otherKey.fields[k];
      if (nulls && (row.isNullAt(i) || other.isNullAt(j))) {
        if (row.isNullAt(i) != other.isNullAt(j)) {
          return false;
        }
      } else if (!valueEqual(row, i, other, j, types[k])) {
        return false;
      }
    }
    return true;
  }

  /** Whether field {@code i} of {@code a} and {@code j} of {@code b}, both not null, are equal. */
  private static boolean valueEqual(BinaryRow a, int i, BinaryRow b, int j, FieldType type) {
    return switch (type) {
      case INT -> a.getInt(i) == b.getInt(j);
      case LONG -> a.getLong(i) == b.getLong(j);
      case DOUBLE -> doubleBits(a.getDouble(i)) == doubleBits(b.getDouble(j));
      case STRING, BYTES -> a.fieldLength(i) == b.fieldLength(j)
          && a.segment().equalTo(b.segment(), a.fieldOffset(i), b.fieldOffset(j), a.fieldLength(i));
    };
  }

  @Override
  public String toString() {
    return "KeyFields(fields=" + Arrays.toString(fields) + ", types=" + Arrays.toString(types) + ")";
  }
}
