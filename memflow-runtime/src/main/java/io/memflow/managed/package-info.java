/**
 * Managed memory: the {@link io.memflow.managed.MemoryManager} that lends pages and byte
 * reservations to the consumers of a slot (sorters, hash tables, caches, state stores) within a
 * fixed budget, under an {@link io.memflow.managed.AllocationPolicy} (fail, FIFO wait, LRU
 * reclaim, weighted fair share), with shared resources, consumer weights turned into fractions
 * ({@link io.memflow.managed.ManagedMemoryWeights}) and a read-only metrics snapshot. See {@code
 * docs/managed-memory.md}.
 */
package io.memflow.managed;
