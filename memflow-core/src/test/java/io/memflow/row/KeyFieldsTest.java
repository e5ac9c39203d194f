package io.memflow.row;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class KeyFieldsTest {

  record Case(RowSchema schema, Object[] a, Object[] b, int seed) {}

  @Provide
  Arbitrary<Case> pairs() {
    return Rows.schemas(4).flatMap(schema -> Combinators.combine(
        Rows.rows(schema), Rows.rows(schema), Arbitraries.integers(), Arbitraries.of(true, false))
        .as((a, b, seed, same) -> new Case(schema, a, same ? a.clone() : b, seed)));
  }

  @Property(tries = 2000)
  void equalMatchesValueEqualityAndEqualKeysHashAlike(@ForAll("pairs") Case c) {
    int[] all = new int[c.schema().fieldCount()];
    Arrays.setAll(all, i -> i);
    KeyFields key = KeyFields.of(c.schema(), all);
    BinaryRow a = RowWriter.row(c.schema(), c.a());
    BinaryRow b = RowWriter.row(c.schema(), c.b());

    boolean expected = valuesEqual(c.a(), c.b());
    assertThat(key.equal(a, key, b)).as("%s vs %s", Rows.show(c.a()), Rows.show(c.b())).isEqualTo(expected);
    if (expected) {
      assertThat(key.hash(a, c.seed())).isEqualTo(key.hash(b, c.seed()));
    }
    assertThat(key.hasNull(a)).isEqualTo(Arrays.asList(c.a()).contains(null));
  }

  /** Value equality as keys: doubles by ==, except NaN equals NaN; nulls equal. */
  private static boolean valuesEqual(Object[] a, Object[] b) {
    for (int i = 0; i < a.length; i++) {
      Object x = a[i];
      Object y = b[i];
      boolean same = x == null || y == null ? x == y
          : x instanceof Double dx ? dx.doubleValue() == (Double) y || dx.isNaN() && ((Double) y).isNaN()
          : x instanceof byte[] bx ? Arrays.equals(bx, (byte[]) y)
          : x.equals(y);
      if (!same) {
        return false;
      }
    }
    return true;
  }

  @Test
  void negativeZeroAndEveryNanAreOneKey() {
    RowSchema schema = RowSchema.builder().field("d", FieldType.DOUBLE).build();
    KeyFields key = KeyFields.of(schema, 0);
    BinaryRow zero = RowWriter.row(schema, 0.0);
    BinaryRow negativeZero = RowWriter.row(schema, -0.0);
    BinaryRow nan = RowWriter.row(schema, Double.NaN);
    BinaryRow otherNan = RowWriter.row(schema, Double.longBitsToDouble(0xfff8000000000123L));
    assertThat(key.equal(zero, key, negativeZero)).isTrue();
    assertThat(key.hash(zero, 7)).isEqualTo(key.hash(negativeZero, 7));
    assertThat(key.equal(nan, key, otherNan)).isTrue();
    assertThat(key.hash(nan, 7)).isEqualTo(key.hash(otherNan, 7));
  }

  @Test
  void keysOfTwoSchemasCompareFieldByField() {
    RowSchema left = RowSchema.builder().field("id", FieldType.LONG).field("name", FieldType.STRING).build();
    RowSchema right = RowSchema.builder().field("x", FieldType.INT).field("name", FieldType.STRING)
        .field("id", FieldType.LONG).build();
    KeyFields leftKey = KeyFields.of(left, 0, 1);
    KeyFields rightKey = KeyFields.of(right, 2, 1);
    leftKey.checkComparable(rightKey);
    BinaryRow l = RowWriter.row(left, 42L, "answer");
    BinaryRow r = RowWriter.row(right, 9, "answer", 42L);
    assertThat(leftKey.equal(l, rightKey, r)).isTrue();
    assertThat(leftKey.hash(l, 3)).isEqualTo(rightKey.hash(r, 3));
    assertThat(leftKey.equal(l, rightKey, RowWriter.row(right, 9, "answers", 42L))).isFalse();
  }

  @Test
  void keysOfDifferentTypesAreRefusedWithBothTypesNamed() {
    RowSchema schema = RowSchema.builder().field("a", FieldType.INT).field("b", FieldType.LONG).build();
    assertThatThrownBy(() -> KeyFields.of(schema, 0).checkComparable(KeyFields.of(schema, 1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("[INT]")
        .hasMessageContaining("[LONG]");
    assertThatThrownBy(() -> KeyFields.of(schema)).isInstanceOf(IllegalArgumentException.class);
  }

  /**
   * Hashes are good enough to partition by: sequential and random longs and strings fill 16
   * partitions evenly, and the keys of one partition spread evenly again under another seed.
   */
  @Test
  void hashesSpreadKeysEvenlyAndAnotherSeedSpreadsOnePartitionAgain() {
    RowSchema schema = RowSchema.builder().field("k", FieldType.LONG).field("s", FieldType.STRING).build();
    KeyFields longKey = KeyFields.of(schema, 0);
    KeyFields stringKey = KeyFields.of(schema, 1);
    SplittableRandom random = new SplittableRandom(11);
    int n = 64_000;
    int[] byLong = new int[16];
    int[] byString = new int[16];
    int[] respread = new int[16];
    BinaryRow row = new BinaryRow(schema);
    RowWriter writer = new RowWriter(schema);
    for (int i = 0; i < n; i++) {
      long value = i % 2 == 0 ? i : random.nextLong();
      writer.reset().setLong(0, value).setString(1, "key-" + value).writeTo(row);
      int first = longKey.hash(row, 1) & 15;
      byLong[first]++;
      byString[stringKey.hash(row, 1) & 15]++;
      if (first == 0) {
        respread[longKey.hash(row, 2) & 15]++;
      }
    }
    assertEven(byLong, n);
    assertEven(byString, n);
    assertEven(respread, byLong[0]);
  }

  /** A chi-square test of uniformity: 37.7 is the 99.9th percentile for 15 degrees of freedom. */
  private static void assertEven(int[] counts, int total) {
    double expected = total / (double) counts.length;
    double chiSquare = 0;
    for (int count : counts) {
      chiSquare += (count - expected) * (count - expected) / expected;
    }
    assertThat(chiSquare).as(Arrays.toString(counts)).isLessThan(37.7);
  }

  @Test
  void distinctSeedsGiveDistinctHashes() {
    RowSchema schema = RowSchema.builder().field("k", FieldType.INT).build();
    KeyFields key = KeyFields.of(schema, 0);
    BinaryRow row = RowWriter.row(schema, 5);
    Set<Integer> hashes = new HashSet<>();
    for (int seed = 0; seed < 100; seed++) {
      hashes.add(key.hash(row, seed));
    }
    assertThat(hashes).hasSizeGreaterThan(95);
  }
}
