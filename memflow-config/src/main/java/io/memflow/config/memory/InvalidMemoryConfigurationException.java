package io.memflow.config.memory;

import java.io.Serial;
import java.util.List;

/**
 * A memory configuration that Flink would reject, with what conflicts and how to fix it.
 *
 * <p>Immutable once thrown. {@link #problem()} says what is wrong with the values involved,
 * {@link #keys()} lists the options in conflict, {@link #fix()} proposes a concrete change with
 * numbers computed by the planner (empty when no single change is known to work).
 */
public final class InvalidMemoryConfigurationException extends IllegalArgumentException {
  @Serial private static final long serialVersionUID = 1L;

  private final String problem;
  private final transient List<String> keys;
  private final String fix;
  private final transient SizeHint hint;

  /**
   * What the planner may search to fix the conflict: the size option to change and whether the
   * configured value is too small (so a larger value may work).
   */
  record SizeHint(MemoryOption option, boolean tooSmall) {}

  InvalidMemoryConfigurationException(
      String problem, List<String> keys, String fix, SizeHint hint, Throwable cause) {
    super(fix.isEmpty() ? problem : problem + " Fix: " + fix, cause);
    this.problem = problem;
    this.keys = List.copyOf(keys);
    this.fix = fix;
    this.hint = hint;
  }

  static InvalidMemoryConfigurationException of(String problem, List<String> keys, String fix) {
    return new InvalidMemoryConfigurationException(problem, keys, fix, null, null);
  }

  static InvalidMemoryConfigurationException tooSmall(
      String problem, List<String> keys, MemoryOption option) {
    return new InvalidMemoryConfigurationException(
        problem, keys, "", new SizeHint(option, true), null);
  }

  static InvalidMemoryConfigurationException tooLarge(
      String problem, List<String> keys, String fix, MemoryOption option) {
    return new InvalidMemoryConfigurationException(
        problem, keys, fix, new SizeHint(option, false), null);
  }

  InvalidMemoryConfigurationException withFix(String newFix) {
    return new InvalidMemoryConfigurationException(problem, keys, newFix, hint, getCause());
  }

  SizeHint hint() {
    return hint;
  }

  /**
   * Returns what is wrong, naming the options and their values.
   *
   * @return the problem
   */
  public String problem() {
    return problem;
  }

  /**
   * Returns the keys of the options in conflict.
   *
   * @return the keys, possibly empty
   */
  public List<String> keys() {
    return keys;
  }

  /**
   * Returns a concrete change that makes the configuration valid, or an empty string.
   *
   * @return the fix
   */
  public String fix() {
    return fix;
  }
}
