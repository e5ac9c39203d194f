package io.memflow.hash;

/**
 * The kinds of {@link HashJoin}. The probe side is the <b>left</b> input, the build side the
 * <b>right</b> one. Null keys never match (SQL equality): a row with a null key field is
 * unmatched, which the outer and anti joins still output.
 *
 * <p>Immutable and thread-safe.
 */
public enum JoinType {
  /** Probe fields then build fields, for every pair of rows with equal keys. */
  INNER,
  /** As {@link #INNER}, plus each unmatched probe row once, its build fields null. */
  LEFT_OUTER,
  /** As {@link #INNER}, plus each unmatched build row once, its probe fields null. */
  RIGHT_OUTER,
  /** Each probe row that has at least one match, once, probe fields only ({@code EXISTS}). */
  SEMI,
  /**
   * Each probe row that has no match, probe fields only: {@code NOT EXISTS} semantics, so a probe
   * row with a null key is output (it matches nothing), unlike {@code NOT IN}.
   */
  ANTI;

  /** Whether the output holds build fields (not for {@link #SEMI} and {@link #ANTI}). */
  public boolean outputsBuildFields() {
    return this == INNER || this == LEFT_OUTER || this == RIGHT_OUTER;
  }
}
