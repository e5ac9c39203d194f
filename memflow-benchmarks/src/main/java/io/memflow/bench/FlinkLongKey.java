package io.memflow.bench;

import org.apache.flink.core.memory.MemorySegment;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.runtime.generated.NormalizedKeyComputer;
import org.apache.flink.table.runtime.generated.RecordComparator;

/**
 * What Flink's code generator would produce for a BIGINT grouping key in field 0: an 8-byte
 * normalized key that decides the order, and the matching record comparator. Used by Flink's
 * spilling sorter of hash-map entries. Stateless.
 */
final class FlinkLongKey implements NormalizedKeyComputer, RecordComparator {

  private static final long serialVersionUID = 1L;

  @Override
  public void putKey(RowData record, MemorySegment target, int offset) {
    target.putLongBigEndian(offset, record.getLong(0) ^ Long.MIN_VALUE);
  }

  @Override
  public int compareKey(MemorySegment a, int aOffset, MemorySegment b, int bOffset) {
    return Long.compareUnsigned(a.getLongBigEndian(aOffset), b.getLongBigEndian(bOffset));
  }

  @Override
  public void swapKey(MemorySegment a, int aOffset, MemorySegment b, int bOffset) {
    long x = a.getLong(aOffset);
    a.putLong(aOffset, b.getLong(bOffset));
    b.putLong(bOffset, x);
  }

  @Override
  public int getNumKeyBytes() {
    return Long.BYTES;
  }

  @Override
  public boolean isKeyFullyDetermines() {
    return true;
  }

  @Override
  public boolean invertKey() {
    return false;
  }

  @Override
  public int compare(RowData a, RowData b) {
    return Long.compare(a.getLong(0), b.getLong(0));
  }
}
