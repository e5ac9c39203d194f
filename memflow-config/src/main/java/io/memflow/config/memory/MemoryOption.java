package io.memflow.config.memory;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One Flink option: its key, its default value as Flink writes it (absent when the option has
 * no default), and the deprecated keys Flink still reads, in the order it tries them.
 *
 * <p>Immutable and thread-safe. Invariant: the key is non-empty and not among the deprecated
 * keys.
 *
 * @param key the option key, such as {@code taskmanager.memory.process.size}
 * @param defaultValue the default in Flink's notation, or null for none
 * @param deprecatedKeys keys read when {@code key} is not set, in order
 */
public record MemoryOption(String key, String defaultValue, List<String> deprecatedKeys) {

  /**
   * Creates an option.
   *
   * @param key the option key
   * @param defaultValue the default, or null for none
   * @param deprecatedKeys fallback keys
   */
  public MemoryOption {
    Objects.requireNonNull(key, "key");
    if (key.isEmpty() || deprecatedKeys.contains(key)) {
      throw new IllegalArgumentException("bad option key '" + key + "'");
    }
    deprecatedKeys = List.copyOf(deprecatedKeys);
  }

  static MemoryOption of(String key, String defaultValue, String... deprecatedKeys) {
    return new MemoryOption(key, defaultValue, List.of(deprecatedKeys));
  }

  /**
   * Returns the default value, if the option has one.
   *
   * @return the default in Flink's notation
   */
  public Optional<String> defaultText() {
    return Optional.ofNullable(defaultValue);
  }

  @Override
  public String toString() {
    return key;
  }
}
