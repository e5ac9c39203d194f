package io.memflow.io;

import static io.memflow.io.SpillTesting.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.memflow.memory.MemorySegment;
import io.memflow.memory.MemorySegments;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults injected through {@link FileOpener}: every one surfaces as a clear error from the owner's
 * next call, deletes the file, gives every page back and leaves no thread stuck.
 */
class SpillFaultInjectionTest {

  @TempDir Path directory;
  private final FaultyChannel.Faults faults = new FaultyChannel.Faults();
  private List<MemorySegment> pages;
  private long offHeapBefore;
  private SpillManager manager;

  @BeforeEach
  void start() {
    offHeapBefore = MemorySegments.offHeapBytesInUse();
    pages = pages(3, 4096);
  }

  @AfterEach
  void everythingIsCleanedUp() throws Exception {
    assertThat(manager.liveFiles()).isZero();
    assertThat(manager.openTransfers()).isZero();
    assertThat(filesIn(directory)).isEmpty();
    manager.close();
    assertNoIoThreadsOf(manager);
    assertThat(manager.unexpectedBackgroundErrors()).isZero();
    free(pages); // the caller owns the pages again: freeing them disturbs nothing
    assertThat(MemorySegments.offHeapBytesInUse()).isEqualTo(offHeapBefore);
  }

  private SpillManager manager(FileOpener opener, SpillCompression compression) {
    manager = SpillManager.builder().tempDirectories(List.of(directory)).compression(compression)
        .fileOpener(opener).build();
    return manager;
  }

  @Test
  void aFullDiskFailsTheWriterWithTheFixAndDeletesTheFile() throws Exception {
    faults.writeLimit = 10_000;
    manager(faults.opener(), SpillCompression.NONE);
    SpillFile file = manager.createFile("full");
    SpillWriter writer = manager.openWriter(file, pages);
    IOException e = catchThrowableOfType(IOException.class, () -> {
      write(writer, randomRecords(new Random(1), 200, 2000));
      writer.close();
    });
    assertThat(e).isNotNull()
        .hasMessageContaining(file.path().toString())
        .hasMessageContaining("writing block 2")
        .hasMessageContaining("No space left on device")
        .hasMessageContaining("free space in " + directory)
        .hasMessageContaining("configure other temp directories");
    assertThat(writer.pagesInFlight()).isZero();
    assertThat(file.isDeleted()).isTrue();
    assertThat(file.path()).doesNotExist();
    assertThatThrownBy(() -> writer.writeInt(1)).isInstanceOf(IllegalStateException.class);
    writer.abort(); // harmless after the failure
    writer.close();
  }

  @Test
  void aWriteThatFailsOnlyForTheLastBlockFailsClose() throws Exception {
    faults.writeLimit = 2 * 4096;
    faults.writeError = "Input/output error";
    manager(faults.opener(), SpillCompression.LZ4);
    SpillFile file = manager.createFile("last");
    SpillWriter writer = manager.openWriter(file, pages);
    byte[] noise = new byte[2 * (4096 - BlockFormat.HEADER_LENGTH) + 100];
    new Random(2).nextBytes(noise);
    writer.write(noise);
    assertThatThrownBy(writer::close).isInstanceOf(IOException.class)
        .hasMessageContaining("writing block 2").hasMessageContaining("Input/output error");
    assertThat(file.path()).doesNotExist();
  }

  @Test
  void aFailedReadFailsTheReaderWithoutWrongDataAndDeletesTheFile() throws Exception {
    faults.readLimit = 9_000;
    manager(faults.opener(false), SpillCompression.NONE);
    List<byte[]> records = randomRecords(new Random(3), 100, 1000);
    SpillFile file = spill(manager, records, pages);
    List<byte[]> read = new ArrayList<>();
    SpillReader reader = manager.openReader(file, pages);
    IOException e = catchThrowableOfType(IOException.class, () -> {
      while (true) {
        byte[] record = new byte[reader.readInt()];
        reader.readFully(record);
        read.add(record);
      }
    });
    assertThat(e).isNotNull().isNotInstanceOf(CorruptSpillFileException.class)
        .hasMessageContaining(file.path().toString())
        .hasMessageContaining("reading block 2")
        .hasMessageContaining("Input/output error")
        .hasMessageContaining("check the disk holding " + directory);
    assertSameRecords(read, records.subList(0, read.size()));
    assertThat(reader.pagesInFlight()).isZero();
    assertThat(file.path()).doesNotExist();
    reader.close();
  }

  @Test
  void aFailedOpenForWritingDeletesTheFileAndLeavesThePagesAlone() throws Exception {
    manager(FaultyChannel.failingOpener("Too many open files"), SpillCompression.NONE);
    SpillFile file = manager.createFile("open");
    assertThatThrownBy(() -> manager.openWriter(file, pages)).isInstanceOf(IOException.class)
        .hasMessageContaining("cannot open spill file " + file.path() + " for writing")
        .hasMessageContaining("Too many open files")
        .hasMessageContaining("configure other temp directories");
    assertThat(file.isDeleted()).isTrue();
  }

  @Test
  void aFailedOpenForReadingDeletesTheFile() throws Exception {
    manager((path, options) -> {
      if (options.contains(java.nio.file.StandardOpenOption.READ)) {
        throw new IOException("Permission denied");
      }
      return java.nio.channels.FileChannel.open(path, options);
    }, SpillCompression.NONE);
    SpillFile file = spill(manager, List.of(new byte[10]), pages);
    assertThatThrownBy(() -> manager.openReader(file, pages)).isInstanceOf(IOException.class)
        .hasMessageContaining("cannot open spill file " + file.path() + " for reading")
        .hasMessageContaining("Permission denied");
    assertThat(file.isDeleted()).isTrue();
  }

  @Test
  void anOpenerThatThrowsAnUncheckedExceptionIsReportedAsAnOpenFailure() throws Exception {
    manager((path, options) -> {
      throw new IllegalStateException("opener bug");
    }, SpillCompression.NONE);
    SpillFile file = manager.createFile("bug");
    assertThatThrownBy(() -> manager.openWriter(file, pages)).isInstanceOf(IOException.class)
        .hasMessageContaining("opener bug");
    assertThat(file.isDeleted()).isTrue();
  }

  @Test
  void aReaderWhoseFirstReadFailsReportsItOnTheFirstCall() throws Exception {
    manager(faults.opener(false), SpillCompression.NONE);
    faults.readLimit = 0;
    SpillFile file = spill(manager, List.of(new byte[10]), pages);
    SpillReader reader = manager.openReader(file, pages);
    assertThatThrownBy(reader::readInt).isInstanceOf(IOException.class)
        .hasMessageContaining("reading block 0");
    assertThat(file.path()).doesNotExist();
  }
}
