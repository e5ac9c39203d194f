package io.memflow.config.memory;

import io.memflow.config.MemorySize;
import java.util.List;

/**
 * Network buffers a job needs on one TaskManager, against what its memory plan provides.
 *
 * <p>Immutable and thread-safe. Invariants: {@code sufficient == requiredPerTaskManager <=
 * totalBuffers}; {@code minimumNetworkMemory == requiredPerTaskManager * segmentSize}; the
 * suggestions are empty when sufficient, and each one was checked by planning it.
 *
 * @param mode streaming or batch
 * @param slotsPerTaskManager slots per TaskManager
 * @param segmentSize the size of one buffer
 * @param networkMemory the TaskManager's planned network memory
 * @param totalBuffers network memory divided by segment size, rounded down
 * @param tasks per task (one subtask), the buffers of its gates and partitions
 * @param requiredPerTaskManager buffers that must be available for every subtask to start
 * @param maxPerTaskManager buffers the pools may grow to (without overdraft)
 * @param overdraftPerTaskManager extra buffers pipelined partitions may borrow beyond their pools
 * @param sufficient whether the required buffers fit
 * @param minimumNetworkMemory the smallest network memory that holds the required buffers
 * @param suggestions changes that would make the buffers fit, verified by the planner
 */
public record NetworkBufferPlan(
    NetworkTopology.Mode mode,
    int slotsPerTaskManager,
    MemorySize segmentSize,
    MemorySize networkMemory,
    long totalBuffers,
    List<TaskBuffers> tasks,
    long requiredPerTaskManager,
    long maxPerTaskManager,
    long overdraftPerTaskManager,
    boolean sufficient,
    MemorySize minimumNetworkMemory,
    List<String> suggestions) {

  /**
   * Creates a plan.
   *
   * @param mode mode
   * @param slotsPerTaskManager slots
   * @param segmentSize segment size
   * @param networkMemory network memory
   * @param totalBuffers buffers
   * @param tasks tasks
   * @param requiredPerTaskManager required
   * @param maxPerTaskManager max
   * @param overdraftPerTaskManager overdraft
   * @param sufficient whether it fits
   * @param minimumNetworkMemory minimum network memory
   * @param suggestions fixes
   */
  public NetworkBufferPlan {
    tasks = List.copyOf(tasks);
    suggestions = List.copyOf(suggestions);
  }

  /**
   * Describes the shortage in the words of Flink's deployment failure ("Insufficient number of
   * network buffers"), with the TaskManager's totals; empty when the buffers suffice. Flink's
   * own message names the pool that asked last and what was left for it.
   *
   * @return the description
   */
  public String shortage() {
    if (sufficient) {
      return "";
    }
    return "Insufficient number of network buffers: the subtasks of one TaskManager require "
        + requiredPerTaskManager + " buffers, but only " + totalBuffers + " exist ("
        + totalBuffers + " of " + segmentSize.bytes() + " bytes each).";
  }

  /**
   * The buffers of one subtask.
   *
   * @param name the task's name
   * @param required buffers it needs to start: all gates' required plus all partitions' min
   * @param max buffers its pools may grow to
   * @param overdraft extra buffers its pipelined partitions may borrow
   * @param gates its input gates
   * @param partitions its result partitions
   */
  public record TaskBuffers(
      String name,
      long required,
      long max,
      long overdraft,
      List<GateBuffers> gates,
      List<PartitionBuffers> partitions) {

    /**
     * Creates the task's buffers.
     *
     * @param name name
     * @param required required
     * @param max max
     * @param overdraft overdraft
     * @param gates gates
     * @param partitions partitions
     */
    public TaskBuffers {
      gates = List.copyOf(gates);
      partitions = List.copyOf(partitions);
    }
  }

  /**
   * The buffers of one input gate.
   *
   * @param channels input channels
   * @param exclusivePerChannel exclusive buffers each channel gets
   * @param requiredFloating floating buffers the gate's pool needs at least
   * @param totalFloating floating buffers the gate's pool may grow to
   * @param required exclusive plus required floating
   * @param max exclusive plus total floating
   */
  public record GateBuffers(
      int channels,
      int exclusivePerChannel,
      int requiredFloating,
      int totalFloating,
      long required,
      long max) {}

  /**
   * The buffers of one result partition.
   *
   * @param subpartitions subpartitions
   * @param min the pool's minimum (required)
   * @param max the pool's maximum
   * @param overdraft extra buffers it may borrow when its pool is exhausted
   */
  public record PartitionBuffers(int subpartitions, long min, long max, int overdraft) {}
}
