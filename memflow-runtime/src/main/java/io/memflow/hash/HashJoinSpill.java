package io.memflow.hash;

import io.memflow.io.SpillFile;

/**
 * A spilled partition pair waiting to be joined: its build rows and the probe rows that may match
 * them (bloom-filtered), each with its row count, and the recursion depth to join them at.
 * {@code probeFile} is null when no probe row went to the partition.
 *
 * <p>Owns its files until a pass takes it; whoever holds it deletes them ({@link #delete()}).
 */
record HashJoinSpill(SpillFile buildFile, long buildRows, SpillFile probeFile, long probeRows, int depth) {

  /** Deletes both files; idempotent, never throws. */
  void delete() {
    deleteQuietly(buildFile);
    deleteQuietly(probeFile);
  }

  static void deleteQuietly(SpillFile file) {
    if (file != null) {
      try {
        file.delete();
      } catch (RuntimeException e) {
        // cleanup path: the file is untracked either way, the first error is what matters
      }
    }
  }
}
