package io.memflow.config.memory;

import io.memflow.config.Configuration;
import io.memflow.config.MemorySize;
import io.memflow.config.memory.NetworkBufferPlan.GateBuffers;
import io.memflow.config.memory.NetworkBufferPlan.PartitionBuffers;
import io.memflow.config.memory.NetworkBufferPlan.TaskBuffers;
import io.memflow.config.memory.NetworkTopology.Mode;
import java.util.ArrayList;
import java.util.List;

/**
 * Sizes network buffers from a job's shape under Flink 2.x's rules, and checks them against a
 * TaskManager's planned network memory.
 *
 * <p>The rules: an input gate of C channels targets C * 2 exclusive buffers plus 8 floating; it
 * requires min(C * 2 + 1, cap) buffers, the cap being 1000 for batch (configurable) and none
 * for streaming, taking exclusive buffers per channel down to fit. A streaming (pipelined
 * bounded) partition of S subpartitions needs S + 1 and may grow to S * 2 + 8, plus 20
 * overdraft buffers; a batch (blocking, sort-shuffle) partition needs the sort-shuffle minimum
 * (512) and may grow to max(512, 4 * S). Each slot runs one subtask of every task, so a
 * TaskManager needs slots times the sum over tasks. Stateless and thread-safe.
 */
public final class NetworkBufferPlanner {

  static final int BUFFERS_PER_CHANNEL = 2;
  static final int FLOATING_BUFFERS_PER_GATE = 8;
  static final int MAX_OVERDRAFT_BUFFERS_PER_PARTITION = 20;
  static final int BATCH_MAX_REQUIRED_BUFFERS_PER_GATE = 1000;
  static final MemoryOption MAX_REQUIRED_BUFFERS_PER_GATE =
      MemoryOption.of("taskmanager.network.memory.read-buffer.required-per-gate.max", null);
  static final MemoryOption SORT_SHUFFLE_MIN_BUFFERS =
      MemoryOption.of("taskmanager.network.sort-shuffle.min-buffers", "512");
  private static final int MIN_SEGMENT_SIZE = 4096;

  private NetworkBufferPlanner() {}

  /**
   * Plans a TaskManager from the configuration and sizes the topology's buffers against it.
   *
   * @param config the Flink configuration
   * @param topology the job's shape
   * @return the plan, with verified suggestions when the buffers do not fit
   * @throws InvalidMemoryConfigurationException if the TaskManager configuration is invalid
   */
  public static NetworkBufferPlan plan(Configuration config, NetworkTopology topology) {
    TaskManagerMemorySpec tm = MemoryPlanner.planTaskManager(config);
    OptionReader in = new OptionReader(config);
    MemorySize segment = segmentSize(in);
    int gateCap = maxRequiredPerGate(in, topology.mode());
    int sortMin = in.integer(SORT_SHUFFLE_MIN_BUFFERS);
    List<TaskBuffers> tasks = new ArrayList<>();
    for (NetworkTopology.Task task : topology.tasks()) {
      tasks.add(task(task, topology.mode(), gateCap, sortMin));
    }
    long slots = topology.slotsPerTaskManager();
    long required = slots * tasks.stream().mapToLong(TaskBuffers::required).sum();
    long max = slots * tasks.stream().mapToLong(TaskBuffers::max).sum();
    long overdraft = slots * tasks.stream().mapToLong(TaskBuffers::overdraft).sum();
    long total = tm.network().bytes() / segment.bytes();
    MemorySize minimum = new MemorySize(Math.multiplyExact(required, segment.bytes()));
    boolean sufficient = required <= total;
    List<String> fixes = sufficient ? List.of() : NetworkFixes.suggest(config, tm, minimum);
    return new NetworkBufferPlan(topology.mode(), topology.slotsPerTaskManager(), segment,
        tm.network(), total, tasks, required, max, overdraft, sufficient, minimum, fixes);
  }

