/**
 * Sorting on serialized records in managed memory: the {@link io.memflow.sort.InMemorySorter}
 * (records as bytes in pages, an index of pointers and normalized-key prefixes sorted in place)
 * and the {@link io.memflow.sort.ExternalSorter} (sort buffers circulated between the caller's
 * thread and a background sort/spill thread, sorted runs spilled to files of an {@link io.memflow.io.SpillManager} and merged). Records
 * are ordered by a {@link io.memflow.serialization.SortComparator}. See {@code docs/sorting.md}.
 */
package io.memflow.sort;
