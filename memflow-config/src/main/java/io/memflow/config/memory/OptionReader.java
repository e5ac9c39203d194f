package io.memflow.config.memory;

import io.memflow.config.Configuration;
import io.memflow.config.MemorySize;
import java.util.List;
import java.util.Optional;

/**
 * Reads typed option values the way Flink's configuration does: the key first, then each
 * deprecated key, then the default; sizes through {@link MemorySize#parse}, fractions through
 * {@link Float#parseFloat}, integers through {@link Integer#parseInt}. A value that does not
 * parse is an {@link InvalidMemoryConfigurationException} naming the key actually used.
 * Options are read only when a derivation step needs them, so a malformed option on a path
 * Flink never takes is not an error, as in Flink.
 */
final class OptionReader {

  private final Configuration config;

  OptionReader(Configuration config) {
    this.config = config;
  }

  Configuration configuration() {
    return config;
  }

  boolean contains(MemoryOption option) {
    return keyFound(option).isPresent();
  }

  /** The key under which the option is set: its own key or a deprecated one. */
  Optional<String> keyFound(MemoryOption option) {
    if (config.contains(option.key())) {
      return Optional.of(option.key());
    }
    return option.deprecatedKeys().stream().filter(config::contains).findFirst();
  }

  String text(MemoryOption option) {
    return keyFound(option)
        .flatMap(config::get)
        .or(option::defaultText)
        .orElseThrow(
            () ->
                InvalidMemoryConfigurationException.of(
                    option.key() + " is not set and has no default.",
                    List.of(option.key()),
                    "set " + option.key() + "."));
  }

  MemorySize size(MemoryOption option) {
    String text = text(option);
    try {
      return MemorySize.parse(text);
    } catch (IllegalArgumentException e) {
      throw badValue(option, text, e.getMessage(), "a size such as 1728m, 512 mb or 1g");
    }
  }

  double fraction(MemoryOption option) {
    String text = text(option);
    try {
      return Float.parseFloat(text);
    } catch (NumberFormatException e) {
      throw badValue(option, text, "not a number", "a fraction such as 0.1");
    }
  }

  double decimal(MemoryOption option) {
    String text = text(option);
    try {
      return Double.parseDouble(text);
    } catch (NumberFormatException e) {
      throw badValue(option, text, "not a number", "a positive number such as 2");
    }
  }

  int integer(MemoryOption option) {
    String text = text(option);
    try {
      return Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw badValue(option, text, "not an integer", "a positive integer such as 4");
    }
  }

  boolean bool(MemoryOption option) {
    String text = text(option);
    return switch (text.toUpperCase()) {
      case "TRUE" -> true;
      case "FALSE" -> false;
      default -> throw badValue(option, text, "not a boolean", "true or false");
    };
  }

  RangeFraction range(MemoryOption min, MemoryOption max, MemoryOption fraction) {
    return range(size(min), size(max), fraction, min.key(), max.key());
  }

  RangeFraction range(
      MemorySize min, MemorySize max, MemoryOption fraction, String minName, String maxName) {
    RangeFraction range = new RangeFraction(min, max, fraction(fraction));
    if (!range.isValid()) {
      throw badRange(range, fraction, minName, maxName);
    }
    return range;
  }

  private InvalidMemoryConfigurationException badRange(
      RangeFraction r, MemoryOption fraction, String minName, String maxName) {
    String problem =
        "Inconsistently configured "
            + describe(fraction)
            + " and its range: min "
            + minName
            + " = "
            + r.min()
            + ", max "
            + maxName
            + " = "
            + r.max()
            + ".";
    String fix =
        r.min().bytes() > r.max().bytes()
            ? "make " + minName + " at most " + maxName + ", e.g. set " + maxName + " to " + r.min()
            : "set " + fraction.key() + " to a value in [0, 1), e.g. " + fraction.defaultValue();
    return InvalidMemoryConfigurationException.of(
        problem, List.of(fraction.key(), minName, maxName), fix + ".");
  }

  private InvalidMemoryConfigurationException badValue(
      MemoryOption option, String text, String why, String expected) {
    String key = keyFound(option).orElse(option.key());
    return InvalidMemoryConfigurationException.of(
        "Cannot read " + key + " = '" + text + "': " + why + ".",
        List.of(key),
        "set " + key + " to " + expected + ".");
  }

  /** {@code key = value} with where the value came from, for messages and explanations. */
  String describe(MemoryOption option) {
    Optional<String> key = keyFound(option);
    if (key.isEmpty()) {
      return option.key() + " = " + option.defaultText().orElse("(unset)") + " (default)";
    }
    String value = config.get(key.get()).orElseThrow();
    String deprecated = key.get().equals(option.key()) ? "" : " (deprecated key for " + option.key() + ")";
    return key.get() + " = " + value + deprecated;
  }

  /** The rule for a component taken as an option's value: set explicitly or by default. */
  String valueRule(MemoryOption option) {
    return (contains(option) ? "set: " : "default: ") + describe(option);
  }
}
