package io.memflow.sort;

/** The external sorter's contract over heap-backed runs (no files). */
class ExternalSorterInMemoryStorageTest extends ExternalSorterContractTest {

  final InMemoryRunStorage storage = new InMemoryRunStorage();

  @Override
  <T> ExternalSorter.Builder<T> withStorage(ExternalSorter.Builder<T> builder) {
    return builder.runStorage(storage);
  }

  @Override
  int liveRuns() {
    return storage.live.get();
  }
}
