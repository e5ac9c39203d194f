package io.memflow.row;

import io.memflow.memory.MemorySegment;
import io.memflow.memory.view.DataInputView;
import io.memflow.serialization.SortComparator;
import io.memflow.serialization.TypeSerializer;
import java.io.IOException;
import java.util.Arrays;

/**
 * Orders rows by key fields, each ascending or descending with nulls first or last, through a
 * normalized key and a full comparison.
 *
 * <p><b>The key.</b> The key fields' encodings ({@link NormalizedKeys}) back to back, each
 * preceded by a null indicator byte if the field is nullable. The key stops after the first
 * STRING or BYTES field: its 16-byte prefix may tie for different values, and bytes of later
 * fields after such a tie would claim an order that is not the row order. For key (INT id
 * nullable, STRING name desc, LONG ts):
 *
 * <pre>
 *  0     1             5     6                              22
 *  +-----+-------------+-----+------------------------------+
 *  | ind | id ^ 0x8..  | ind | ~(first 16 bytes of name,    |   ts: not in the key
 *  |     | big-endian  |     |    00-padded)                |
 *  +-----+-------------+-----+------------------------------+
 * </pre>
 *
 * The key decides the order exactly when every key field is fixed-width and all of the key is
 * compared. The full comparison reads fields in place, and strings and bytes compare as unsigned
 * bytes straight from memory; {@link #compareSerialized} reads both rows into scratch rows whose
 * buffers grow only for rows larger than any before, so it allocates nothing per call.
 *
 * <p>Not thread-safe (the scratch rows); {@link #duplicate()} gives one with its own. Owns no pages.
 */
final class RowSortComparator implements SortComparator<BinaryRow> {

  private final RowSchema schema;
  private final SortField[] keys;
  private final FieldType[] types;
  private final boolean[] nullable;
  private final int encodedKeys;
  private final int keyLength;
  private final boolean fixedWidthOnly;
  private final BinaryRowSerializer serializer;
  private final BinaryRow scratchA;
  private final BinaryRow scratchB;

  RowSortComparator(RowSchema schema, SortField... keys) {
    this.schema = schema;
    this.keys = checkKeys(schema, keys.clone());
    this.types = new FieldType[keys.length];
    this.nullable = new boolean[keys.length];
    int encoded = 0;
    int length = 0;
    boolean fixed = true;
    for (int k = 0; k < keys.length; k++) {
      types[k] = schema.type(keys[k].field());
      nullable[k] = schema.isNullable(keys[k].field());
      if (fixed) {
        encoded++;
        length += (nullable[k] ? 1 : 0) + width(types[k]);
      }
      fixed &= types[k].isFixedWidth();
    }
    this.encodedKeys = encoded;
    this.keyLength = length;
    this.fixedWidthOnly = fixed;
    this.serializer = new BinaryRowSerializer(schema);
    this.scratchA = new BinaryRow(schema);
    this.scratchB = new BinaryRow(schema);
  }

  private static SortField[] checkKeys(RowSchema schema, SortField[] keys) {
    if (keys.length == 0) {
      throw new IllegalArgumentException("a row comparator needs at least one key field, keys=0");
    }
    boolean[] seen = new boolean[schema.fieldCount()];
    for (SortField key : keys) {
      schema.checkIndex(key.field());
      if (seen[key.field()]) {
        throw new IllegalArgumentException("field=" + key.field() + " appears twice among the keys " + Arrays.toString(keys));
      }
      seen[key.field()] = true;
    }
    return keys;
  }

  private static int width(FieldType type) {
    return switch (type) {
      case INT -> Integer.BYTES;
      case LONG, DOUBLE -> Long.BYTES;
      case STRING, BYTES -> NormalizedKeys.VARIABLE_PREFIX_BYTES;
    };
  }

  @Override
  public TypeSerializer<BinaryRow> serializer() {
    return serializer;
  }

  @Override
  public int normalizedKeyLength() {
    return keyLength;
  }

  @Override
  public boolean normalizedKeyDecidesOrder(int numBytes) {
    return fixedWidthOnly && numBytes >= keyLength;
  }

