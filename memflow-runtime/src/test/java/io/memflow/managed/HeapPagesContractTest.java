package io.memflow.managed;

import io.memflow.memory.MemoryType;

/** The contract with heap pages (policy {@link AllocationPolicy#FAIL}). */
class HeapPagesContractTest extends MemoryManagerContractTest {
  @Override
  AllocationPolicy policy() {
    return AllocationPolicy.FAIL;
  }

  @Override
  MemoryType memoryType() {
    return MemoryType.HEAP;
  }
}
