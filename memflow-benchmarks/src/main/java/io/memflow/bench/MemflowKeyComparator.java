package io.memflow.bench;

import io.memflow.memory.MemorySegment;
import io.memflow.memory.view.DataInputView;
import io.memflow.serialization.Serializers;
import io.memflow.serialization.SortComparator;
import io.memflow.serialization.TypeSerializer;
import java.io.IOException;

/**
 * memflow's comparator for the {@link SortData} records, the twin of {@link FlinkKeyComparator}:
 * the first {@link SortData#KEY} bytes are the normalized key, and they decide the order. Records
 * are serialized with {@link Serializers#BYTE_ARRAY} (a varint length, then the bytes), as
 * Flink's byte-array serializer writes an int length and the bytes. Stateless and thread-safe.
 */
final class MemflowKeyComparator implements SortComparator<byte[]> {

  @Override
  public TypeSerializer<byte[]> serializer() {
    return Serializers.BYTE_ARRAY;
  }

  @Override
  public int normalizedKeyLength() {
    return SortData.KEY;
  }

  @Override
  public boolean normalizedKeyDecidesOrder(int numBytes) {
    return numBytes >= SortData.KEY;
  }

  @Override
  public void putNormalizedKey(byte[] record, MemorySegment target, int offset, int numBytes) {
    target.put(offset, record, 0, numBytes);
  }

  @Override
  public int compare(byte[] a, byte[] b) {
    return SortData.compareKeys(a, b);
  }

  @Override
  public int compareSerialized(DataInputView a, DataInputView b) throws IOException {
    return compare(Serializers.BYTE_ARRAY.deserialize(a), Serializers.BYTE_ARRAY.deserialize(b));
  }

  @Override
  public SortComparator<byte[]> duplicate() {
    return this;
  }
}
