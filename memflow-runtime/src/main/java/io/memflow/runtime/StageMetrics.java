package io.memflow.runtime;

/**
 * What the subtasks of one stage did so far (in {@link JobProgress}) or in all (in {@link
 * JobResult}). Immutable.
 *
 * @param name the stage
 * @param parallelism its subtasks
 * @param finishedSubtasks how many of them ended
 * @param recordsIn rows read from its inputs
 * @param bytesIn bytes of those rows (with their 4-byte framing)
 * @param recordsOut rows emitted
 * @param bytesOut bytes emitted into the exchange (0 for a stage without consumer)
 * @param nanos from its first subtask's start to its last one's end (or now)
 * @param backpressureNanos time its subtasks waited for network buffers, summed
 */
public record StageMetrics(
    String name,
    int parallelism,
    int finishedSubtasks,
    long recordsIn,
    long bytesIn,
    long recordsOut,
    long bytesOut,
    long nanos,
    long backpressureNanos) {}
