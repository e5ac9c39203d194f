package io.memflow.serialization;

import io.memflow.memory.view.DataInputView;
import io.memflow.memory.view.DataOutputView;
import java.io.IOException;

/**
 * The fixed-length serializers of {@link Serializers}: big-endian, as {@link java.io.DataOutput}
 * writes them. All stateless and thread-safe; {@code null} values fail with {@link
 * NullPointerException} (unboxing).
 */
final class PrimitiveSerializers {

  private PrimitiveSerializers() {}

  /** Shared by all: a fixed length, copy as raw bytes, a name. */
  private abstract static class Fixed<T> implements TypeSerializer<T> {
    private final int length;
    private final String name;

    Fixed(int length, String name) {
      this.length = length;
      this.name = name;
    }

    @Override
    public final void copy(DataInputView source, DataOutputView target) throws IOException {
      target.write(source, length);
    }

    @Override
    public final int getLength() {
      return length;
    }

    @Override
    public final String toString() {
      return "Serializers." + name;
    }
  }

  static final class BooleanSerializer extends Fixed<Boolean> {
    BooleanSerializer() {
      super(1, "BOOLEAN");
    }

    @Override
    public void serialize(Boolean value, DataOutputView target) throws IOException {
      target.writeBoolean(value);
    }

    @Override
    public Boolean deserialize(DataInputView source) throws IOException {
      return source.readBoolean();
    }
  }

  static final class ByteSerializer extends Fixed<Byte> {
    ByteSerializer() {
      super(1, "BYTE");
    }

    @Override
    public void serialize(Byte value, DataOutputView target) throws IOException {
      target.writeByte(value);
    }

    @Override
    public Byte deserialize(DataInputView source) throws IOException {
      return source.readByte();
    }
  }

  static final class ShortSerializer extends Fixed<Short> {
    ShortSerializer() {
      super(2, "SHORT");
    }

    @Override
    public void serialize(Short value, DataOutputView target) throws IOException {
      target.writeShort(value);
    }

    @Override
    public Short deserialize(DataInputView source) throws IOException {
      return source.readShort();
    }
  }

  static final class CharSerializer extends Fixed<Character> {
    CharSerializer() {
      super(2, "CHAR");
    }

    @Override
    public void serialize(Character value, DataOutputView target) throws IOException {
      target.writeChar(value);
    }

    @Override
    public Character deserialize(DataInputView source) throws IOException {
      return source.readChar();
    }
  }

  static final class IntSerializer extends Fixed<Integer> {
    IntSerializer() {
      super(4, "INT");
    }

    @Override
    public void serialize(Integer value, DataOutputView target) throws IOException {
      target.writeInt(value);
    }

    @Override
    public Integer deserialize(DataInputView source) throws IOException {
      return source.readInt();
    }
  }

  static final class LongSerializer extends Fixed<Long> {
    LongSerializer() {
      super(8, "LONG");
    }

    @Override
    public void serialize(Long value, DataOutputView target) throws IOException {
      target.writeLong(value);
    }

    @Override
    public Long deserialize(DataInputView source) throws IOException {
      return source.readLong();
    }
  }

  static final class FloatSerializer extends Fixed<Float> {
    FloatSerializer() {
      super(4, "FLOAT");
    }

    @Override
    public void serialize(Float value, DataOutputView target) throws IOException {
      target.writeFloat(value);
    }

    @Override
    public Float deserialize(DataInputView source) throws IOException {
      return source.readFloat();
    }
  }

  static final class DoubleSerializer extends Fixed<Double> {
    DoubleSerializer() {
      super(8, "DOUBLE");
    }

    @Override
    public void serialize(Double value, DataOutputView target) throws IOException {
      target.writeDouble(value);
    }

    @Override
    public Double deserialize(DataInputView source) throws IOException {
      return source.readDouble();
    }
  }
}
