package io.memflow.sort;

import io.memflow.memory.MemorySegment;
import io.memflow.memory.view.DataInputView;
import io.memflow.serialization.Serializers;
import io.memflow.serialization.SortComparator;
import io.memflow.serialization.TypeSerializer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Orders strings by their UTF-8 bytes (unsigned); the prefix is the first 16 bytes, never deciding. */
final class StringComparator implements SortComparator<String> {

  final boolean descending;

  StringComparator(boolean descending) {
    this.descending = descending;
  }

  @Override
  public TypeSerializer<String> serializer() {
    return Serializers.STRING;
  }

  @Override
  public int normalizedKeyLength() {
    return 16;
  }

  @Override
  public boolean normalizedKeyDecidesOrder(int numBytes) {
    return false;
  }

  @Override
  public void putNormalizedKey(String record, MemorySegment target, int offset, int numBytes) {
    byte[] bytes = record.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < numBytes; i++) {
      byte b = i < bytes.length ? bytes[i] : 0;
      target.put(offset + i, descending ? (byte) ~b : b);
    }
  }

  @Override
  public int compare(String a, String b) {
    int c = Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    return descending ? -c : c;
  }

  @Override
  public int compareSerialized(DataInputView a, DataInputView b) throws IOException {
    return compare(Serializers.STRING.deserialize(a), Serializers.STRING.deserialize(b));
  }

  @Override
  public SortComparator<String> duplicate() {
    return this;
  }
}
