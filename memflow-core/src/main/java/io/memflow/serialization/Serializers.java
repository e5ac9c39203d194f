package io.memflow.serialization;

/**
 * The built-in serializers. Each is a stateless, thread-safe singleton; fixed-length ones use
 * the big-endian layout of {@link java.io.DataOutput}.
 *
 * <pre>
 * serializer   bytes  layout
 * BOOLEAN      1      01 or 00 (reads any non-zero byte as true)
 * BYTE         1      the byte
 * SHORT, CHAR  2      big-endian
 * INT, FLOAT   4      big-endian (FLOAT: Float.floatToIntBits, so NaNs become canonical)
 * LONG, DOUBLE 8      big-endian (DOUBLE: Double.doubleToLongBits)
 * STRING       -1     Utf8Strings: varint (UTF-8 length + 1), 0 = null; then the UTF-8 bytes
 * BYTE_ARRAY   -1     varint (length + 1), 0 = null; then the bytes
 * </pre>
 *
 * The primitive serializers reject {@code null} with {@link NullPointerException}; {@code STRING}
 * and {@code BYTE_ARRAY} support it.
 */
public final class Serializers {

  /** {@code Boolean}: one byte. */
  public static final TypeSerializer<Boolean> BOOLEAN = new PrimitiveSerializers.BooleanSerializer();

  /** {@code Byte}: one byte. */
  public static final TypeSerializer<Byte> BYTE = new PrimitiveSerializers.ByteSerializer();

  /** {@code Short}: two bytes, big-endian. */
  public static final TypeSerializer<Short> SHORT = new PrimitiveSerializers.ShortSerializer();

  /** {@code Character}: two bytes, big-endian. */
  public static final TypeSerializer<Character> CHAR = new PrimitiveSerializers.CharSerializer();

  /** {@code Integer}: four bytes, big-endian. */
  public static final TypeSerializer<Integer> INT = new PrimitiveSerializers.IntSerializer();

  /** {@code Long}: eight bytes, big-endian. */
  public static final TypeSerializer<Long> LONG = new PrimitiveSerializers.LongSerializer();

  /** {@code Float}: four bytes, big-endian IEEE 754 (canonical NaN). */
  public static final TypeSerializer<Float> FLOAT = new PrimitiveSerializers.FloatSerializer();

  /** {@code Double}: eight bytes, big-endian IEEE 754 (canonical NaN). */
  public static final TypeSerializer<Double> DOUBLE = new PrimitiveSerializers.DoubleSerializer();

  /** {@code String} as length-prefixed UTF-8 ({@link io.memflow.memory.view.Utf8Strings}); null allowed. */
  public static final TypeSerializer<String> STRING = new StringSerializer();

  /** {@code byte[]} with a varint length prefix; null allowed. */
  public static final TypeSerializer<byte[]> BYTE_ARRAY = new ByteArraySerializer();

  private Serializers() {}
}
