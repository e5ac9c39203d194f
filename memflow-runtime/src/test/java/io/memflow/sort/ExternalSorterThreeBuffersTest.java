package io.memflow.sort;

/**
 * The whole contract again with three sort buffers, where a second background thread sorts while
 * the first spills (spilling to files).
 */
class ExternalSorterThreeBuffersTest extends ExternalSorterSpillFileTest {

  @Override
  <T> ExternalSorter.Builder<T> withStorage(ExternalSorter.Builder<T> builder) {
    return super.withStorage(builder).sortBuffers(3);
  }
}
