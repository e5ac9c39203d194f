package io.memflow.sort;

import io.memflow.memory.MemorySegment;
import io.memflow.memory.view.DataInputView;
import io.memflow.memory.view.DataOutputView;
import java.io.IOException;
import java.util.List;

/**
 * Where the {@link ExternalSorter} puts sorted runs that do not stay in memory: one file per run
 * (see {@link SpillRunStorage}). Writers and readers work on pages the sorter lends them and has
 * back when they finish, abort or close. Thread-safe; each writer and reader is used by one
 * thread.
 */
interface RunStorage extends AutoCloseable {

  /** What a run holds: a spilled sort buffer, or the output of a merge pass. */
  enum RunKind {
    /** One sort buffer, sorted and spilled. */
    SPILLED,
    /** Several runs merged into one by an intermediate merge pass. */
    MERGED
  }

  /** Starts a new run of {@code kind} written through pages of {@code pages} (at least two). */
  RunWriter create(RunKind kind, List<MemorySegment> pages) throws IOException;

  /** Opens {@code run} for reading through pages of {@code pages} (at least two). */
  RunReader open(Run run, List<MemorySegment> pages) throws IOException;

  /**
   * Deletes every run file the storage created that is still there and releases what the storage
   * holds (a spill manager of its own). Called by the sorter's {@code close()} after its thread
   * has stopped; idempotent, never throws.
   */
  @Override
  default void close() {}

  /** A finished run: its records and bytes; deleted by its owner when consumed. */
  interface Run {

    /** The number of records in the run. */
    long records();

    /** The bytes on disk. */
    long bytes();

    /** Deletes the run's file; idempotent, never throws. */
    void delete();
  }

  /** Writes one run; {@link #finish} or {@link #abort} ends it. */
  interface RunWriter {

    /** Where the serialized records go. */
    DataOutputView view();

    /** Flushes and completes the run of {@code records} records; the pages are back after. */
    Run finish(long records) throws IOException;

    /** Stops and deletes the run; the pages are back after. Never throws. */
    void abort();
  }

  /** Reads one run from its start. */
  interface RunReader extends AutoCloseable {

    /** Where the serialized records come from. */
    DataInputView view();

    /** Stops reading; the pages are back after. Never throws. */
    @Override
    void close();
  }
}
