package io.memflow.hash;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.memflow.hash.HashJoinTesting.Keys;
import io.memflow.hash.HashJoinTesting.Setup;
import io.memflow.io.CorruptSpillFileException;
import io.memflow.managed.AllocationPolicy;
import io.memflow.memory.MemorySegment;
import io.memflow.row.BinaryRow;
import io.memflow.row.RowIterator;
import io.memflow.row.RowWriter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pages, files and threads come back after success, I/O faults, caller failures and cancellation. */
class HashJoinResourceTest {

  private static final Keys KEYS = Keys.LONG;
  private static final int ROWS = 20_000;

  @TempDir Path directory;

  private final Random random = new Random(42);
  private final List<Object[]> build = HashJoinTesting.randomRows(KEYS, random, ROWS, ROWS / 2, 0.01, true);
  private final List<Object[]> probe = HashJoinTesting.randomRows(KEYS, random, ROWS, ROWS / 2, 0.01, false);

  @Test
  void aFullDiskWhileSpillingTheBuildSideFailsTheJoinAndReleasesEverything() throws Exception {
    HashJoinFaults faults = new HashJoinFaults();
    faults.writeLimit = 20_000;
    try (Setup setup = new Setup(directory, faults.opener(), AllocationPolicy.FAIL, 64L << 20)) {
      HashJoin join = setup.join(JoinType.INNER, KEYS, 16).build();
      assertThatThrownBy(() -> setup.run(join, KEYS, build, probe))
          .isInstanceOf(IOException.class).hasMessageContaining("No space left on device");
      setup.assertReleased();
    }
  }

  @Test
  void aFailedReadWhileJoiningSpilledPartitionsReleasesEverything() throws Exception {
    HashJoinFaults faults = new HashJoinFaults();
    faults.readLimit = 30_000;
    try (Setup setup = new Setup(directory, faults.opener(), AllocationPolicy.FAIL, 64L << 20)) {
      HashJoin join = setup.join(JoinType.LEFT_OUTER, KEYS, 16).build();
      assertThatThrownBy(() -> setup.run(join, KEYS, build, probe))
          .isInstanceOf(IOException.class).hasMessageContaining("Input/output error");
      setup.assertReleased();
    }
  }

  @Test
  void aCorruptedSpillBlockIsReportedAndEverythingReleased() throws Exception {
    HashJoinFaults faults = new HashJoinFaults();
    faults.corruptAt = 5_000;
    try (Setup setup = new Setup(directory, faults.opener(), AllocationPolicy.FAIL, 64L << 20)) {
      HashJoin join = setup.join(JoinType.RIGHT_OUTER, KEYS, 16).build();
      assertThatThrownBy(() -> setup.run(join, KEYS, build, probe)).isInstanceOf(CorruptSpillFileException.class);
      setup.assertReleased();
    }
  }

  @Test
  void anExceptionOfTheCallerMidProbeThenCloseReleasesEverything() throws Exception {
    try (Setup setup = new Setup(directory)) {
      HashJoin join = setup.join(JoinType.INNER, KEYS, 16).build();
      assertThatThrownBy(() -> {
        try (join) {
          feedBuild(join);
          join.endBuild();
          RowWriter writer = new RowWriter(KEYS.probeSchema());
          for (int i = 0; i < probe.size(); i++) {
            if (i == probe.size() / 2) {
              throw new IllegalStateException("caller failed mid-probe");
            }
            join.probe(writer.reset().setAll(probe.get(i)).toRow()).close();
          }
        }
      }).hasMessage("caller failed mid-probe");
      assertThat(join.spilledPartitions()).isPositive();
      setup.assertReleased();
    }
  }

  @Test
  void closingTheJoinHalfwayThroughTheRestReleasesEverythingAndIsIdempotent() throws Exception {
    try (Setup setup = new Setup(directory)) {
      HashJoin join = setup.join(JoinType.INNER, KEYS, 16).build();
      feedBuild(join);
      feedProbe(join);
      RowIterator rest = join.endProbe();
      for (int i = 0; i < 1_000; i++) {
        assertThat(rest.next()).isNotNull();
      }
      rest.close();
      join.close();
      join.close();
      assertThatThrownBy(rest::next).isInstanceOf(IllegalStateException.class);
      setup.assertReleased();
    }
  }

  @Test
  void closeFromAnotherThreadCancelsTheJoinsThreadAndReleasesEverything() throws Exception {
    try (Setup setup = new Setup(directory)) {
      HashJoin join = setup.join(JoinType.LEFT_OUTER, KEYS, 16).build();
      CountDownLatch reading = new CountDownLatch(1);
      AtomicReference<Throwable> failure = new AtomicReference<>();
      Thread worker = new Thread(() -> {
        try {
          feedBuild(join);
          feedProbe(join);
          RowIterator rest = join.endProbe();
          while (true) {
            rest.next();
            reading.countDown();
          }
        } catch (Throwable e) {
          failure.set(e);
        }
      });
      worker.start();
      reading.await();
      join.close();
      worker.join(10_000);
      assertThat(worker.isAlive()).isFalse();
      assertThat(failure.get()).isInstanceOfAny(CancellationException.class, IllegalStateException.class);
      setup.assertReleased();
    }
  }

