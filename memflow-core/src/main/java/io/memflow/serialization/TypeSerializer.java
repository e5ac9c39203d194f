package io.memflow.serialization;

import io.memflow.memory.view.DataInputView;
import io.memflow.memory.view.DataOutputView;
import java.io.IOException;

/**
 * Writes values of type {@code T} to a {@link DataOutputView} and reads them back, and copies a
 * serialized value from an input to an output without building the object (what sorting and
 * spilling need).
 *
 * <p>Implementations are stateless and thread-safe unless they say otherwise; they own nothing.
 * Invariant: {@code deserialize} reads exactly the bytes {@code serialize} wrote, and {@code copy}
 * moves exactly those bytes; if {@link #getLength()} is not -1, that is always their number.
 *
 * @param <T> the type of the values
 */
public interface TypeSerializer<T> {

  /**
   * Writes {@code value} to {@code target}.
   *
   * @throws NullPointerException if {@code value} is null and the serializer does not support null
   */
  void serialize(T value, DataOutputView target) throws IOException;

  /**
   * Reads one value from {@code source}.
   *
   * @throws java.io.EOFException if {@code source} ends inside the value
   */
  T deserialize(DataInputView source) throws IOException;

  /**
   * Reads one value from {@code source}, into {@code reuse} if the type is mutable and the
   * serializer supports it, to save an allocation per value; returns the value read, which is
   * {@code reuse} or a new object. {@code reuse} must be a value of this serializer that the caller
   * no longer needs. The default ignores {@code reuse} and calls {@link #deserialize(DataInputView)}.
   *
   * @throws java.io.EOFException if {@code source} ends inside the value
   */
  default T deserialize(T reuse, DataInputView source) throws IOException {
    return deserialize(source);
  }

  /**
   * As {@link #deserialize(Object, DataInputView)}, for a caller that lets go of the value before
   * it reads from {@code source} again: the value may then share memory with {@code source} (a
   * binary row pointing into the page it lies in) instead of being copied out, and is valid only
   * until the next read from {@code source}. The default is {@link #deserialize(Object,
   * DataInputView)}.
   *
   * @throws java.io.EOFException if {@code source} ends inside the value
   */
  default T deserializeTransient(T reuse, DataInputView source) throws IOException {
    return deserialize(reuse, source);
  }

  /**
   * A value equal to {@code value} that shares no memory with any input, for a caller that must
   * keep a value {@link #deserializeTransient} returned: {@code value} itself by default, a copy
   * where that method may share memory.
   */
  default T detach(T value) {
    return value;
  }

  /** Copies one serialized value from {@code source} to {@code target}, byte for byte. */
  void copy(DataInputView source, DataOutputView target) throws IOException;

  /** The number of bytes every value takes, or -1 if the length varies. */
  int getLength();
}
