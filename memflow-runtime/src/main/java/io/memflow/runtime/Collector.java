package io.memflow.runtime;

import io.memflow.row.BinaryRow;
import io.memflow.row.RowIterator;
import java.io.IOException;

/**
 * Where an operator or a source emits its output rows.
 *
 * <p>The row is copied (into network buffers or the consumer's memory) before {@code collect}
 * returns, so the caller may reuse it. Not thread-safe: a task's collector is used by that task's
 * thread only. {@code collect} may block while the downstream exchange applies backpressure.
 */
@FunctionalInterface
public interface Collector {

  /**
   * Emits one row.
   *
   * @throws IOException if writing fails (a sink's file, a spill)
   * @throws InterruptedException if the task is cancelled while waiting for buffers
   */
  void collect(BinaryRow row) throws IOException, InterruptedException;

  /** Emits every row of {@code rows}, then closes it (also on failure). */
  default void collectAll(RowIterator rows) throws IOException, InterruptedException {
    try (rows) {
      BinaryRow row;
      while ((row = rows.next()) != null) {
        collect(row);
      }
    }
  }
}
