package io.memflow.config.memory;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link TaskManagerDerivation#truncateDecimals} against the {@code BigDecimal} formula Flink uses. */
class CpuCoresTest {

  @Test
  void cuttingTheDecimalFormAfterEightDecimalsEqualsFlinksBigDecimal() {
    Random random = new Random(5);
    double[] fixed = {1.0, 2.0, 0.5, 0.1, 1e-3, 9.99e-4, 1e-9, 1e7, 123456789.5, 0.123456789, 3.999999999,
        Double.MIN_VALUE, Double.MAX_VALUE, 1.1f, 0.3f};
    for (double value : fixed) {
      assertThat(TaskManagerDerivation.truncateDecimals(value)).as("%s", value).isEqualTo(flink(value));
    }
    for (int i = 0; i < 100_000; i++) {
      double value = switch (i % 3) {
        case 0 -> random.nextDouble() * 64;
        case 1 -> random.nextDouble() * Math.pow(10, random.nextInt(20) - 10);
        default -> random.nextInt(1_000_000) / 1000.0;
      };
      assertThat(TaskManagerDerivation.truncateDecimals(value)).as("%s", value).isEqualTo(flink(value));
    }
  }

  private static double flink(double value) {
    return BigDecimal.valueOf(value).setScale(8, RoundingMode.DOWN).stripTrailingZeros().doubleValue();
  }
}
