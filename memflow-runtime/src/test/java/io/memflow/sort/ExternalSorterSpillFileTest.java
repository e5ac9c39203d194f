package io.memflow.sort;

import static org.assertj.core.api.Assertions.assertThat;

import io.memflow.io.SpillCompression;
import io.memflow.io.SpillManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * The external sorter's contract over real spill files of a caller-owned {@link SpillManager}
 * (4 KiB pages); after each test no file is tracked, the directory is empty and the manager is
 * still usable (the sorter never closes it).
 */
class ExternalSorterSpillFileTest extends ExternalSorterContractTest {

  @TempDir Path directory;
  SpillManager spills;

  SpillCompression compression() {
    return SpillCompression.NONE;
  }

  @BeforeEach
  void openSpillManager() {
    spills = SpillManager.builder().tempDirectories(List.of(directory)).compression(compression()).build();
  }

  @Override
  <T> ExternalSorter.Builder<T> withStorage(ExternalSorter.Builder<T> builder) {
    return builder.spillManager(spills);
  }

  @Override
  int liveRuns() {
    return spills.liveFiles();
  }

  /** Runs before the base class's checks: the sorters are closed, their files must be gone. */
  @AfterEach
  void noFileIsLeftAndTheManagerIsStillOpen() throws IOException {
    try {
      assertThat(spills.liveFiles()).as("live spill files").isZero();
      assertThat(filesIn(directory)).as("files in the temp directory").isEmpty();
      spills.createFile("still-open").delete();
    } finally {
      spills.close();
    }
  }

  static List<Path> filesIn(Path directory) throws IOException {
    try (Stream<Path> files = Files.list(directory)) {
      return files.toList();
    }
  }
}
