package io.memflow.network;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class RedistributionProperties {

  @Property
  void sharesAddUpToTheExcessOrTheTotalHeadroomAndStayWithinEachHeadroom(
      @ForAll @IntRange(min = 0, max = 100_000) int excess,
      @ForAll @Size(max = 20) List<@IntRange(min = 0, max = 50_000) Integer> headroomList) {
    int[] headroom = headroomList.stream().mapToInt(Integer::intValue).toArray();
    int[] shares = Redistribution.shares(excess, headroom);
    long cappedTotal = 0;
    long sum = 0;
    for (int i = 0; i < headroom.length; i++) {
      assertThat(shares[i]).isBetween(0, headroom[i]);
      cappedTotal += Math.min(excess, headroom[i]);
      sum += shares[i];
    }
    long expected = Math.min(excess, cappedTotal);
    assertThat(sum).isEqualTo(expected);
    for (int i = 0; i < headroom.length; i++) {
      double exact = cappedTotal == 0 ? 0 : (double) expected * Math.min(excess, headroom[i]) / cappedTotal;
      assertThat((double) shares[i]).isCloseTo(exact, org.assertj.core.data.Offset.offset(1.0));
    }
  }

  @Test
  void excessIsSharedInProportionToHeadroom() {
    assertThat(Redistribution.shares(30, new int[] {10, 20, 0})).containsExactly(10, 20, 0);
    assertThat(Redistribution.shares(60, new int[] {20, 60})).containsExactly(15, 45);
    assertThat(Redistribution.shares(30, new int[] {10, 20})).containsExactly(10, 20);
    assertThat(Redistribution.shares(15, new int[] {10, 40})).containsExactly(6, 9); // weights 10 and 15
    assertThat(Redistribution.shares(10, new int[] {5, 5, 5})).containsExactly(3, 3, 4);
    assertThat(Redistribution.shares(0, new int[] {5, 5})).containsExactly(0, 0);
  }

  @Test
  void anUnboundedPoolWeighsNoMoreThanTheExcess() {
    // headroom capped at the excess (10): weights 10 and 10, not MAX_VALUE and 10
    assertThat(Redistribution.shares(10, new int[] {Integer.MAX_VALUE - 1, 10})).containsExactly(5, 5);
  }
}
