package io.memflow.bench;

import java.io.IOException;
import java.io.Serial;
import org.apache.flink.api.common.typeutils.TypeComparator;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.core.memory.MemorySegment;

/**
 * Flink's side of the sort benchmarks: orders {@link SortData} records (serialized by Flink's
 * {@code BytePrimitiveArraySerializer}: a 4-byte length, then the bytes) by their 10-byte key,
 * with a 10-byte normalized key that decides the order, as Flink's own comparators for fixed
 * keys do. Not thread-safe (the reference record); {@link #duplicate()} for other threads.
 */
final class FlinkKeyComparator extends TypeComparator<byte[]> {

  @Serial private static final long serialVersionUID = 1L;

  private final byte[] left = new byte[SortData.KEY];
  private final byte[] right = new byte[SortData.KEY];
  private transient byte[] reference;

  @Override
  public int hash(byte[] record) {
    return java.util.Arrays.hashCode(java.util.Arrays.copyOf(record, SortData.KEY));
  }

  @Override
  public void setReference(byte[] toCompare) {
    reference = toCompare.clone();
  }

  @Override
  public boolean equalToReference(byte[] candidate) {
    return SortData.compareKeys(reference, candidate) == 0;
  }

  @Override
  public int compareToReference(TypeComparator<byte[]> referencedComparator) {
    return SortData.compareKeys(((FlinkKeyComparator) referencedComparator).reference, reference);
  }

  @Override
  public int compare(byte[] first, byte[] second) {
    return SortData.compareKeys(first, second);
  }

  @Override
  public int compareSerialized(DataInputView firstSource, DataInputView secondSource)
      throws IOException {
    firstSource.readInt();
    secondSource.readInt();
    firstSource.readFully(left);
    secondSource.readFully(right);
    return java.util.Arrays.compareUnsigned(left, right);
  }

  @Override
  public boolean supportsNormalizedKey() {
    return true;
  }

  @Override
  public boolean supportsSerializationWithKeyNormalization() {
    return false;
  }

  @Override
  public int getNormalizeKeyLen() {
    return SortData.KEY;
  }

  @Override
  public boolean isNormalizedKeyPrefixOnly(int keyBytes) {
    return keyBytes < SortData.KEY;
  }

  @Override
  public void putNormalizedKey(byte[] record, MemorySegment target, int offset, int numBytes) {
    target.put(offset, record, 0, Math.min(numBytes, SortData.KEY));
    for (int i = SortData.KEY; i < numBytes; i++) {
      target.put(offset + i, (byte) 0);
    }
  }

  @Override
  public void writeWithKeyNormalization(byte[] record, DataOutputView target) {
    throw new UnsupportedOperationException();
  }

  @Override
  public byte[] readWithKeyDenormalization(byte[] reuse, DataInputView source) {
    throw new UnsupportedOperationException();
  }

  @Override
  public boolean invertNormalizedKey() {
    return false;
  }

  @Override
  public TypeComparator<byte[]> duplicate() {
    return new FlinkKeyComparator();
  }

  @Override
  public int extractKeys(Object record, Object[] target, int index) {
    target[index] = record;
    return 1;
  }

  @Override
  @SuppressWarnings("rawtypes")
  public TypeComparator[] getFlatComparators() {
    return new TypeComparator[] {this};
  }
}
