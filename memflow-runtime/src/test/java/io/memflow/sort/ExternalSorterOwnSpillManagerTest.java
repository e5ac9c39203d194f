package io.memflow.sort;

import static io.memflow.sort.SortAssertions.assertSortedLike;
import static io.memflow.sort.SortAssertions.drain;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.memflow.io.SpillManager;
import io.memflow.managed.MemoryManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A sorter given no SpillManager makes its own on the first spill and closes it with itself. */
class ExternalSorterOwnSpillManagerTest {

  static final int PAGE = 4096;

  final Object owner = "own-spills";
  final RecComparator comparator = new RecComparator(RecComparator.Kind.KEY_DECIDES, true);
  final List<SpillManager> made = new ArrayList<>();
  @TempDir Path directory;
  MemoryManager manager;

  @BeforeEach
  void open() {
    manager = MemoryManager.builder().budget(16L * PAGE).pageSize(PAGE).build();
  }

  @AfterEach
  void released() throws InterruptedException {
    assertThat(manager.verifyEmpty()).isTrue();
    manager.close();
    ExternalSorterContractTest.assertNoSorterThreads();
  }

  ExternalSorter.Builder<Rec> builder() {
    return ExternalSorter.builder(manager, owner, comparator).pages(16).spillManagerFactory(() -> {
      SpillManager spills = SpillManager.builder().tempDirectories(List.of(directory)).build();
      made.add(spills);
      return spills;
    });
  }

  List<Rec> sort(ExternalSorter<Rec> sorter, List<Rec> input) throws IOException {
    for (Rec r : input) {
      sorter.write(r);
    }
    return drain(sorter.sorted());
  }

  @Test
  void anInputThatFitsMakesNoSpillManager() throws Exception {
    List<Rec> input = ExternalSorterContractTest.recordsOf(new Random(1), 0.3, 100, 20);
    try (ExternalSorter<Rec> sorter = builder().build()) {
      assertSortedLike(sort(sorter, input), input, comparator);
    }
    assertThat(made).isEmpty();
  }

  @Test
  void theFirstSpillMakesASpillManagerThatCloseClosesWithItsFiles() throws Exception {
    List<Rec> input = ExternalSorterContractTest.recordsOf(new Random(2), 4, 100, 20);
    ExternalSorter<Rec> sorter = builder().maxFanIn(3).build();
    try {
      assertSortedLike(sort(sorter, input), input, comparator);
      assertThat(made).hasSize(1);
      assertThat(made.getFirst().liveFiles()).as("runs still open for the result").isPositive();
    } finally {
      sorter.close();
    }
    assertThat(made.getFirst().liveFiles()).isZero();
    assertThat(ExternalSorterSpillFileTest.filesIn(directory)).isEmpty();
    assertThatThrownBy(() -> made.getFirst().createFile("after")).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void closingMidInputClosesTheOwnSpillManager() throws Exception {
    ExternalSorter<Rec> sorter = builder().build();
    try {
      for (Rec r : ExternalSorterContractTest.recordsOf(new Random(3), 4, 100, 20)) {
        sorter.write(r);
      }
      assertThat(sorter.runsSpilled()).isPositive();
    } finally {
      sorter.close();
    }
    assertThat(ExternalSorterSpillFileTest.filesIn(directory)).isEmpty();
    assertThatThrownBy(() -> made.getFirst().createFile("after")).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void theDefaultSpillManagerWritesToTheJavaTempDirectoryAndLeavesNothingThere() throws Exception {
    Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
    Set<Path> before = runFiles(tmp);
    List<Rec> input = ExternalSorterContractTest.recordsOf(new Random(4), 4, 100, 20);
    try (ExternalSorter<Rec> sorter = ExternalSorter.builder(manager, owner, comparator).pages(16).build()) {
      for (Rec r : input) {
        sorter.write(r);
      }
      Set<Path> during = runFiles(tmp);
      during.removeAll(before);
      assertThat(during).as("run files of this sorter in " + tmp).isNotEmpty();
      assertSortedLike(drain(sorter.sorted()), input, comparator);
    }
    Set<Path> after = runFiles(tmp);
    after.removeAll(before);
    assertThat(after).as("run files left in " + tmp).isEmpty();
  }

  static Set<Path> runFiles(Path directory) throws IOException {
    try (Stream<Path> files = Files.list(directory)) {
      return new HashSet<>(files.filter(p -> p.getFileName().toString().startsWith("memflow-sort-")).toList());
    }
  }
}
