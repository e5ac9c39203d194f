package io.memflow.network;

/**
 * How the global pool shares its excess buffers (total minus the sum of required) among pools:
 * in proportion to each pool's headroom (max - required), the headroom capped at the excess so
 * that unbounded pools do not swamp the others. Cumulative rounding makes the shares add up
 * exactly: share[i] = floor(D * W[0..i] / W) - floor(D * W[0..i-1] / W), where D = min(excess,
 * W) and W is the sum of the capped headrooms. Every share lies in [0, headroom[i]]. Pure.
 */
final class Redistribution {

  private Redistribution() {}

  /** The extra buffers of each pool, beyond its required number. */
  static int[] shares(int excess, int[] headroom) {
    if (excess < 0) {
      throw new IllegalArgumentException("excess=" + excess + " must not be negative");
    }
    int[] shares = new int[headroom.length];
    long totalWeight = 0;
    for (int h : headroom) {
      totalWeight += Math.min(excess, h);
    }
    if (totalWeight == 0) {
      return shares;
    }
    long toDistribute = Math.min(excess, totalWeight);
    long cumulativeWeight = 0;
    long distributed = 0;
    for (int i = 0; i < headroom.length; i++) {
      cumulativeWeight += Math.min(excess, headroom[i]);
      long upTo = toDistribute * cumulativeWeight / totalWeight;
      shares[i] = (int) (upTo - distributed);
      distributed = upTo;
    }
    return shares;
  }
}
