package io.memflow.sort;

import io.memflow.managed.MemoryAllocationException;
import io.memflow.managed.MemoryManager;
import io.memflow.memory.view.DataOutputView;
import io.memflow.serialization.RecordIterator;
import io.memflow.serialization.SortComparator;
import java.io.IOException;

/**
 * Sorts records in a fixed amount of managed memory: each record is serialized into record pages,
 * and an index of fixed-size entries (a pointer to the record and a normalized-key prefix) is
 * sorted in place; records are compared in full only on prefix ties. See {@code
 * docs/sorting.md} for the layout.
 *
 * <p>Use: {@link #write} records until it returns {@code false} (memory is full: backpressure as a
 * return value) or the input ends, {@link #sort()}, then read the records in order with {@link
 * #iterator()} or copy them as bytes with {@link #writeTo}; {@link #reset()} empties the sorter
 * for the next batch.
 *
 * <p><b>Threads.</b> Not thread-safe: one thread at a time (hand-off between threads needs a
 * happens-before edge, such as a queue).
 *
 * <p><b>Ownership.</b> The sorter owns its pages: those of {@link #create} are allocated for the
 * given owner and {@link #close()} releases every one of them to the manager. Invariants: {@code
 * size()} records are stored; after {@link #sort()} and until the next write, the index is in
 * ascending order of the comparator.
 *
 * @param <T> the type of the records
 */
public interface InMemorySorter<T> extends AutoCloseable {

  /**
   * A sorter over {@code numberOfPages} pages allocated now from {@code manager} for {@code
   * owner}. The pages hold the records and the index together; a record may span pages.
   *
   * @param comparator orders the records; the sorter uses its own {@link SortComparator#duplicate()}
   * @throws MemoryAllocationException if the manager cannot lend the pages (nothing is held)
   * @throws IllegalArgumentException if {@code numberOfPages < 2}
   */
  static <T> InMemorySorter<T> create(
      MemoryManager manager, Object owner, int numberOfPages, SortComparator<T> comparator)
      throws MemoryAllocationException {
    if (numberOfPages < 2) {
      throw new IllegalArgumentException(
          "numberOfPages=" + numberOfPages + " must be at least 2 (one index page, one record page)");
    }
    FixedPages pages = new FixedPages(manager, owner, numberOfPages);
    return new NormalizedKeySorter<>(comparator, pages, pages);
  }

  /**
   * Stores {@code record}, or returns {@code false} and stores nothing if memory is full.
   *
   * @throws NullPointerException if {@code record} is null
   * @throws IOException if the serializer fails (the sorter is unchanged)
   */
  boolean write(T record) throws IOException;

  /** The number of records stored. */
  int size();

  /** Whether no record is stored. */
  boolean isEmpty();

  /** The bytes in use: serialized records plus index entries. */
  long occupancy();

  /** The bytes of the pages the sorter holds now. */
  long capacity();

  /**
   * Sorts the records in ascending order of the comparator.
   *
   * @throws IOException if a full comparison fails to read a record
   */
  void sort() throws IOException;

  /**
   * The records in index order (sorted after {@link #sort()}). The iterator reads the sorter's
   * pages: it is valid until the next {@link #write}, {@link #reset()} or {@link #close()}, and so
   * is a record from its {@code next(reuse)}, which may lie in those pages ({@code
   * TypeSerializer.deserializeTransient}); records from {@code next()} are the caller's.
   */
  RecordIterator<T> iterator();

  /** Copies the serialized records in index order to {@code target}, for spilling. */
  void writeTo(DataOutputView target) throws IOException;

  /** Forgets every record; the sorter keeps its memory for the next batch. */
  void reset();

  /** Releases every page; afterwards the sorter must not be used. Idempotent. */
  @Override
  void close();
}
