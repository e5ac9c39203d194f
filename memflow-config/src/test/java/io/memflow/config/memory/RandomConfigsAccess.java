package io.memflow.config.memory;

/** Lets tests in other packages use the random size texts of {@link RandomConfigs}. */
public final class RandomConfigsAccess {
  private final RandomConfigs configs;

  public RandomConfigsAccess(long seed) {
    this.configs = new RandomConfigs(seed);
  }

  public String size(int minBits, int maxBits) {
    return configs.size(minBits, maxBits);
  }
}
