package io.memflow.managed;

/** The contract under {@link AllocationPolicy#FAIL}, off-heap pages. */
class FailPolicyContractTest extends MemoryManagerContractTest {
  @Override
  AllocationPolicy policy() {
    return AllocationPolicy.FAIL;
  }
}
