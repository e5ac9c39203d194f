package io.memflow.memory;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** {@code compare} and {@code equalTo} agree with {@link Arrays#compareUnsigned} on random ranges. */
class CompareProperties {

  record Ranges(byte[] left, byte[] right, int leftFrom, int rightFrom, int leftLength, int rightLength) {}

  @Provide
  Arbitrary<Ranges> ranges() {
    Arbitrary<byte[]> bytes =
        Arbitraries.bytes().between((byte) -3, (byte) 3).array(byte[].class).ofMinSize(0).ofMaxSize(300);
    return Combinators.combine(bytes, bytes, Arbitraries.integers().between(0, 300), Arbitraries.integers().between(0, 300),
            Arbitraries.integers().between(0, 300), Arbitraries.integers().between(0, 300))
        .as(
            (l, r, lf, rf, ll, rl) -> {
              int leftFrom = Math.min(lf, l.length);
              int rightFrom = Math.min(rf, r.length);
              return new Ranges(l, r, leftFrom, rightFrom, Math.min(ll, l.length - leftFrom), Math.min(rl, r.length - rightFrom));
            });
  }

  @Property(tries = 2000)
  void compareAgreesWithArraysCompareUnsigned(@ForAll("ranges") Ranges r, @ForAll boolean offHeap) {
    MemorySegment left = copyOf(r.left(), offHeap);
    MemorySegment right = copyOf(r.right(), !offHeap);
    try {
      int expected =
          Arrays.compareUnsigned(
              r.left(), r.leftFrom(), r.leftFrom() + r.leftLength(),
              r.right(), r.rightFrom(), r.rightFrom() + r.rightLength());
      int actual = left.compare(right, r.leftFrom(), r.rightFrom(), r.leftLength(), r.rightLength());
      assertThat(Integer.signum(actual)).isEqualTo(Integer.signum(expected));
      int common = Math.min(r.leftLength(), r.rightLength());
      int commonExpected =
          Arrays.compareUnsigned(
              r.left(), r.leftFrom(), r.leftFrom() + common, r.right(), r.rightFrom(), r.rightFrom() + common);
      assertThat(Integer.signum(left.compare(right, r.leftFrom(), r.rightFrom(), common)))
          .isEqualTo(Integer.signum(commonExpected));
      assertThat(left.equalTo(right, r.leftFrom(), r.rightFrom(), common)).isEqualTo(commonExpected == 0);
    } finally {
      left.free();
      right.free();
    }
  }

  private static MemorySegment copyOf(byte[] bytes, boolean offHeap) {
    MemorySegment s =
        offHeap ? MemorySegments.allocateOffHeap(Math.max(1, bytes.length)) : MemorySegments.allocateHeap(bytes.length);
    s.put(0, bytes);
    return s;
  }
}
