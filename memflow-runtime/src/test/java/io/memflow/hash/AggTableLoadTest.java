package io.memflow.hash;

import static org.assertj.core.api.Assertions.assertThat;

import io.memflow.memory.MemorySegment;
import io.memflow.memory.MemorySegments;
import io.memflow.row.BinaryRow;
import io.memflow.row.FieldType;
import io.memflow.row.RowSchema;
import io.memflow.row.RowWriter;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The load of {@link AggTable}'s buckets: it doubles at 3/4 when the pool has the pages, and
 * fills up to 7/8 when it has not, every group still found and counted.
 */
class AggTableLoadTest {

  private static final int PAGE_SIZE = 4096;
  /** Buckets in one page: the table's first capacity. */
  private static final int BUCKETS = PAGE_SIZE / 8;
  private static final RowSchema SCHEMA =
      RowSchema.builder().field("k", FieldType.LONG).field("v", FieldType.LONG).build();
  private static final AggLayout LAYOUT = new AggLayout(SCHEMA, new int[] {0},
      List.of(AggregateFunction.count(), AggregateFunction.sum("v")));

  private final RowWriter writer = new RowWriter(SCHEMA);
  private final BinaryRow row = new BinaryRow(SCHEMA);

  @Test
  void withoutPagesToDoubleTheBucketsFillUpToSevenEighths() {
    // one bucket page and 5 record pages of 102 groups (40-byte records): room for 510 groups,
    // but doubling the buckets at the 385th needs 3 free pages when only 1 is left
    AggTable table = table(6);
    int fit = BUCKETS * 7 / 8;
    for (int k = 0; k < fit; k++) {
      assertThat(add(table, k, 1)).as("group %d", k).isTrue();
    }
    assertThat(table.capacity()).as("not doubled").isEqualTo(BUCKETS);
    assertThat(table.recordBytes()).as("room for another record").isLessThanOrEqualTo(5L * PAGE_SIZE - 40);
    assertThat(add(table, fit, 1)).as("a new group past 7/8").isFalse();
    assertThat(table.size()).isEqualTo(fit);
    for (int k = 0; k < fit; k++) { // existing groups are still found and updated when full
      assertThat(add(table, k, 10)).isTrue();
    }
    assertThat(groups(table)).hasSize(fit).allSatisfy((k, countAndSum) ->
        assertThat(countAndSum).containsExactly(2L, 11L));
  }

  @Test
  void withPagesTheBucketsDoubleAtThreeQuarters() {
    AggTable table = table(20);
    for (int k = 0; k < BUCKETS * 3 / 4; k++) {
      assertThat(add(table, k, 1)).isTrue();
    }
    assertThat(table.capacity()).isEqualTo(BUCKETS);
    assertThat(add(table, -1, 1)).isTrue();
    assertThat(table.capacity()).as("doubled").isEqualTo(2L * BUCKETS);
    assertThat(groups(table)).hasSize(BUCKETS * 3 / 4 + 1);
  }

  private static AggTable table(int pages) {
    Deque<MemorySegment> pool = new ArrayDeque<>();
    for (int i = 0; i < pages; i++) {
      pool.push(MemorySegments.allocateHeap(PAGE_SIZE));
    }
    AggTable table = new AggTable(LAYOUT, pool, PAGE_SIZE, 4);
    table.open();
    return table;
  }

  private boolean add(AggTable table, long key, long value) {
    writer.reset().setAll(new Object[] {key, value}).writeTo(row);
    return table.add(row, LAYOUT.inputKey().hash(row, 7));
  }

  /** Key to [count, sum] of every group, read through the buckets. */
  private static Map<Long, long[]> groups(AggTable table) {
    Map<Long, long[]> groups = new HashMap<>();
    BinaryRow group = new BinaryRow(LAYOUT.partialSchema());
    for (long i = 0; i < table.capacity(); i++) {
      long bucket = table.bucketAt(i);
      if (bucket != 0) {
        table.pointTo(bucket, group);
        groups.put(group.getLong(0), new long[] {group.getLong(1), group.getLong(2)});
      }
    }
    return groups;
  }
}
