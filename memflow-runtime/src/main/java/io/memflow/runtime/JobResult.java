package io.memflow.runtime;

import java.util.List;

/**
 * What a finished job did and where its memory went. Immutable.
 *
 * @param jobName the job
 * @param wallNanos from the first task's start to the last one's end, with set-up and clean-up
 * @param stages per stage, in the job's order
 * @param slots managed memory per slot: budget and the highest use seen
 * @param network the network buffers: total and the highest number in use seen
 * @param heapPeakBytes the sum of the heap pools' peak use during the job
 * @param heapMaxBytes the JVM's maximum heap
 * @param spilledBytes bytes written to spill files
 * @param spilledFiles spill files written
 * @param gcMillis garbage collection time during the job
 * @param gcCount garbage collections during the job
 * @param leaks what tasks left behind (released by the runtime); empty when all is well
 */
public record JobResult(
    String jobName,
    long wallNanos,
    List<StageMetrics> stages,
    List<SlotMemory> slots,
    NetworkMemory network,
    long heapPeakBytes,
    long heapMaxBytes,
    long spilledBytes,
    long spilledFiles,
    long gcMillis,
    long gcCount,
    List<String> leaks) {

  /** Copies the lists. */
  public JobResult {
    stages = List.copyOf(stages);
    slots = List.copyOf(slots);
    leaks = List.copyOf(leaks);
  }

  /** The total backpressure time of all stages. */
  public long backpressureNanos() {
    return stages.stream().mapToLong(StageMetrics::backpressureNanos).sum();
  }

  /**
   * Managed memory of one slot.
   *
   * @param slot the slot's index
   * @param budgetBytes its budget
   * @param peakBytes the highest use (pages and reservations) seen during the job
   */
  public record SlotMemory(int slot, long budgetBytes, long peakBytes) {}

  /**
   * The task manager's network buffers.
   *
   * @param buffers the total number of buffers
   * @param bufferSize the size of each
   * @param peakInUse the highest number in use seen during the job (sampled)
   */
  public record NetworkMemory(int buffers, int bufferSize, int peakInUse) {}
}
