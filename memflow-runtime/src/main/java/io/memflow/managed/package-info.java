/**
 * Managed memory: the {@code MemoryManager} that lends pages and byte reservations to the
 * consumers of a slot (sorters, hash tables, caches, state stores) within a fixed budget.
 */
package io.memflow.managed;
