package io.memflow.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.memflow.config.Configuration;
import io.memflow.config.memory.MemoryPlanner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The file in which a run started by bin/memflow remembers its limits for the next run. */
class LauncherTest {

  private static final String FLAGS = "-Xmx335544320 -Xms335544320 -XX:MaxDirectMemorySize=201326592 "
      + "-XX:MaxMetaspaceSize=268435456";

  @TempDir Path dir;

  @Test
  void writesTheFlagsAsOneLineAndLeavesNoTemporaryFileBehind() throws IOException {
    Path file = dir.resolve("last-plan.jvmargs");
    Launcher.write(file, FLAGS);
    assertThat(file).hasContent(FLAGS);
    assertThat(Files.readString(file)).endsWith("\n");
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files).containsExactly(file);
    }
  }

  @Test
  void replacesWhatAnotherRunOrGarbageLeft() throws IOException {
    Path file = dir.resolve("last-plan.jvmargs");
    Files.writeString(file, "garbage\n-Xmx1\n");
    Launcher.write(file, FLAGS);
    assertThat(Files.readString(file)).isEqualTo(FLAGS + "\n");
  }

  @Test
  void replacesBinaryGarbageOfTheSameLength() throws IOException {
    Path file = dir.resolve("last-plan.jvmargs");
    byte[] garbage = new byte[FLAGS.length() + 1];
    Arrays.fill(garbage, (byte) 0xff);
    Files.write(file, garbage);
    Launcher.write(file, FLAGS);
    assertThat(Files.readString(file)).isEqualTo(FLAGS + "\n");
  }

  @Test
  void aFileThatAlreadyHoldsTheFlagsIsNotRewritten() throws IOException {
    Path file = dir.resolve("last-plan.jvmargs");
    Files.writeString(file, FLAGS + "\n");
    FileTime old = FileTime.fromMillis(1_000_000_000_000L);
    Files.setLastModifiedTime(file, old);
    Launcher.write(file, FLAGS);
    assertThat(Files.getLastModifiedTime(file)).isEqualTo(old);
  }

  @Test
  void aFileThatCannotBeWrittenIsIgnored() {
    Path file = dir.resolve("no-such-directory").resolve("last-plan.jvmargs");
    assertThatCode(() -> Launcher.write(file, FLAGS)).doesNotThrowAnyException();
    assertThat(file.getParent()).doesNotExist();
  }

  @Test
  void theInProcessEntryPointNeverRemembers() {
    Path file = dir.resolve("last-plan.jvmargs");
    System.setProperty(Launcher.PLAN_FILE_PROPERTY, file.toString());
    try {
      assertThat(Launcher.isLauncher()).isFalse();
      Launcher.remember(MemoryPlanner.planTaskManager(
          Configuration.empty().with("taskmanager.memory.process.size", "1g")));
    } finally {
      System.clearProperty(Launcher.PLAN_FILE_PROPERTY);
    }
    assertThat(file).doesNotExist();
  }
}
