package io.memflow.serialization;

import io.memflow.memory.view.DataInputView;
import io.memflow.memory.view.DataOutputView;
import io.memflow.memory.view.Utf8Strings;
import java.io.IOException;

/** Strings (and null) in the {@link Utf8Strings} layout. Stateless and thread-safe. */
final class StringSerializer implements TypeSerializer<String> {

  @Override
  public void serialize(String value, DataOutputView target) throws IOException {
    Utf8Strings.write(target, value);
  }

  @Override
  public String deserialize(DataInputView source) throws IOException {
    return Utf8Strings.read(source);
  }

  @Override
  public void copy(DataInputView source, DataOutputView target) throws IOException {
    Utf8Strings.copy(source, target);
  }

  @Override
  public int getLength() {
    return -1;
  }

  @Override
  public String toString() {
    return "Serializers.STRING";
  }
}
