package io.memflow.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * An immutable set of options: string keys mapped to string values, as written in a Flink
 * configuration file or given with {@code -D key=value}.
 *
 * <p>Immutable and thread-safe; owns nothing that needs releasing. Keys keep the order in which
 * they were first added. Values are kept verbatim; typed reading (sizes, fractions) and
 * fallback to deprecated keys belong to the code that knows the option.
 */
public final class Configuration {

  private static final Configuration EMPTY = new Configuration(Map.of());

  private final Map<String, String> values;

  private Configuration(Map<String, String> values) {
    this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
  }

  /**
   * Returns the configuration with no options.
   *
   * @return the empty configuration
   */
  public static Configuration empty() {
    return EMPTY;
  }

  /**
   * Returns a configuration holding a copy of the given options.
   *
   * @param values keys to values, neither null
   * @return the configuration
   */
  public static Configuration of(Map<String, String> values) {
    values.forEach(
        (k, v) -> {
          Objects.requireNonNull(k, "key");
          Objects.requireNonNull(v, () -> "value of " + k);
        });
    return new Configuration(values);
  }

  /**
   * Returns a copy with one option set (replacing any previous value).
   *
   * @param key the option key
   * @param value the value
   * @return the new configuration
   */
  public Configuration with(String key, String value) {
    return withAll(Map.of(key, value));
  }

  /**
   * Returns a copy in which the given options override this configuration's.
   *
   * @param overrides keys to values, neither null
   * @return the new configuration
   */
  public Configuration withAll(Map<String, String> overrides) {
    Map<String, String> merged = new LinkedHashMap<>(values);
    merged.putAll(of(overrides).values);
    return new Configuration(merged);
  }

  /**
   * Returns a copy without the given option.
   *
   * @param key the option key
   * @return the new configuration
   */
  public Configuration without(String key) {
    Map<String, String> copy = new LinkedHashMap<>(values);
    copy.remove(key);
    return new Configuration(copy);
  }

  /**
   * Returns the value of a key, if set.
   *
   * @param key the option key
   * @return the value, or empty
   */
  public Optional<String> get(String key) {
    return Optional.ofNullable(values.get(key));
  }

  /**
   * Tells whether a key is set.
   *
   * @param key the option key
   * @return true if set
   */
  public boolean contains(String key) {
    return values.containsKey(key);
  }

  /**
   * Returns every option, in insertion order.
   *
   * @return an unmodifiable view
   */
  public Map<String, String> asMap() {
    return values;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Configuration that && values.equals(that.values);
  }

  @Override
  public int hashCode() {
    return values.hashCode();
  }

  @Override
  public String toString() {
    return values.toString();
  }
}
