package io.memflow.managed;

/**
 * A consumer of managed memory that can give some back on request: a cache that evicts, a
 * sorter or hash table that spills. Registered with {@link MemoryManager#registerConsumer}; the
 * {@link AllocationPolicy#LRU_RECLAIM} and {@link AllocationPolicy#FAIR_SHARE} policies call it.
 *
 * <p><b>Threads.</b> {@link #reclaim} runs on the thread of the consumer whose request is short,
 * never under a lock of the manager, possibly while the consumer's own thread is working and
 * possibly from several requesting threads at once: implementations must be thread-safe with
 * respect to the consumer's own use of its memory. The manager never asks a consumer to reclaim
 * on behalf of its own request. A consumer must not hold a lock that its own {@code reclaim}
 * needs while it requests memory: two consumers reclaiming from each other would deadlock.
 */
@FunctionalInterface
public interface Reclaimable {

  /**
   * Gives back at least {@code bytes} bytes if it can, by releasing pages or reservations through
   * the manager ({@link MemoryManager#release(io.memflow.memory.MemorySegment)}, {@link
   * MemoryManager#releaseMemory}). Giving back less (or nothing) is allowed; the manager then
   * asks the next consumer.
   *
   * @param bytes the bytes the request is still short of, at least 1
   * @return the bytes actually given back (informative: the manager checks its budget itself)
   */
  long reclaim(long bytes);
}
