package io.memflow.sort;

import io.memflow.memory.MemorySegment;
import io.memflow.memory.view.DataInputView;
import io.memflow.serialization.SortComparator;
import io.memflow.serialization.TypeSerializer;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicLong;

/** Test comparators over {@link Rec}, in several flavours of normalized key, either direction. */
class RecComparator implements SortComparator<Rec> {

  enum Kind {
    /** Orders by key; an 8-byte prefix decides the order. */
    KEY_DECIDES(8, true),
    /** Orders by key, then secondary; the prefix holds only the key's top 4 bytes. */
    KEY_THEN_SECONDARY(4, false),
    /** Orders by key, then secondary, with no normalized key at all. */
    NO_PREFIX(0, false);

    final int keyLength;
    final boolean decides;

    Kind(int keyLength, boolean decides) {
      this.keyLength = keyLength;
      this.decides = decides;
    }
  }

  final Kind kind;
  final boolean descending;
  /** Counts full comparisons (shared by duplicates). */
  final AtomicLong fullCompares;

  RecComparator(Kind kind, boolean descending) {
    this(kind, descending, new AtomicLong());
  }

  private RecComparator(Kind kind, boolean descending, AtomicLong fullCompares) {
    this.kind = kind;
    this.descending = descending;
    this.fullCompares = fullCompares;
  }

  @Override
  public TypeSerializer<Rec> serializer() {
    return Rec.SERIALIZER;
  }

  @Override
  public int normalizedKeyLength() {
    return kind.keyLength;
  }

  @Override
  public boolean normalizedKeyDecidesOrder(int numBytes) {
    return kind.decides && numBytes >= 8;
  }

  @Override
  public void putNormalizedKey(Rec record, MemorySegment target, int offset, int numBytes) {
    long bits = record.key() ^ Long.MIN_VALUE;
    for (int i = 0; i < numBytes; i++) {
      byte b = i < 8 ? (byte) (bits >>> (56 - 8 * i)) : 0;
      target.put(offset + i, descending ? (byte) ~b : b);
    }
  }

  @Override
  public int compare(Rec a, Rec b) {
    int c = Long.compare(a.key(), b.key());
    if (c == 0 && kind != Kind.KEY_DECIDES) {
      c = Integer.compare(a.secondary(), b.secondary());
    }
    return descending ? -c : c;
  }

  @Override
  public int compareSerialized(DataInputView a, DataInputView b) throws IOException {
    fullCompares.incrementAndGet();
    return compare(Rec.SERIALIZER.deserialize(a), Rec.SERIALIZER.deserialize(b));
  }

  @Override
  public SortComparator<Rec> duplicate() {
    return new RecComparator(kind, descending, fullCompares);
  }

  @Override
  public String toString() {
    return kind + (descending ? " desc" : " asc");
  }
}
