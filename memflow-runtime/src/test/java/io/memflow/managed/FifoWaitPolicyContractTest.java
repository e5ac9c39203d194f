package io.memflow.managed;

/** The contract under {@link AllocationPolicy#FIFO_WAIT}, off-heap pages. */
class FifoWaitPolicyContractTest extends MemoryManagerContractTest {
  @Override
  AllocationPolicy policy() {
    return AllocationPolicy.FIFO_WAIT;
  }
}
