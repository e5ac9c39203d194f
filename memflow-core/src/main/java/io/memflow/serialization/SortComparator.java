package io.memflow.serialization;

import io.memflow.memory.MemorySegment;
import io.memflow.memory.view.DataInputView;
import java.io.IOException;

/**
 * How a sorter orders the records of one type: a normalized key (an order-preserving byte
 * prefix) that the sorter stores next to each record pointer and compares as unsigned bytes, and
 * a full comparison for prefix ties.
 *
 * <p><b>Contract.</b> For records {@code a} and {@code b} and any {@code n <=
 * normalizedKeyLength()}, let {@code ka} and {@code kb} be the first {@code n} bytes that {@link
 * #putNormalizedKey} writes. If {@code ka < kb} (unsigned lexicographic), then {@code compare(a,
 * b) < 0}; if {@code ka > kb}, then {@code compare(a, b) > 0}. Equal prefixes decide nothing
 * unless {@link #normalizedKeyDecidesOrder(int)} is true for {@code n}, in which case they mean
 * {@code compare(a, b) == 0}. {@code compare} and {@link #compareSerialized} always agree.
 *
 * <p><b>Threads and ownership.</b> A comparator may keep scratch state for {@link
 * #compareSerialized}, so it is not thread-safe: each thread (each sorter) takes its own from
 * {@link #duplicate()}. It owns no memory pages.
 *
 * @param <T> the type of the records
 */
public interface SortComparator<T> {

  /** The serializer of the records this comparator orders. */
  TypeSerializer<T> serializer();

  /** The largest useful normalized key length in bytes (0 if the type has none). */
  int normalizedKeyLength();

  /**
   * Whether a normalized key of {@code numBytes} bytes fully decides the order, so that records
   * with equal keys compare equal and the sorter can skip the full comparison.
   */
  boolean normalizedKeyDecidesOrder(int numBytes);

  /**
   * Writes the first {@code numBytes} bytes of {@code record}'s normalized key to {@code target}
   * at {@code offset}, padding with zero bytes past the end of the key.
   *
   * @param numBytes at most {@link #normalizedKeyLength()}
   */
  void putNormalizedKey(T record, MemorySegment target, int offset, int numBytes);

  /** Compares two records: negative, zero or positive as {@code a} orders before, with or after {@code b}. */
  int compare(T a, T b);

  /**
   * Compares two serialized records, each read from the current position of its view (both views
   * are left at unspecified positions). Agrees with {@link #compare}.
   */
  int compareSerialized(DataInputView a, DataInputView b) throws IOException;

  /** A comparator equal to this one with its own scratch state, for another thread. */
  SortComparator<T> duplicate();
}