  @Test
  void closeFromAnotherThreadAtRandomMomentsAlwaysReleasesEverything() throws Exception {
    Random delays = new Random(11);
    for (int round = 0; round < 12; round++) {
      try (Setup setup = new Setup(directory)) {
        HashJoin join = setup.join(JoinType.RIGHT_OUTER, KEYS, 16).build();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread worker = new Thread(() -> {
          try {
            setup.run(join, KEYS, build, probe);
          } catch (Throwable e) {
            failure.set(e);
          }
        });
        worker.start();
        Thread.sleep(delays.nextInt(120));
        join.close();
        worker.join(10_000);
        assertThat(worker.isAlive()).isFalse();
        if (failure.get() != null) {
          assertThat(failure.get()).isInstanceOfAny(CancellationException.class, IllegalStateException.class);
        }
        setup.assertReleased();
      }
    }
  }

  @Test
  void closingAProbeIteratorEarlyStillCountsItsMatchesUnderRightOuter() throws Exception {
    try (Setup setup = new Setup(directory)) {
      HashJoin join = setup.join(JoinType.RIGHT_OUTER, KEYS, 16).build();
      RowWriter buildWriter = new RowWriter(KEYS.buildSchema());
      for (long i = 0; i < 3; i++) {
        join.addBuild(buildWriter.reset().setAll(1L, i).toRow());
      }
      join.addBuild(buildWriter.reset().setAll(2L, 9L).toRow());
      join.endBuild();
      RowIterator matches = join.probe(new RowWriter(KEYS.probeSchema()).setAll(100L, 1L).toRow());
      assertThat(matches.next()).isNotNull();
      matches.close();
      Map<List<Object>, Long> rest = new HashMap<>();
      HashJoinTesting.collect(join.endProbe(), rest);
      assertThat(rest).containsOnlyKeys(java.util.Arrays.asList(null, null, 2L, 9L));
      join.close();
      setup.assertReleased();
    }
  }

  @Test
  void closeBeforeTheBuildEndsReleasesEverything() throws Exception {
    try (Setup setup = new Setup(directory)) {
      HashJoin join = setup.join(JoinType.SEMI, KEYS, 16).build();
      RowWriter writer = new RowWriter(KEYS.buildSchema());
      for (int i = 0; i < ROWS / 2; i++) {
        join.addBuild(writer.reset().setAll(build.get(i)).toRow());
      }
      join.close();
      assertThatThrownBy(() -> join.addBuild(writer.reset().setAll(build.get(0)).toRow()))
          .isInstanceOf(IllegalStateException.class).hasMessageContaining("CLOSED");
      setup.assertReleased();
    }
  }

  @Test
  void aReclaimDuringTheBuildSpillsAndGivesPagesBackAndTheResultStaysRight() throws Exception {
    long budget = 64L * HashJoinTesting.PAGE_SIZE;
    try (Setup setup = new Setup(directory, io.memflow.io.FileOpener.DEFAULT, AllocationPolicy.LRU_RECLAIM, budget)) {
      HashJoin join = setup.join(JoinType.INNER, KEYS, 64).build();
      Map<List<Object>, Long> out = new HashMap<>();
      List<MemorySegment> taken;
      try (join) {
        feedBuild(join);
        taken = setup.manager.allocatePages("other", 20);
        assertThat(join.ownedPages()).isEqualTo(44);
        join.endBuild();
        RowWriter writer = new RowWriter(KEYS.probeSchema());
        for (Object[] values : probe) {
          HashJoinTesting.collect(join.probe(writer.reset().setAll(values).toRow()), out);
        }
        HashJoinTesting.collect(join.endProbe(), out);
      }
      setup.manager.release(taken);
      assertThat(out).isEqualTo(HashJoinTesting.reference(JoinType.INNER, 1, build, probe));
      setup.assertReleased();
    }
  }

  @Test
  void withoutASpillManagerABuildThatOutgrowsTheMemoryFailsClearly() throws Exception {
    try (Setup setup = new Setup(directory)) {
      HashJoin join = HashJoin.builder(setup.manager, HashJoinTesting.OWNER, KEYS.buildSchema(), KEYS.probeSchema())
          .buildKey(KEYS.buildKey()).probeKey(KEYS.probeKey()).pages(16).build();
      assertThatThrownBy(() -> setup.run(join, KEYS, build, probe))
          .isInstanceOf(IllegalStateException.class).hasMessageContaining("spillManager");
      setup.assertReleased();
    }
  }

  @Test
  void theBuilderRejectsKeysOfDifferentTypesAndTooLittleMemory() throws Exception {
    try (Setup setup = new Setup(directory)) {
      assertThatThrownBy(() -> setup.join(JoinType.INNER, Keys.INT, 16).probeKey(0).build())
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("key types differ");
      assertThatThrownBy(() -> setup.join(JoinType.INNER, KEYS, 8).build())
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("pages=8");
      setup.assertReleased();
    }
  }

  private void feedBuild(HashJoin join) throws IOException {
    RowWriter writer = new RowWriter(KEYS.buildSchema());
    BinaryRow row = new BinaryRow(KEYS.buildSchema());
    for (Object[] values : build) {
      writer.reset().setAll(values).writeTo(row);
      join.addBuild(row);
    }
  }

  private void feedProbe(HashJoin join) throws IOException {
    join.endBuild();
    RowWriter writer = new RowWriter(KEYS.probeSchema());
    BinaryRow row = new BinaryRow(KEYS.probeSchema());
    for (Object[] values : probe) {
      writer.reset().setAll(values).writeTo(row);
      RowIterator matches = join.probe(row);
      while (matches.next() != null) {
        // read to the end
      }
    }
  }
}
