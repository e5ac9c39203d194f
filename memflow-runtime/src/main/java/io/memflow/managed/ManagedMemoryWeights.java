package io.memflow.managed;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;

/**
 * Consumer weights per {@link ManagedMemoryUseCase}, turned into fractions of a slot's managed
 * memory: a use case present in the slot gets {@code weight / sum of the weights of the use cases
 * present}; an operator's share of its use case is {@code operator weight / sum of operator
 * weights} on top. Immutable and thread-safe.
 */
public final class ManagedMemoryWeights {

  private static final ManagedMemoryWeights DEFAULTS = new ManagedMemoryWeights(defaultMap());

  private final Map<ManagedMemoryUseCase, Integer> weights;

  private ManagedMemoryWeights(Map<ManagedMemoryUseCase, Integer> weights) {
    this.weights = Collections.unmodifiableMap(new EnumMap<>(weights));
  }

  /** Flink's defaults: OPERATOR 70, STATE_BACKEND 70, PYTHON 30. */
  public static ManagedMemoryWeights defaults() {
    return DEFAULTS;
  }

  /**
   * The given weights; use cases not in the map keep their default weight.
   *
   * @throws IllegalArgumentException if a weight is negative
   */
  public static ManagedMemoryWeights of(Map<ManagedMemoryUseCase, Integer> weights) {
    Map<ManagedMemoryUseCase, Integer> all = defaultMap();
    weights.forEach(
        (useCase, weight) -> {
          if (weight < 0) {
            throw new IllegalArgumentException(
                "weight=" + weight + " of " + useCase + " must be at least 0");
          }
          all.put(useCase, weight);
        });
    return new ManagedMemoryWeights(all);
  }

  /**
   * Parses Flink's option format, {@code OPERATOR:70,STATE_BACKEND:70,PYTHON:30}; use cases not
   * named keep their default weight.
   *
   * @throws IllegalArgumentException naming the entry and the expected format
   */
  public static ManagedMemoryWeights parse(String value) {
    Map<ManagedMemoryUseCase, Integer> parsed = new EnumMap<>(ManagedMemoryUseCase.class);
    for (String entry : value.split(",")) {
      String[] parts = entry.trim().split(":");
      try {
        parsed.put(ManagedMemoryUseCase.valueOf(parts[0].trim()), Integer.parseInt(parts[1].trim()));
      } catch (IllegalArgumentException | ArrayIndexOutOfBoundsException e) {
        throw new IllegalArgumentException(
            "consumer weight entry '" + entry + "' in '" + value
                + "' must be USE_CASE:weight with USE_CASE one of OPERATOR, STATE_BACKEND, PYTHON,"
                + " for example OPERATOR:70,STATE_BACKEND:70,PYTHON:30", e);
      }
    }
    return of(parsed);
  }

  /** The weight of a use case. */
  public int weight(ManagedMemoryUseCase useCase) {
    return weights.get(useCase);
  }

  /**
   * The fraction of the slot's managed memory for {@code useCase} when the use cases {@code
   * present} share the slot: its weight over the sum of their weights; 0 if the use case is not
   * present or the weights of those present sum to 0.
   */
  public double fraction(ManagedMemoryUseCase useCase, Set<ManagedMemoryUseCase> present) {
    long sum = 0;
    for (ManagedMemoryUseCase p : present) {
      sum += weight(p);
    }
    return !present.contains(useCase) || sum == 0 ? 0.0 : (double) weight(useCase) / sum;
  }

  /** The fraction of every use case present; they sum to 1 unless all their weights are 0. */
  public Map<ManagedMemoryUseCase, Double> fractions(Set<ManagedMemoryUseCase> present) {
    Map<ManagedMemoryUseCase, Double> fractions = new EnumMap<>(ManagedMemoryUseCase.class);
    for (ManagedMemoryUseCase useCase : present) {
      fractions.put(useCase, fraction(useCase, present));
    }
    return Collections.unmodifiableMap(fractions);
  }

  /**
   * An operator's fraction of the slot: {@code operatorWeight / totalOperatorWeight} (its share
   * among the operators of its use case in the slot sharing group) times {@code useCaseFraction}.
   *
   * @throws IllegalArgumentException unless {@code 0 <= operatorWeight <= totalOperatorWeight},
   *     {@code totalOperatorWeight > 0} and {@code 0 <= useCaseFraction <= 1}
   */
  public static double operatorFraction(
      long operatorWeight, long totalOperatorWeight, double useCaseFraction) {
    if (operatorWeight < 0 || totalOperatorWeight <= 0 || operatorWeight > totalOperatorWeight) {
      throw new IllegalArgumentException(
          "operatorWeight=" + operatorWeight + " totalOperatorWeight=" + totalOperatorWeight
              + ": need 0 <= operatorWeight <= totalOperatorWeight and totalOperatorWeight > 0");
    }
    if (!(useCaseFraction >= 0 && useCaseFraction <= 1)) {
      throw new IllegalArgumentException("useCaseFraction=" + useCaseFraction + " must be in [0, 1]");
    }
    return useCaseFraction * operatorWeight / totalOperatorWeight;
  }

  @Override
  public String toString() {
    StringBuilder s = new StringBuilder();
    weights.forEach((u, w) -> s.append(s.isEmpty() ? "" : ",").append(u).append(':').append(w));
    return s.toString();
  }

  private static Map<ManagedMemoryUseCase, Integer> defaultMap() {
    Map<ManagedMemoryUseCase, Integer> map = new EnumMap<>(ManagedMemoryUseCase.class);
    for (ManagedMemoryUseCase useCase : ManagedMemoryUseCase.values()) {
      map.put(useCase, useCase.defaultWeight());
    }
    return map;
  }
}
