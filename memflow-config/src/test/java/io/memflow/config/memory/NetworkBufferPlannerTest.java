package io.memflow.config.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.memflow.config.Configuration;
import io.memflow.config.memory.NetworkBufferPlan.GateBuffers;
import io.memflow.config.memory.NetworkBufferPlan.PartitionBuffers;
import io.memflow.config.memory.NetworkTopology.Mode;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.apache.flink.runtime.io.network.partition.ResultPartitionType;
import org.apache.flink.runtime.io.network.partition.consumer.FlinkGateBuffers;
import org.apache.flink.runtime.shuffle.NettyShuffleUtils;
import org.junit.jupiter.api.Test;

class NetworkBufferPlannerTest {

  private static final Configuration TM_1728M =
      Configuration.empty().with("taskmanager.memory.process.size", "1728m");

  @Test
  void gateSizingEqualsFlinksForRandomChannelCountsAndCaps() {
    Random random = new Random(5);
    for (int i = 0; i < 5_000; i++) {
      int channels = 1 + random.nextInt(random.nextBoolean() ? 10 : 5_000);
      boolean batch = random.nextBoolean();
      Optional<Integer> cap = random.nextInt(4) == 0 ? Optional.of(1 + random.nextInt(3000))
          : Optional.empty();
      int effectiveCap = cap.orElse(batch ? 1000 : Integer.MAX_VALUE);
      GateBuffers ours = NetworkBufferPlanner.gate(channels, effectiveCap);
      int[] flink = FlinkGateBuffers.of(cap, batch, channels);
      assertThat(new int[] {ours.exclusivePerChannel(), ours.requiredFloating(),
          ours.totalFloating(), (int) ours.max()})
          .as("channels=%d batch=%s cap=%s", channels, batch, cap).containsExactly(flink);
    }
  }

  @Test
  void partitionSizingEqualsFlinksForRandomSubpartitionCounts() {
    Random random = new Random(6);
    for (int i = 0; i < 5_000; i++) {
      int subpartitions = 1 + random.nextInt(random.nextBoolean() ? 10 : 5_000);
      boolean batch = random.nextBoolean();
      int sortMin = 64 + random.nextInt(1000);
      PartitionBuffers ours =
          NetworkBufferPlanner.partition(subpartitions, batch ? Mode.BATCH : Mode.STREAMING, sortMin);
      var flink = NettyShuffleUtils.getMinMaxNetworkBuffersPerResultPartition(2, 8, 1, sortMin,
          subpartitions, false, 0,
          batch ? ResultPartitionType.BLOCKING : ResultPartitionType.PIPELINED_BOUNDED);
      assertThat(new long[] {ours.min(), ours.max()})
          .containsExactly(flink.getLeft(), flink.getRight());
    }
  }

  @Test
  void streamingGateOf128ChannelsNeeds257AndMayUse264() {
    GateBuffers gate = NetworkBufferPlanner.gate(128, Integer.MAX_VALUE);
    assertThat(gate.required()).isEqualTo(128 * 2 + 1);
    assertThat(gate.max()).isEqualTo(128 * 2 + 8);
  }

  @Test
  void batchGateRequiredIsCappedAt1000() {
    GateBuffers gate = NetworkBufferPlanner.gate(2000, 1000);
    assertThat(gate.required()).isEqualTo(1000);
    assertThat(gate.exclusivePerChannel()).isZero();
    assertThat(gate.max()).isEqualTo(4008);
  }

  @Test
  void smallJobFitsTheDefaultTaskManager() {
    NetworkBufferPlan plan = NetworkBufferPlanner.plan(TM_1728M, topology(Mode.STREAMING, 1, 4));
    // network 134217730 bytes / 32 KiB = 4096 buffers
    assertThat(plan.totalBuffers()).isEqualTo(134217730L / 32768);
    // per slot: source partition 4+1, middle gate 4*2+1 and partition 5, sink gate 9
    assertThat(plan.requiredPerTaskManager()).isEqualTo(5 + 9 + 5 + 9);
    assertThat(plan.sufficient()).isTrue();
    assertThat(plan.suggestions()).isEmpty();
    assertThat(plan.shortage()).isEmpty();
  }

