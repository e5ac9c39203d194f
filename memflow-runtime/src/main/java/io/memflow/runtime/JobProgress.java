package io.memflow.runtime;

import java.util.List;

/**
 * A snapshot of a running job for progress displays. Immutable.
 *
 * @param jobName the job
 * @param elapsedNanos time since it started
 * @param stages per stage, in the job's order
 * @param spilledBytes bytes written to spill files since the job started
 * @param spilledFiles spill files written since the job started
 */
public record JobProgress(
    String jobName, long elapsedNanos, List<StageMetrics> stages, long spilledBytes, long spilledFiles) {

  /** Copies the list. */
  public JobProgress {
    stages = List.copyOf(stages);
  }

  /** Receives snapshots while a job runs, on the thread that called {@code execute}. */
  @FunctionalInterface
  public interface Listener {
    /** Called periodically while the job runs, and once at the end. */
    void onProgress(JobProgress progress);
  }
}
