package io.memflow.memory;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * One typed accessor pair of {@link MemorySegment} (for example {@code getIntBigEndian} /
 * {@code putIntBigEndian}), found by reflection so that every accessor the class has is tested,
 * with a {@link ByteBuffer} as the reference for its encoding.
 */
record TypedAccessor(String name, Class<?> type, int width, ByteOrder order, Method getter, Method setter) {

  private static final Map<Class<?>, Integer> WIDTHS =
      Map.of(
          byte.class, 1, boolean.class, 1, char.class, 2, short.class, 2, int.class, 4,
          long.class, 8, float.class, 4, double.class, 8);

  /** Every typed accessor pair of MemorySegment: get/put, getX/putX, getXBigEndian, ... */
  static List<TypedAccessor> all() {
    List<TypedAccessor> result = new ArrayList<>();
    for (Method getter : MemorySegment.class.getMethods()) {
      if (!getter.getName().startsWith("get")
          || getter.getParameterCount() != 1
          || getter.getParameterTypes()[0] != int.class
          || !WIDTHS.containsKey(getter.getReturnType())) {
        continue;
      }
      String suffix = getter.getName().substring(3);
      Class<?> type = getter.getReturnType();
      Method setter = setter(suffix, type);
      ByteOrder order =
          suffix.endsWith("BigEndian")
              ? ByteOrder.BIG_ENDIAN
              : suffix.endsWith("LittleEndian") ? ByteOrder.LITTLE_ENDIAN : ByteOrder.nativeOrder();
      result.add(new TypedAccessor(suffix.isEmpty() ? "byte" : suffix, type, WIDTHS.get(type), order, getter, setter));
    }
    result.sort((a, b) -> a.name.compareTo(b.name));
    return result;
  }

  private static Method setter(String suffix, Class<?> type) {
    try {
      return MemorySegment.class.getMethod("put" + suffix, int.class, type);
    } catch (NoSuchMethodException e) {
      throw new AssertionError("getter get" + suffix + " has no matching put" + suffix, e);
    }
  }

  /** A random value of this accessor's type (NaN-free for floating point, so equals works). */
  Object randomValue(Random random) {
    return switch (type.getName()) {
      case "byte" -> (byte) random.nextInt();
      case "boolean" -> random.nextBoolean();
      case "char" -> (char) random.nextInt();
      case "short" -> (short) random.nextInt();
      case "int" -> random.nextInt();
      case "long" -> random.nextLong();
      case "float" -> random.nextFloat() * 1e6f - 5e5f;
      case "double" -> random.nextDouble() * 1e12 - 5e11;
      default -> throw new AssertionError(type);
    };
  }

  /** The bytes that Java's ByteBuffer produces for {@code value} in this accessor's order. */
  byte[] referenceBytes(Object value) {
    ByteBuffer b = ByteBuffer.allocate(width).order(order);
    switch (value) {
      case Byte v -> b.put(v);
      case Boolean v -> b.put(v ? (byte) 1 : (byte) 0);
      case Character v -> b.putChar(v);
      case Short v -> b.putShort(v);
      case Integer v -> b.putInt(v);
      case Long v -> b.putLong(v);
      case Float v -> b.putFloat(v);
      case Double v -> b.putDouble(v);
      default -> throw new AssertionError(value);
    }
    return b.array();
  }

  /** The value that Java's ByteBuffer reads from {@code bytes} in this accessor's order. */
  Object referenceValue(byte[] bytes) {
    ByteBuffer b = ByteBuffer.wrap(bytes).order(order);
    return switch (type.getName()) {
      case "byte" -> b.get();
      case "boolean" -> b.get() != 0;
      case "char" -> b.getChar();
      case "short" -> b.getShort();
      case "int" -> b.getInt();
      case "long" -> b.getLong();
      case "float" -> b.getFloat();
      case "double" -> b.getDouble();
      default -> throw new AssertionError(type);
    };
  }

  Object get(MemorySegment segment, int index) {
    return invoke(getter, segment, index);
  }

  void put(MemorySegment segment, int index, Object value) {
    invoke(setter, segment, index, value);
  }

  private static Object invoke(Method method, MemorySegment segment, Object... args) {
    try {
      return method.invoke(segment, args);
    } catch (InvocationTargetException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new AssertionError(e.getCause());
    } catch (IllegalAccessException e) {
      throw new AssertionError(e);
    }
  }

  @Override
  public String toString() {
    return name;
  }
}
