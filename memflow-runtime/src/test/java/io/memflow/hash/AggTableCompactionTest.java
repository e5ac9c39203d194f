package io.memflow.hash;

import static io.memflow.hash.AggFixture.PAGE_SIZE;
import static io.memflow.hash.AggFixture.SCHEMA;
import static io.memflow.hash.AggregateFunction.count;
import static io.memflow.hash.AggregateFunction.max;
import static io.memflow.hash.AggregateFunction.min;
import static io.memflow.hash.AggregateFunction.sum;
import static org.assertj.core.api.Assertions.assertThat;

import io.memflow.memory.MemorySegment;
import io.memflow.memory.MemorySegments;
import io.memflow.row.BinaryRow;
import io.memflow.row.RowWriter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Eviction in {@link AggTable}: groups of some partitions killed, the table compacted, and the
 * groups left must be exactly those of the other partitions, with their values, findable again,
 * in fewer pages, and the table must go on taking rows. The string min and max make groups grow
 * and move (dead records left behind) before any eviction.
 */
class AggTableCompactionTest {

  private static final int PARTITIONS = 8;
  private static final List<AggregateFunction> FUNCTIONS =
      List.of(count(), sum("v_long"), min("v_str"), max("v_str"), min("v_bytes"));
  private static final int[] KEYS = {1, 0};

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(ints = {1, 2, 3, 4, 5, 6})
  void compactionKeepsExactlyTheLivePartitionsGroupsAndFreesPages(int seed) {
    Random random = new Random(seed);
    AggLayout layout = new AggLayout(SCHEMA, KEYS, FUNCTIONS);
    Deque<MemorySegment> pool = new ArrayDeque<>();
    for (int i = 0; i < 400; i++) {
      pool.push(MemorySegments.allocateHeap(PAGE_SIZE));
    }
    AggTable table = new AggTable(layout, pool, PAGE_SIZE, PARTITIONS);
    table.open();
    AggReference reference = new AggReference(SCHEMA, KEYS, FUNCTIONS);
    Set<Integer> evicted = new HashSet<>();
    for (int round = 0; round < 4; round++) {
      List<Object[]> rows = AggFixture.rows(random, 3_000, 1_500 + 500 * round, 0.1);
      add(table, layout, reference, rows, evicted);
      int poolBefore = pool.size();
      int[] bounds = table.groupByPartition();
      int kill = 1 + random.nextInt(PARTITIONS - 1);
      evicted.add(kill);
      evicted.add((kill * 3) % PARTITIONS);
      long killed = 0;
      for (int p : evicted) {
        for (int k = bounds[p]; k < bounds[p + 1]; k++) {
          table.kill(table.bucketAt(k));
          killed++;
        }
      }
      long before = table.size();
      table.compact();

      assertThat(table.size()).as("groups left").isEqualTo(before - killed);
      List<List<Object>> expected = new ArrayList<>();
      List<List<Object>> kept = groups(table, layout);
      for (List<Object> group : reference.rows()) {
        if (!evicted.contains(partition(table, layout, group))) {
          expected.add(group);
        }
      }
      AggregatorTestSupport.assertSameMultiset(kept, expected);
      int[] sizes = new int[PARTITIONS];
      expected.forEach(group -> sizes[partition(table, layout, group)]++);
      for (int p = 0; p < PARTITIONS; p++) {
        assertThat(table.partitionSize(p)).as("partition %d", p).isEqualTo(sizes[p]);
      }
      if (killed > 100) {
        assertThat(pool.size()).as("pages back in the pool").isGreaterThan(poolBefore);
      }
    }
    table.clear();
    assertThat(pool).hasSize(399);
  }

  /** Adds the rows whose partitions were not evicted (as the aggregator would: the others go to disk). */
  private static void add(AggTable table, AggLayout layout, AggReference reference, List<Object[]> rows,
      Set<Integer> evicted) {
    RowWriter writer = new RowWriter(SCHEMA);
    BinaryRow row = new BinaryRow(SCHEMA);
    for (Object[] values : rows) {
      writer.reset().setAll(values).writeTo(row);
      int hash = layout.inputKey().hash(row, 11);
      if (!evicted.contains(table.partitionOf(hash))) {
        assertThat(table.add(row, hash)).as("room in the table").isTrue();
        reference.add(values);
      }
    }
  }

  /** Every group of the table, found through the buckets, each also found again by a lookup. */
  private static List<List<Object>> groups(AggTable table, AggLayout layout) {
    List<List<Object>> groups = new ArrayList<>();
    BinaryRow group = new BinaryRow(layout.partialSchema());
    for (long i = 0; i < table.capacity(); i++) {
      long bucket = table.bucketAt(i);
      if (bucket != 0) {
        table.pointTo(bucket, group);
        assertThat(layout.partialKey().hash(group, 11)).as("stored hash").isEqualTo((int) bucket);
        groups.add(AggReference.values(group));
      }
    }
    return groups;
  }

  /** The partition of a group (its keys k_str, k_long first), hashed as an input row with those keys. */
  private static int partition(AggTable table, AggLayout layout, List<Object> group) {
    Object[] values = new Object[SCHEMA.fieldCount()];
    values[1] = group.get(0);
    values[0] = group.get(1);
    values[2] = 0;
    BinaryRow row = new BinaryRow(SCHEMA);
    new RowWriter(SCHEMA).setAll(values).writeTo(row);
    return table.partitionOf(layout.inputKey().hash(row, 11));
  }
}
