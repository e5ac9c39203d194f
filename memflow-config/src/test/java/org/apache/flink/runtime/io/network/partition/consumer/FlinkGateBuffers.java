package org.apache.flink.runtime.io.network.partition.consumer;

import java.util.Optional;
import org.apache.flink.runtime.io.network.partition.ResultPartitionType;

/**
 * Test-only bridge to Flink's package-private {@code GateBuffersSpec} getters, so memflow's
 * gate sizing can be compared with Flink's own. Returns {exclusive per channel, required
 * floating, total floating, target total}.
 */
public final class FlinkGateBuffers {
  private FlinkGateBuffers() {}

  public static int[] of(Optional<Integer> maxRequired, boolean batch, int channels) {
    GateBuffersSpec spec =
        InputGateSpecUtils.createGateBuffersSpec(
            maxRequired,
            2,
            8,
            batch ? ResultPartitionType.BLOCKING : ResultPartitionType.PIPELINED_BOUNDED,
            channels,
            false);
    return new int[] {
      spec.getEffectiveExclusiveBuffersPerChannel(),
      spec.getRequiredFloatingBuffers(),
      spec.getTotalFloatingBuffers(),
      spec.targetTotalBuffersPerGate()
    };
  }
}
