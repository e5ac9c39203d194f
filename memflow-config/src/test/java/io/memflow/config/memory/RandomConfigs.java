package io.memflow.config.memory;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Generates random Flink memory configurations as raw strings: random subsets of the options,
 * sizes in every unit spelling and case, with and without spaces, valid and invalid fractions,
 * malformed values, deprecated keys, and sizes near the 64-bit limit.
 */
final class RandomConfigs {

  private static final String[][] UNITS = {
    {"", "b", "bytes"},
    {"k", "kb", "kibibytes"},
    {"m", "mb", "mebibytes"},
    {"g", "gb", "gibibytes"},
    {"t", "tb", "tebibytes"},
  };
  private static final List<String> MALFORMED_SIZES =
      List.of("", "  ", "12x", "-5m", "1.5g", "abc", "99999999999999999999", "m", "5 m b",
          "9223372036854775807k", "8388608t", "0x10");
  private static final List<String> ODD_FRACTIONS =
      List.of("1", "1.0", "-0.1", "0", "abc", "1e-1", "NaN", " 0.3 ", "0.99999999", "2",
          "0.5f", "Infinity", "", "0.1d", "0x1p-3");

  private final Random random;

  RandomConfigs(long seed) {
    this.random = new Random(seed);
  }

  Map<String, String> taskManager() {
    Map<String, String> c = new LinkedHashMap<>();
    String p = "taskmanager.memory.";
    maybe(c, 0.55, p + "process.size", () -> size(29, 35));
    maybe(c, 0.3, p + "flink.size", () -> size(28, 34));
    maybe(c, 0.2, p + "framework.heap.size", () -> size(24, 30));
    maybe(c, 0.3, p + "task.heap.size", () -> size(25, 33));
    maybe(c, 0.2, p + "framework.off-heap.size", () -> size(24, 30));
    maybe(c, 0.2, p + "task.off-heap.size", () -> size(20, 31));
    maybe(c, 0.25, p + "managed.size", () -> size(25, 33));
    maybe(c, 0.08, "taskmanager.memory.size", () -> size(25, 33));
    maybe(c, 0.25, p + "managed.fraction", this::fraction);
    maybe(c, 0.15, p + "network.min", () -> size(22, 30));
    maybe(c, 0.15, p + "network.max", () -> size(26, 33));
    maybe(c, 0.15, p + "network.fraction", this::fraction);
    maybe(c, 0.08, "taskmanager.network.memory.min", () -> size(22, 30));
    maybe(c, 0.08, "taskmanager.network.memory.max", () -> size(26, 33));
    maybe(c, 0.08, "taskmanager.network.memory.fraction", this::fraction);
    overheadAndMetaspace(c, p);
    maybe(c, 0.15, "taskmanager.numberOfTaskSlots", () -> pick("1", "4", "16", "0", "-2", "x"));
    maybe(c, 0.1, "taskmanager.cpu.cores",
        () -> pick("2", "0.5", "0", "-1", "abc", "1.123456789", "1e-9", "NaN", "3.0"));
    return c;
  }

  Map<String, String> jobManager() {
    Map<String, String> c = new LinkedHashMap<>();
    String p = "jobmanager.memory.";
    maybe(c, 0.55, p + "process.size", () -> size(28, 34));
    maybe(c, 0.3, p + "flink.size", () -> size(27, 33));
    maybe(c, 0.35, p + "heap.size", () -> size(26, 33));
    maybe(c, 0.3, p + "off-heap.size", () -> size(22, 30));
    overheadAndMetaspace(c, p);
    maybe(c, 0.2, p + "enable-jvm-direct-memory-limit", () -> pick("true", "false", "TRUE", "yes"));
    return c;
  }

  private void overheadAndMetaspace(Map<String, String> c, String p) {
    maybe(c, 0.2, p + "jvm-metaspace.size", () -> size(24, 30));
    maybe(c, 0.2, p + "jvm-overhead.min", () -> size(24, 30));
    maybe(c, 0.2, p + "jvm-overhead.max", () -> size(26, 32));
    maybe(c, 0.2, p + "jvm-overhead.fraction", this::fraction);
  }

  private void maybe(Map<String, String> c, double p, String key, java.util.function.Supplier<String> v) {
    if (random.nextDouble() < p) {
      c.put(key, v.get());
    }
  }

  private String pick(String... values) {
    return values[random.nextInt(values.length)];
  }

  /** A size of roughly 2^minBits to 2^maxBits bytes, in a random unit and spelling. */
  String size(int minBits, int maxBits) {
    int roll = random.nextInt(100);
    if (roll < 3) {
      return MALFORMED_SIZES.get(random.nextInt(MALFORMED_SIZES.size()));
    }
    if (roll < 5) {
      return Long.toString(Long.MAX_VALUE - random.nextInt(3)) + pick("", "b");
    }
    int bits = minBits + random.nextInt(maxBits - minBits + 1);
    long bytes = (long) (random.nextDouble() * (1L << bits));
    int unit = random.nextInt(5);
    long multiplier = 1L << (10 * unit);
    long count = unit == 0 ? bytes : Math.max(0, bytes / multiplier);
    if (count == 0 && unit > 0) {
      unit = 0;
      count = bytes;
    }
    String[] spellings = UNITS[unit];
    String name = spellings[random.nextInt(spellings.length)];
    return pick("", " ") + count + pick("", " ", "  ") + casing(name) + pick("", " ");
  }

  private String casing(String unit) {
    return switch (random.nextInt(3)) {
      case 0 -> unit;
      case 1 -> unit.toUpperCase(Locale.ROOT);
      default -> unit.isEmpty() ? unit : Character.toUpperCase(unit.charAt(0)) + unit.substring(1);
    };
  }

  /** A fraction: usually a valid float in [0, 1), sometimes odd or invalid. */
  String fraction() {
    int roll = random.nextInt(100);
    if (roll < 12) {
      return ODD_FRACTIONS.get(random.nextInt(ODD_FRACTIONS.size()));
    }
    if (roll < 40) {
      return pick("0.1", "0.4", "0.25", "0.3", "0.05", "0.7", "0.6");
    }
    return Float.toString(random.nextFloat() * 0.9f);
  }
}
