package io.memflow.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.memflow.config.memory.RandomConfigsAccess;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MemorySizeTest {

  @Test
  void parsesEveryUnitSpellingCaseAndSpacing() {
    assertThat(MemorySize.parse("128m").bytes()).isEqualTo(128L << 20);
    assertThat(MemorySize.parse(" 128 mb ").bytes()).isEqualTo(128L << 20);
    assertThat(MemorySize.parse("134217728").bytes()).isEqualTo(134217728L);
    assertThat(MemorySize.parse("1G").bytes()).isEqualTo(1L << 30);
    assertThat(MemorySize.parse("64kibibytes").bytes()).isEqualTo(64L << 10);
    assertThat(MemorySize.parse("2 TeBiBytes").bytes()).isEqualTo(2L << 40);
    assertThat(MemorySize.parse("7 Bytes").bytes()).isEqualTo(7);
  }

  @Test
  void rejectsWhatFlinkRejects() {
    for (String bad : new String[] {"", " ", "m", "-1m", "1.5g", "12x", "99999999999999999999",
        "9223372036854775807k", "5 m b"}) {
      assertThatThrownBy(() -> MemorySize.parse(bad)).as(bad)
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void parsesAndPrintsExactlyAsFlinkOnRandomTexts() {
    RandomConfigsAccess texts = new RandomConfigsAccess(7);
    Random random = new Random(7);
    for (int i = 0; i < 20_000; i++) {
      String text = texts.size(random.nextInt(40), 40 + random.nextInt(23));
      Long ours = parseOrNull(text);
      Long flink = flinkParseOrNull(text);
      assertThat(ours).as("'%s'", text).isEqualTo(flink);
      if (ours != null) {
        var flinkSize = new org.apache.flink.configuration.MemorySize(ours);
        assertThat(new MemorySize(ours).toString()).isEqualTo(flinkSize.toString());
        assertThat(new MemorySize(ours).toHumanReadableString())
            .isEqualTo(flinkSize.toHumanReadableString());
      }
    }
  }

  @Test
  void multipliesByTheWidenedFloatExactlyAndTruncates() {
    // 1280m * 0.4f: 0.4f widens to 0.4000000059604645, so the product has 8 extra bytes.
    assertThat(MemorySize.ofMebiBytes(1280).multiply(0.4f).bytes()).isEqualTo(536870920L);
    assertThat(MemorySize.ofMebiBytes(1280).multiply(0.4d).bytes()).isEqualTo(536870912L);
    Random random = new Random(11);
    for (int i = 0; i < 10_000; i++) {
      long bytes = random.nextLong() >>> (1 + random.nextInt(63));
      double factor = random.nextFloat();
      assertThat(safeMultiply(bytes, factor)).isEqualTo(flinkMultiply(bytes, factor));
    }
  }

  @Test
  void multipliesByDoublesOfEveryShapeAsFlinkDoes() {
    // factors that print plainly, with an exponent (below 10^-3, from 10^7), as integers, with
    // 17 significant digits, -0.0; sizes from zero to Long.MAX_VALUE, products that overflow
    Random random = new Random(12);
    double[] fixed = {0.0, -0.0, 1.0, 0.1, 0.25, 0.4, 1.5, 3.0, 1e-3, 9.99e-4, 1e-4, 1.0e-12, 1e7, 1.2345e10,
        0.1f, 0.3f, 0.07f, 1e-19, 123456.789, Double.MIN_VALUE, 0.009999999776482582, Math.PI};
    for (int i = 0; i < 50_000; i++) {
      long bytes = i % 50 == 0 ? Long.MAX_VALUE - random.nextInt(3) : random.nextLong() >>> (1 + random.nextInt(63));
      double factor = switch (i % 5) {
        case 0 -> fixed[random.nextInt(fixed.length)];
        case 1 -> random.nextDouble();
        case 2 -> random.nextDouble() * Math.pow(10, random.nextInt(24) - 12);
        case 3 -> random.nextInt(1000) / 100.0;
        default -> (double) random.nextFloat() * random.nextInt(4);
      };
      assertThat(safeMultiply(bytes, factor)).as("%d * %s", bytes, factor).isEqualTo(flinkMultiply(bytes, factor));
    }
    for (double factor : new double[] {0.4f, 0.1f, 0.1, 0.25, 1e-4, 3.0, 1.2345e7}) { // no BigDecimal for these
      assertThat(MemorySize.exactProduct(1280L << 20, factor)).as("%s", factor)
          .isEqualTo(flinkMultiply(1280L << 20, factor));
    }
    assertThat(MemorySize.exactProduct(Long.MAX_VALUE, 1.5)).as("overflow").isNegative();
    assertThatThrownBy(() -> MemorySize.ZERO.multiply(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new org.apache.flink.configuration.MemorySize(0).multiply(Double.NaN))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void arithmeticRefusesOverflowAndNegatives() {
    assertThatThrownBy(() -> MemorySize.MAX_VALUE.add(new MemorySize(1)))
        .isInstanceOf(ArithmeticException.class);
    assertThatThrownBy(() -> MemorySize.ZERO.subtract(new MemorySize(1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> MemorySize.MAX_VALUE.multiply(1.5))
        .isInstanceOf(ArithmeticException.class);
    assertThatThrownBy(() -> new MemorySize(-1)).hasMessageContaining("-1");
  }

  private static Long parseOrNull(String text) {
    try {
      return MemorySize.parse(text).bytes();
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static Long flinkParseOrNull(String text) {
    try {
      return org.apache.flink.configuration.MemorySize.parse(text).getBytes();
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static Long safeMultiply(long bytes, double factor) {
    try {
      return new MemorySize(bytes).multiply(factor).bytes();
    } catch (ArithmeticException e) {
      return null;
    }
  }

  private static Long flinkMultiply(long bytes, double factor) {
    try {
      return new org.apache.flink.configuration.MemorySize(bytes).multiply(factor).getBytes();
    } catch (ArithmeticException e) {
      return null;
    }
  }
}
