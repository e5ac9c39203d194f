package io.memflow.managed;

/** The contract under {@link AllocationPolicy#LRU_RECLAIM}, off-heap pages. */
class LruReclaimPolicyContractTest extends MemoryManagerContractTest {
  @Override
  AllocationPolicy policy() {
    return AllocationPolicy.LRU_RECLAIM;
  }
}