  @Override
  public void putNormalizedKey(BinaryRow record, MemorySegment target, int offset, int numBytes) {
    if (numBytes < 0 || numBytes > keyLength) {
      throw new IllegalArgumentException("numBytes=" + numBytes + " must be in [0, normalizedKeyLength=" + keyLength + "]");
    }
    int end = offset + numBytes;
    int position = offset;
    for (int k = 0; k < encodedKeys && position < end; k++) {
      position = putKeyField(record, k, target, position, end);
    }
    if (position < end) {
      target.fill(position, end - position, (byte) 0);
    }
  }

  /** Writes key field {@code k} (indicator and value), cut at {@code end}; returns the next position. */
  private int putKeyField(BinaryRow record, int k, MemorySegment target, int position, int end) {
    SortField key = keys[k];
    int field = key.field();
    boolean isNull = record.isNullAt(field);
    if (nullable[k]) {
      target.put(position++, indicator(isNull, key.nulls()));
    }
    int count = Math.min(width(types[k]), end - position);
    if (count <= 0) {
      return position;
    }
    if (isNull) {
      target.fill(position, count, (byte) 0);
    } else if (types[k].isFixedWidth()) {
      long encoded = encode(record, field, types[k]);
      NormalizedKeys.putBigEndian(key.isDescending() ? ~encoded : encoded, width(types[k]), target, position, count);
    } else {
      NormalizedKeys.putVariable(record.segment(), record.fieldOffset(field), record.fieldLength(field),
          target, position, count, key.isDescending());
    }
    return position + count;
  }

  private static byte indicator(boolean isNull, SortField.Nulls nulls) {
    if (nulls == SortField.Nulls.FIRST) {
      return isNull ? NormalizedKeys.NULL_FIRST : NormalizedKeys.VALUE_AFTER_NULLS;
    }
    return isNull ? NormalizedKeys.NULL_LAST : NormalizedKeys.VALUE_BEFORE_NULLS;
  }

  private static long encode(BinaryRow record, int field, FieldType type) {
    return switch (type) {
      case INT -> NormalizedKeys.ofInt(record.getInt(field));
      case LONG -> NormalizedKeys.ofLong(record.getLong(field));
      case DOUBLE -> NormalizedKeys.ofDouble(record.getDouble(field));
      case STRING, BYTES -> throw new IllegalArgumentException("field=" + field + " is " + type + ", not fixed-width");
    };
  }

  @Override
  public int compare(BinaryRow a, BinaryRow b) {
    for (int k = 0; k < keys.length; k++) {
      int c = compareKeyField(a, b, k);
      if (c != 0) {
        return c;
      }
    }
    return 0;
  }

  private int compareKeyField(BinaryRow a, BinaryRow b, int k) {
    SortField key = keys[k];
    int field = key.field();
    boolean aNull = a.isNullAt(field);
    boolean bNull = b.isNullAt(field);
    if (aNull || bNull) {
      int nullsFirst = Boolean.compare(bNull, aNull); // null < value
      return key.nulls() == SortField.Nulls.FIRST ? nullsFirst : -nullsFirst;
    }
    int c = Integer.signum(switch (types[k]) {
      case INT -> Integer.compare(a.getInt(field), b.getInt(field));
      case LONG -> Long.compare(a.getLong(field), b.getLong(field));
      case DOUBLE -> Double.compare(a.getDouble(field), b.getDouble(field));
      case STRING, BYTES -> a.compareFieldBytes(field, b, field);
    });
    return key.isDescending() ? -c : c;
  }

  @Override
  public int compareSerialized(DataInputView a, DataInputView b) throws IOException {
    serializer.deserialize(scratchA, a);
    serializer.deserialize(scratchB, b);
    return compare(scratchA, scratchB);
  }

  @Override
  public SortComparator<BinaryRow> duplicate() {
    return new RowSortComparator(schema, keys);
  }

  @Override
  public String toString() {
    return "RowSortComparator(" + schema + ", keys=" + Arrays.toString(keys) + ", normalizedKeyLength=" + keyLength + ")";
  }
}
