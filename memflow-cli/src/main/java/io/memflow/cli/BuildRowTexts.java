package io.memflow.cli;

import io.memflow.csv.CsvChunkEncoder;
import io.memflow.csv.CsvFormat;
import io.memflow.memory.MemorySegment;
import io.memflow.row.BinaryRow;
import io.memflow.row.RowSchema;
import java.util.Arrays;

/**
 * The CSV text of build rows, formatted once per row and reused for every output pair the row is
 * in: the probe phase of {@link JoinEncode}, where each probe row meets a build row held in the
 * join's pages. The 5 M orders meet the 10 k customers 500 times each on average.
 *
 * <p><b>Key.</b> A build row is known by where its bytes are: its segment (by identity) and
 * offset. That names one row only while the join's in-memory build rows stay where they are,
 * which holds from the end of the build to the end of the probe input: no build row is added or
 * moved then (a partition spilled meanwhile only stops producing pairs). So the caller makes one
 * of these per probe phase and drops it before the join reads its spilled partitions back into
 * reused pages ({@code HashJoin.endProbe}).
 *
 * <p><b>Bounds.</b> Open addressing over {@code slots} entries, kept at most half full, and the
 * texts in one array of at most {@code maxBytes}; once either is full, rows not yet kept are
 * formatted every time, as without this. Not thread-safe: one per join subtask.
 */
final class BuildRowTexts {

  /** The slots of the table (a power of two) and the most bytes of text kept, by default. */
  static final int SLOTS = 1 << 16;
  static final int MAX_BYTES = 4 << 20;

  private final CsvChunkEncoder formatter;
  private final MemorySegment[] segments;
  private final int[] offsets;
  private final int[] starts;
  private final int[] lengths;
  private final int maxBytes;
  private byte[] texts = new byte[64 * 1024];
  private int used;
  private int entries;

  /** Texts of rows of {@code buildSchema} in {@code format}, with the default bounds. */
  BuildRowTexts(CsvFormat format, RowSchema buildSchema) {
    this(format, buildSchema, SLOTS, MAX_BYTES);
  }

  BuildRowTexts(CsvFormat format, RowSchema buildSchema, int slots, int maxBytes) {
    if (Integer.bitCount(slots) != 1) {
      throw new IllegalArgumentException("slots=" + slots + " must be a power of two");
    }
    this.formatter = new CsvChunkEncoder(format, buildSchema);
    this.segments = new MemorySegment[slots];
    this.offsets = new int[slots];
    this.starts = new int[slots];
    this.lengths = new int[slots];
    this.maxBytes = maxBytes;
  }

  /** Appends the output row of {@code probe} and {@code build} (neither null) to {@code out}. */
  void writePair(CsvChunkEncoder out, BinaryRow probe, BinaryRow build) {
    MemorySegment segment = build.segment();
    int offset = build.offset();
    int mask = segments.length - 1;
    int slot = (System.identityHashCode(segment) * 0x9E37_79B9 + offset * 0x85EB_CA6B) >>> 7 & mask;
    while (segments[slot] != null) {
      if (segments[slot] == segment && offsets[slot] == offset) {
        out.writeWithText(probe, texts, starts[slot], lengths[slot]);
        return;
      }
      slot = (slot + 1) & mask;
    }
    formatter.clear();
    formatter.write(build);
    int length = formatter.size() - 1; // without the line break
    if (entries >= segments.length / 2 || used + length > maxBytes) {
      out.writeWithText(probe, formatter.buffer(), 0, length);
      return;
    }
    if (used + length > texts.length) {
      texts = Arrays.copyOf(texts, Math.min(maxBytes, Math.max(used + length, texts.length * 2)));
    }
    System.arraycopy(formatter.buffer(), 0, texts, used, length);
    segments[slot] = segment;
    offsets[slot] = offset;
    starts[slot] = used;
    lengths[slot] = length;
    used += length;
    entries++;
    out.writeWithText(probe, texts, starts[slot], length);
  }

  /** The rows whose text is kept. */
  int size() {
    return entries;
  }
}