  private static MemorySize segmentSize(OptionReader in) {
    MemorySize segment = in.size(TaskManagerOptions.SEGMENT_SIZE);
    long b = segment.bytes();
    if (b < MIN_SEGMENT_SIZE || Long.bitCount(b) != 1 || b > Integer.MAX_VALUE) {
      throw InvalidMemoryConfigurationException.of(
          "The segment size " + in.describe(TaskManagerOptions.SEGMENT_SIZE) + " must be a power "
              + "of two of at least 4 KiB.",
          List.of(TaskManagerOptions.SEGMENT_SIZE.key()),
          "set " + TaskManagerOptions.SEGMENT_SIZE.key() + " to 32kb (the default) or another "
              + "power of two such as 64kb.");
    }
    return segment;
  }

  private static int maxRequiredPerGate(OptionReader in, Mode mode) {
    if (!in.contains(MAX_REQUIRED_BUFFERS_PER_GATE)) {
      return mode == Mode.BATCH ? BATCH_MAX_REQUIRED_BUFFERS_PER_GATE : Integer.MAX_VALUE;
    }
    int cap = in.integer(MAX_REQUIRED_BUFFERS_PER_GATE);
    if (cap < 1) {
      throw InvalidMemoryConfigurationException.of(
          "At least one buffer is required for each gate, but "
              + in.describe(MAX_REQUIRED_BUFFERS_PER_GATE) + ".",
          List.of(MAX_REQUIRED_BUFFERS_PER_GATE.key()),
          "set " + MAX_REQUIRED_BUFFERS_PER_GATE.key() + " to at least 1, or unset it.");
    }
    return cap;
  }

  static TaskBuffers task(NetworkTopology.Task task, Mode mode, int gateCap, int sortMin) {
    List<GateBuffers> gates = task.inputGates().stream().map(c -> gate(c, gateCap)).toList();
    List<PartitionBuffers> partitions =
        task.resultPartitions().stream().map(s -> partition(s, mode, sortMin)).toList();
    long required = gates.stream().mapToLong(GateBuffers::required).sum()
        + partitions.stream().mapToLong(PartitionBuffers::min).sum();
    long max = gates.stream().mapToLong(GateBuffers::max).sum()
        + partitions.stream().mapToLong(PartitionBuffers::max).sum();
    long overdraft = partitions.stream().mapToLong(PartitionBuffers::overdraft).sum();
    return new TaskBuffers(task.name(), required, max, overdraft, gates, partitions);
  }

  /** An input gate's buffers (Flink's {@code InputGateSpecUtils}). */
  static GateBuffers gate(int channels, int maxRequired) {
    long target = (long) channels * BUFFERS_PER_CHANNEL;
    int required = (int) Math.min(maxRequired, target + 1);
    int exclusivePerChannel = Math.min(BUFFERS_PER_CHANNEL, (required - 1) / channels);
    long exclusive = (long) exclusivePerChannel * channels;
    int requiredFloating = (int) (required - exclusive);
    int totalFloating = (int) (target + FLOATING_BUFFERS_PER_GATE - exclusive);
    return new GateBuffers(channels, exclusivePerChannel, requiredFloating, totalFloating,
        exclusive + requiredFloating, exclusive + totalFloating);
  }

  /** A result partition's pool bounds (Flink's {@code NettyShuffleUtils}, no tiered storage). */
  static PartitionBuffers partition(int subpartitions, Mode mode, int sortShuffleMinBuffers) {
    if (mode == Mode.STREAMING) {
      long min = subpartitions + 1L;
      long max = (long) subpartitions * BUFFERS_PER_CHANNEL + FLOATING_BUFFERS_PER_GATE;
      return new PartitionBuffers(subpartitions, min, Math.max(min, max),
          MAX_OVERDRAFT_BUFFERS_PER_PARTITION);
    }
    long min = sortShuffleMinBuffers;
    return new PartitionBuffers(subpartitions, min, Math.max(min, 4L * subpartitions), 0);
  }
}
