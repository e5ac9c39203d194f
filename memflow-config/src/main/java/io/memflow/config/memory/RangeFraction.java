package io.memflow.config.memory;

import io.memflow.config.MemorySize;

/**
 * A (min, max, fraction) triple. Invariant, as Flink checks it: {@code min <= max} and {@code 0
 * <= fraction < 1}. The fraction is Flink's {@code float} option widened to {@code double}.
 */
record RangeFraction(MemorySize min, MemorySize max, double fraction) {

  boolean isValid() {
    return min.bytes() <= max.bytes() && fraction >= 0 && fraction < 1;
  }

  MemorySize cap(MemorySize size) {
    if (size.bytes() > max.bytes()) {
      return max;
    }
    return size.bytes() < min.bytes() ? min : size;
  }

  boolean contains(MemorySize size) {
    return size.bytes() >= min.bytes() && size.bytes() <= max.bytes();
  }

  /** Derives {@code cap(base * fraction)} and says how. */
  Derived ofBase(MemorySize base, String baseName) {
    MemorySize relative = base.multiply(fraction);
    return capped(relative, "fraction " + fraction + " of " + baseName + " " + base.bytes());
  }

  /** Derives {@code cap(base * f / (1 - f))}: the share f of a total of which base is the rest. */
  Derived ofRest(MemorySize base, String baseName) {
    double factor = fraction / (1 - fraction);
    MemorySize relative = base.multiply(factor);
    return capped(
        relative,
        "fraction " + fraction + " of the total, i.e. " + baseName + " " + base.bytes()
            + " * f/(1-f)");
  }

  private Derived capped(MemorySize relative, String how) {
    MemorySize result = cap(relative);
    String bounds = " = " + relative.bytes() + " bytes";
    if (result.bytes() > relative.bytes()) {
      bounds += ", raised to the min " + min;
    } else if (result.bytes() < relative.bytes()) {
      bounds += ", lowered to the max " + text(max);
    } else {
      bounds += ", within [" + min + ", " + text(max) + "]";
    }
    return new Derived(result, how + bounds);
  }

  private static String text(MemorySize size) {
    return size.equals(MemorySize.MAX_VALUE) ? "unlimited" : size.toString();
  }

  /** A derived size and the rule that decided it. */
  record Derived(MemorySize size, String rule) {}
}
