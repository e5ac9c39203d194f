package io.memflow.managed;

import static io.memflow.managed.ManagedMemoryUseCase.OPERATOR;
import static io.memflow.managed.ManagedMemoryUseCase.PYTHON;
import static io.memflow.managed.ManagedMemoryUseCase.STATE_BACKEND;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ManagedMemoryWeightsTest {

  final ManagedMemoryWeights defaults = ManagedMemoryWeights.defaults();

  @Test
  void defaultsAreFlinks() {
    assertThat(defaults.weight(OPERATOR)).isEqualTo(70);
    assertThat(defaults.weight(STATE_BACKEND)).isEqualTo(70);
    assertThat(defaults.weight(PYTHON)).isEqualTo(30);
    assertThat(defaults).hasToString("OPERATOR:70,STATE_BACKEND:70,PYTHON:30");
  }

  @Test
  void aUseCaseAloneGetsEverything() {
    assertThat(defaults.fraction(OPERATOR, Set.of(OPERATOR))).isEqualTo(1.0);
  }

  @Test
  void fractionsAreWeightOverTheSumOfThosePresent() {
    Map<ManagedMemoryUseCase, Double> fractions = defaults.fractions(EnumSet.of(STATE_BACKEND, PYTHON));

    assertThat(fractions).containsOnlyKeys(STATE_BACKEND, PYTHON);
    assertThat(fractions.get(STATE_BACKEND)).isCloseTo(0.7, within(1e-12));
    assertThat(fractions.get(PYTHON)).isCloseTo(0.3, within(1e-12));
    assertThat(defaults.fraction(OPERATOR, EnumSet.allOf(ManagedMemoryUseCase.class)))
        .isCloseTo(70.0 / 170, within(1e-12));
  }

  @Test
  void anAbsentUseCaseOrAllZeroWeightsGetNothing() {
    assertThat(defaults.fraction(PYTHON, Set.of(OPERATOR))).isZero();
    ManagedMemoryWeights zero = ManagedMemoryWeights.of(Map.of(OPERATOR, 0));
    assertThat(zero.fraction(OPERATOR, Set.of(OPERATOR))).isZero();
    assertThat(zero.fraction(PYTHON, Set.of(OPERATOR, PYTHON))).isEqualTo(1.0);
  }

  @Test
  void anOperatorGetsItsShareOfItsUseCase() {
    double useCase = defaults.fraction(OPERATOR, Set.of(OPERATOR, PYTHON));
    assertThat(ManagedMemoryWeights.operatorFraction(1, 4, useCase)).isCloseTo(0.7 / 4, within(1e-12));
    assertThatThrownBy(() -> ManagedMemoryWeights.operatorFraction(5, 4, 0.5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("operatorWeight=5 totalOperatorWeight=4");
    assertThatThrownBy(() -> ManagedMemoryWeights.operatorFraction(1, 4, 1.5))
        .hasMessageContaining("useCaseFraction=1.5");
  }

  @Test
  void fractionsTimesABudgetGivePages() {
    try (MemoryManager manager = MemoryManager.builder().budget(170 * 4096).pageSize(4096).build()) {
      double fraction = defaults.fraction(PYTHON, EnumSet.allOf(ManagedMemoryUseCase.class));
      assertThat(manager.computeNumberOfPages(fraction)).isEqualTo(30);
    }
  }

  @Test
  void parsesFlinksOptionFormat() {
    ManagedMemoryWeights parsed = ManagedMemoryWeights.parse("OPERATOR:10, PYTHON:90");
    assertThat(parsed.weight(OPERATOR)).isEqualTo(10);
    assertThat(parsed.weight(PYTHON)).isEqualTo(90);
    assertThat(parsed.weight(STATE_BACKEND)).isEqualTo(70);
    assertThatThrownBy(() -> ManagedMemoryWeights.parse("OPERATOR=10"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'OPERATOR=10'")
        .hasMessageContaining("USE_CASE:weight");
    assertThatThrownBy(() -> ManagedMemoryWeights.parse("CACHE:1")).hasMessageContaining("'CACHE:1'");
    assertThatThrownBy(() -> ManagedMemoryWeights.of(Map.of(PYTHON, -1)))
        .hasMessageContaining("weight=-1 of PYTHON");
  }
}
