package io.memflow.network;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/** Finds the {@link VarHandle}s of this package's atomically accessed fields, in static initializers. */
final class VarHandles {

  private VarHandles() {}

  /**
   * The handle of field {@code name} of type {@code type} in the class of {@code lookup}.
   *
   * @throws ExceptionInInitializerError if there is no such field (a bug)
   */
  static VarHandle field(MethodHandles.Lookup lookup, String name, Class<?> type) {
    try {
      return lookup.findVarHandle(lookup.lookupClass(), name, type);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }
}
