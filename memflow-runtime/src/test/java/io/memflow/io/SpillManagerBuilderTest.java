package io.memflow.io;

import static io.memflow.io.SpillTesting.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.memflow.memory.MemorySegment;
import io.memflow.memory.MemorySegments;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpillManagerBuilderTest {

  @TempDir Path directory;

  @Test
  void aMissingDirectoryIsRefusedWithItsNameAndTheFix() {
    Path missing = directory.resolve("nope");
    assertThatThrownBy(() -> SpillManager.builder().tempDirectories(List.of(directory, missing)).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("spill directory " + missing + " does not exist: create it or pass another"
            + " directory to SpillManager.Builder.tempDirectories.");
  }

  @Test
  void aRegularFileIsRefusedAsDirectory() throws Exception {
    Path file = Files.createFile(directory.resolve("plain"));
    assertThatThrownBy(() -> SpillManager.builder().tempDirectories(List.of(file)).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(file.toString()).hasMessageContaining("is not a directory");
  }

  @Test
  void aNonWritableDirectoryIsRefused() throws Exception {
    Path readOnly = Files.createDirectory(directory.resolve("ro"));
    Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("r-xr-xr-x"));
    assumeThat(Files.isWritable(readOnly)).as("not running as root").isFalse();
    assertThatThrownBy(() -> SpillManager.builder().tempDirectories(List.of(readOnly)).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(readOnly.toString()).hasMessageContaining("is not writable");
  }

  @Test
  void noDirectoryAtAllIsRefused() {
    assertThatThrownBy(() -> SpillManager.builder().tempDirectories(List.of()).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tempDirectories is empty");
  }

  @Test
  void theDefaultsAreTheJavaTempDirectoryAndNoCompression() {
    try (SpillManager manager = SpillManager.builder().build()) {
      assertThat(manager.tempDirectories())
          .containsExactly(Path.of(System.getProperty("java.io.tmpdir")));
      assertThat(manager.compression()).isEqualTo(SpillCompression.NONE);
      assertThat(manager.ioThreads()).singleElement()
          .satisfies(t -> assertThat(t.getName()).startsWith("memflow-io-"))
          .satisfies(t -> assertThat(t.isDaemon()).isTrue());
    }
  }

  @Test
  void fewerThanTwoPagesOrUnequalInvalidFreedOrRepeatedPagesAreRefused() throws Exception {
    List<MemorySegment> made = new ArrayList<>();
    try (SpillManager manager = SpillManager.builder().tempDirectories(List.of(directory)).build()) {
      SpillFile file = manager.createFile("pages");
      MemorySegment a = keep(made, MemorySegments.allocateHeap(4096));
      MemorySegment b = keep(made, MemorySegments.allocateHeap(8192));
      MemorySegment odd = keep(made, MemorySegments.allocateHeap(5000));
      MemorySegment freed = MemorySegments.allocateHeap(4096);
      freed.free();
      assertThatThrownBy(() -> manager.openWriter(file, List.of(a)))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("pages=1")
          .hasMessageContaining("at least 2");
      assertThatThrownBy(() -> manager.openWriter(file, List.of(a, b)))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("size=8192");
      assertThatThrownBy(() -> manager.openWriter(file, List.of(odd, odd)))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("page size=5000");
      assertThatThrownBy(() -> manager.openWriter(file, List.of(a, freed)))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("freed=true");
      assertThatThrownBy(() -> manager.openWriter(file, List.of(a, a)))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("repeated=true");
      assertThatThrownBy(() -> manager.openReader(file, List.of(a, keep(made, MemorySegments.allocateHeap(4096)))))
          .isInstanceOf(IllegalStateException.class).hasMessageContaining("not written yet");
    }
    made.forEach(MemorySegment::free);
  }

  @Test
  void aClosedManagerRefusesNewFilesAndAForeignFileIsRefused() throws Exception {
    SpillManager first = SpillManager.builder().tempDirectories(List.of(directory)).build();
    List<MemorySegment> pages = pages(2, 4096);
    try (SpillManager second = SpillManager.builder().tempDirectories(List.of(directory)).build()) {
      SpillFile foreign = second.createFile("foreign");
      assertThatThrownBy(() -> first.openWriter(foreign, pages))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("another SpillManager");
      first.close();
      first.close();
      assertThatThrownBy(() -> first.createFile("late"))
          .isInstanceOf(IllegalStateException.class).hasMessageContaining("spill manager is closed");
      assertNoIoThreadsOf(first);
    } finally {
      free(pages);
    }
    assertThat(filesIn(directory)).isEmpty();
  }

  private static MemorySegment keep(List<MemorySegment> made, MemorySegment segment) {
    made.add(segment);
    return segment;
  }
}