  @Test
  void wideShuffleOnManySlotsRunsShortAndEverySuggestionIsEnough() {
    NetworkTopology wide = topology(Mode.STREAMING, 4, 200);
    NetworkBufferPlan plan = NetworkBufferPlanner.plan(TM_1728M, wide);
    assertThat(plan.sufficient()).isFalse();
    assertThat(plan.minimumNetworkMemory().bytes())
        .isEqualTo(plan.requiredPerTaskManager() * 32768);
    assertThat(plan.shortage()).startsWith("Insufficient number of network buffers")
        .contains("require " + plan.requiredPerTaskManager() + " buffers")
        .contains("only " + plan.totalBuffers() + " exist");
    assertThat(plan.suggestions()).hasSize(3);
    for (String suggestion : plan.suggestions()) {
      Configuration fixed = apply(TM_1728M, suggestion);
      assertThat(NetworkBufferPlanner.plan(fixed, wide).sufficient()).as(suggestion).isTrue();
    }
  }

  @Test
  void whenRaisingNetworkAloneLeavesNoHeapOnlyALargerProcessIsSuggested() {
    NetworkTopology wide = topology(Mode.STREAMING, 8, 400);
    NetworkBufferPlan plan = NetworkBufferPlanner.plan(TM_1728M, wide);
    assertThat(plan.suggestions()).singleElement().asString().contains("process.size");
    assertThat(NetworkBufferPlanner.plan(apply(TM_1728M, plan.suggestions().get(0)), wide)
        .sufficient()).isTrue();
  }

  @Test
  void suggestedProcessSizeIsTheSmallestWholeMebibyteThatFits() {
    NetworkTopology wide = topology(Mode.STREAMING, 8, 400);
    String process = NetworkBufferPlanner.plan(TM_1728M, wide).suggestions().stream()
        .filter(s -> s.contains("process.size")).findFirst().orElseThrow();
    long mib = Long.parseLong(process.replaceAll(".*=(\\d+)m$", "$1"));
    Configuration smaller = TM_1728M.with("taskmanager.memory.process.size", (mib - 1) + "m");
    assertThat(NetworkBufferPlanner.plan(smaller, wide).sufficient()).isFalse();
  }

  @Test
  void parsesYamlAndJsonTopologies() {
    NetworkTopology yaml = NetworkTopology.parse("""
        mode: batch
        slotsPerTaskManager: 2
        tasks:
          - name: source
            outputs: [16]
          - name: sink
            inputs: [16, 4]
        """, "t.yaml");
    NetworkTopology json = NetworkTopology.parse(
        "{\"mode\": \"batch\", \"slotsPerTaskManager\": 2, \"tasks\": [{\"name\": \"source\", "
            + "\"outputs\": [16]}, {\"name\": \"sink\", \"inputs\": [16, 4]}]}", "t.json");
    assertThat(json).isEqualTo(yaml);
    assertThat(yaml.tasks().get(1).inputGates()).containsExactly(16, 4);
    assertThatThrownBy(() -> NetworkTopology.parse("mode: fast\ntasks: [{}]", "bad.yaml"))
        .hasMessageContaining("bad.yaml").hasMessageContaining("'fast'");
    assertThatThrownBy(() -> NetworkTopology.parse("tasks: [{inputs: [0]}]", "z.yaml"))
        .hasMessageContaining("at least 1");
  }

  private static Configuration apply(Configuration config, String suggestion) {
    Configuration c = config;
    for (String part : suggestion.split("-D ")) {
      if (!part.isBlank()) {
        String[] kv = part.trim().split("=", 2);
        c = c.with(kv[0], kv[1]);
      }
    }
    return c;
  }

  /** source -> middle -> sink, all-to-all with the given parallelism. */
  private static NetworkTopology topology(Mode mode, int slots, int parallelism) {
    return new NetworkTopology(mode, slots, List.of(
        new NetworkTopology.Task("source", List.of(), List.of(parallelism)),
        new NetworkTopology.Task("middle", List.of(parallelism), List.of(parallelism)),
        new NetworkTopology.Task("sink", List.of(parallelism), List.of())));
  }
}
