package io.memflow.config.memory;

import io.memflow.config.Configuration;
import io.memflow.config.MemorySize;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Plans a Flink TaskManager's or JobManager's memory from its configuration, to the byte as
 * Flink 2.x does ({@code TaskExecutorProcessUtils}, {@code JobManagerProcessUtils}).
 *
 * <p>Stateless and thread-safe. A configuration that Flink rejects is rejected here with an
 * {@link InvalidMemoryConfigurationException} whose fix, when a size is too small, is the
 * smallest value of that size option for which the whole configuration plans, found by
 * planning candidate configurations (not by a formula that could drift from the model).
 */
public final class MemoryPlanner {

  /** The largest size the fix search tries: 1 PiB. */
  private static final long SEARCH_LIMIT = 1L << 50;

  private static final long MIB = 1L << 20;

  private MemoryPlanner() {}

  /**
   * Plans a TaskManager.
   *
   * @param config the Flink configuration
   * @return the memory spec
   * @throws InvalidMemoryConfigurationException when Flink would reject the configuration
   */
  public static TaskManagerMemorySpec planTaskManager(Configuration config) {
    return plan(config, c -> new TaskManagerDerivation(new OptionReader(c)).derive());
  }

  /**
   * Plans a JobManager.
   *
   * @param config the Flink configuration
   * @return the memory spec
   * @throws InvalidMemoryConfigurationException when Flink would reject the configuration
   */
  public static JobManagerMemorySpec planJobManager(Configuration config) {
    return plan(config, c -> new JobManagerDerivation(new OptionReader(c)).derive());
  }

  private static <T> T plan(Configuration config, Function<Configuration, T> derive) {
    try {
      return deriveOrOverflow(config, derive);
    } catch (InvalidMemoryConfigurationException e) {
      throw advise(config, e, derive);
    }
  }

  private static <T> T deriveOrOverflow(Configuration config, Function<Configuration, T> derive) {
    try {
      return derive.apply(config);
    } catch (ArithmeticException e) {
      throw new InvalidMemoryConfigurationException(
          "The configured sizes add up to more than 2^63-1 bytes (" + e.getMessage() + ").",
          List.of(),
          "use sizes below 8 EiB.",
          null,
          e);
    }
  }

  private static <T> InvalidMemoryConfigurationException advise(
      Configuration config, InvalidMemoryConfigurationException e, Function<Configuration, T> derive) {
    InvalidMemoryConfigurationException.SizeHint hint = e.hint();
    if (hint == null || !hint.tooSmall() || !e.fix().isEmpty()) {
      return e;
    }
    Optional<Long> smallest = smallestWorking(config, hint.option(), derive);
    if (smallest.isEmpty()) {
      return e.withFix("no value of " + hint.option().key() + " up to 1 PiB works with the other "
          + "options; lower the fixed sizes or the fractions named above.");
    }
    return e.withFix(describeFix(config, hint.option(), smallest.get(), derive));
  }

  /**
   * The smallest value of a size option with which the configuration plans. Validity grows
   * with the option in the regions searched: a larger size leaves more room for every derived
   * component; the result is confirmed by planning it.
   */
  private static <T> Optional<Long> smallestWorking(
      Configuration config, MemoryOption option, Function<Configuration, T> derive) {
    if (!bigEnough(config, option, SEARCH_LIMIT, derive)) {
      return Optional.empty();
    }
    long lo = 0;
    long hi = SEARCH_LIMIT;
    while (lo < hi) {
      long mid = lo + (hi - lo) / 2;
      if (bigEnough(config, option, mid, derive)) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    return plans(config, option, lo, derive) ? Optional.of(lo) : Optional.empty();
  }

  private static <T> boolean bigEnough(
      Configuration config, MemoryOption option, long bytes, Function<Configuration, T> derive) {
    try {
      deriveOrOverflow(config.with(option.key(), bytes + "b"), derive);
      return true;
    } catch (InvalidMemoryConfigurationException e) {
      return e.hint() == null || !e.hint().tooSmall();
    }
  }

  private static <T> boolean plans(
      Configuration config, MemoryOption option, long bytes, Function<Configuration, T> derive) {
    try {
      deriveOrOverflow(config.with(option.key(), bytes + "b"), derive);
      return true;
    } catch (InvalidMemoryConfigurationException e) {
      return false;
    }
  }

  private static <T> String describeFix(
      Configuration config, MemoryOption option, long bytes, Function<Configuration, T> derive) {
    long roundedMib = (bytes + MIB - 1) / MIB;
    String exact = new MemorySize(bytes).toString().replace(" ", "");
    if (roundedMib * MIB != bytes && plans(config, option, roundedMib * MIB, derive)) {
      return "set " + option.key() + " to at least " + roundedMib + "m (the smallest value that "
          + "works is " + bytes + "b).";
    }
    return "set " + option.key() + " to at least " + exact + " (the smallest value that works).";
  }
}
