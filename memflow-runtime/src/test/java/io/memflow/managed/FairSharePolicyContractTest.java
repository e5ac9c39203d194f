package io.memflow.managed;

/** The contract under {@link AllocationPolicy#FAIR_SHARE}, off-heap pages. */
class FairSharePolicyContractTest extends MemoryManagerContractTest {
  @Override
  AllocationPolicy policy() {
    return AllocationPolicy.FAIR_SHARE;
  }
}
