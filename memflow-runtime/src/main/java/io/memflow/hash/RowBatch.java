package io.memflow.hash;

import io.memflow.memory.MemorySegment;
import io.memflow.memory.MemorySegments;
import io.memflow.row.BinaryRow;
import io.memflow.row.RowSchema;

/**
 * A few rows copied aside with their key hashes, so that a hash table can look all of them up
 * before it processes any of them (see {@link AggTable#prefetch}). A row from a caller is valid
 * only until the caller's next call, hence the copy.
 *
 * <p><b>Why.</b> Each row of a large hash table costs two cache misses that depend on each other:
 * the bucket, then the group's record. One row at a time, the CPU waits for each in turn (about
 * 200 ns each on this project's VMs); loads for different rows are independent, so touching the
 * buckets of a whole batch first, then their records, lets the CPU overlap the misses, and the
 * row-at-a-time pass that follows finds the lines in cache.
 *
 * <p>Holds at most {@link #ROWS} rows and {@link #BYTES} bytes, on the heap (a fixed size per
 * aggregator, not per row). Not thread-safe.
 */
final class RowBatch {

  /** Rows per batch: their buckets and records fit the first-level cache with room to spare. */
  static final int ROWS = 64;

  /** Bytes of rows per batch. */
  static final int BYTES = 16 * 1024;

  private final MemorySegment bytes = MemorySegments.allocateHeap(BYTES);
  private final int[] offsets = new int[ROWS];
  private final int[] lengths = new int[ROWS];
  private final int[] hashes = new int[ROWS];
  private final BinaryRow row;
  private int size;
  private int end;

  RowBatch(RowSchema schema) {
    this.row = new BinaryRow(schema);
  }

  /** Copies {@code source} in with its hash; false (nothing copied) if the batch has no room. */
  boolean offer(BinaryRow source, int hash) {
    int length = source.sizeInBytes();
    if (size == ROWS || end + length > BYTES) {
      return false;
    }
    source.segment().copyTo(source.offset(), bytes, end, length);
    offsets[size] = end;
    lengths[size] = length;
    hashes[size] = hash;
    size++;
    end += (length + 7) & ~7;
    return true;
  }

  boolean isFull() {
    return size == ROWS;
  }

  int size() {
    return size;
  }

  /** The hashes of the rows, index {@code [0, size())}; the array is the batch's own. */
  int[] hashes() {
    return hashes;
  }

  /** Row {@code i}, valid until the next call of this method. */
  BinaryRow row(int i) {
    row.pointTo(bytes, offsets[i], lengths[i]);
    return row;
  }

  void clear() {
    size = 0;
    end = 0;
  }
}
