package io.memflow.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NewFilesTest {

  @TempDir Path directory;

  @Test
  void everyCallCreatesANewEmptyFileNamedByPrefixAndSuffix() throws Exception {
    Set<Path> created = new HashSet<>();
    for (int i = 0; i < 500; i++) {
      Path file = NewFiles.create(directory, "memflow-x-", ".spill", true);
      assertThat(created.add(file)).as("a new name").isTrue();
      assertThat(file.getParent()).isEqualTo(directory);
      assertThat(file.getFileName().toString()).startsWith("memflow-x-").endsWith(".spill");
      assertThat(Files.size(file)).isZero();
    }
    try (var files = Files.list(directory)) {
      assertThat(files.count()).isEqualTo(500);
    }
  }

  @Test
  void ownerOnlyFilesCanBeReadAndWrittenByTheOwnerAlone() throws Exception {
    Path file = NewFiles.create(directory, "a", ".t", true);
    if (directory.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
      Path shared = NewFiles.create(directory, "b", ".t", false);
      assertThat(Files.getPosixFilePermissions(shared)).contains(PosixFilePermission.OWNER_READ,
          PosixFilePermission.OWNER_WRITE);
    }
  }

  @Test
  void aMissingDirectoryFailsWithItsPath() {
    assertThatThrownBy(() -> NewFiles.create(directory.resolve("missing"), "a", ".t", true))
        .isInstanceOf(NoSuchFileException.class).hasMessageContaining("missing");
  }
}
