package io.memflow.sort;

/**
 * What {@link RadixSort} and {@link IndexSort} sort: {@code size()} entries addressed by position,
 * compared by their key prefix alone or in full, and swapped in place. Public so that the
 * runtime's other packages can sort an index of their own (the hash aggregator orders its groups
 * with it); an implementation must keep the contract of {@link #comparePrefix} and {@link
 * #compare}: a smaller prefix orders first, equal prefixes fall to the full comparison. Not
 * thread-safe.
 */
public interface IndexedSortable {

  /** The number of entries. */
  int size();

  /** Compares the key prefixes of entries {@code i} and {@code j} as unsigned bytes. */
  int comparePrefix(int i, int j);

  /** Compares entries {@code i} and {@code j} in full: the prefix, then the records on a tie. */
  int compare(int i, int j);

  /** Exchanges entries {@code i} and {@code j}. */
  void swap(int i, int j);

  /** Whether the index stores a key prefix at all (if not, only {@link #compare} is used). */
  boolean hasPrefix();

  /** The bytes of each entry's key prefix (0 if {@link #hasPrefix()} is false). */
  int prefixLength();

  /** Byte {@code k} of entry {@code i}'s key prefix, unsigned (0..255), for {@code k < prefixLength()}. */
  int prefixByte(int i, int k);

  /** Whether equal prefixes mean equal records, so ties need no full comparison. */
  boolean prefixDecidesOrder();

  /**
   * Moves all entries into 256 buckets by prefix byte 0, out of place, if the sortable chooses
   * to and has the room for a second copy of its entries; fills {@code start[0..256]} with the
   * bucket bounds (bucket {@code b} is {@code [start[b], start[b + 1])}). Entries within a bucket
   * keep no particular order.
   *
   * @return whether it did; if not, nothing moved and {@code start} holds nothing of meaning
   */
  default boolean distributeByFirstByte(int[] start) {
    return false;
  }
}
