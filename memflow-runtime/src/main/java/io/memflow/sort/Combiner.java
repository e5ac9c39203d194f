package io.memflow.sort;

/**
 * Combines two records with equal keys (the comparator says {@code compare(a, b) == 0}) into one,
 * as a pre-aggregation: an {@link ExternalSorter} with a combiner applies it when it spills a
 * buffer and when it merges, so the output holds one record per key.
 *
 * <p><b>Threads and ownership.</b> Called by one thread at a time, but not always the same one
 * (the sorter's background thread while spilling and merging, the consumer's thread for the final
 * merge), with happens-before between the calls. The result may be {@code a} or {@code b}
 * modified, or a new record; it must compare equal to both and must not be null.
 *
 * @param <T> the type of the records
 */
@FunctionalInterface
public interface Combiner<T> {

  /** One record standing for {@code a} and {@code b}, which have equal keys. */
  T combine(T a, T b);
}
