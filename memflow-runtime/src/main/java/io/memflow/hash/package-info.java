/**
 * Hash operators on managed memory: binary hash tables in pages from a {@link
 * io.memflow.managed.MemoryManager} that spill partitions through {@link io.memflow.io.SpillManager}
 * when the pages run out. {@link io.memflow.hash.HashAggregator} groups and aggregates ({@link
 * io.memflow.hash.AggregateFunction}); see docs/hash-aggregation.md. Every operator owns its pages
 * and spill files and gives them back on success, failure and cancellation.
 */
package io.memflow.hash;
