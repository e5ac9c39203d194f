package io.memflow.sort;

import io.memflow.io.SpillCompression;

/** The external sorter's contract over LZ4-compressed spill files. */
class ExternalSorterSpillFileLz4Test extends ExternalSorterSpillFileTest {

  @Override
  SpillCompression compression() {
    return SpillCompression.LZ4;
  }
}
