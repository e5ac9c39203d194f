package io.memflow.io;

import static io.memflow.io.SpillTesting.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.memflow.memory.MemorySegment;
import io.memflow.memory.MemorySegments;
import io.memflow.memory.MemoryType;
import java.io.EOFException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SpillRoundTripTest {

  @TempDir Path directory;
  private long offHeapBefore;

  @BeforeEach
  void rememberOffHeap() {
    offHeapBefore = MemorySegments.offHeapBytesInUse();
  }

  @AfterEach
  void noPagesLeaked() {
    assertThat(MemorySegments.offHeapBytesInUse()).isEqualTo(offHeapBefore);
  }

  private SpillManager manager(SpillCompression compression) {
    return SpillManager.builder().tempDirectories(List.of(directory)).compression(compression).build();
  }

  @ParameterizedTest(name = "{0}, {1} pages of {2} bytes, {3}")
  @CsvSource({
    "NONE, 2, 4096, OFF_HEAP",
    "NONE, 8, 32768, HEAP",
    "LZ4, 2, 32768, OFF_HEAP",
    "LZ4, 7, 4096, HEAP",
    "NONE, 16, 4096, OFF_HEAP",
    "LZ4, 16, 4096, OFF_HEAP"
  })
  void recordsOfEverySizeComeBackIdentically(
      SpillCompression compression, int pageCount, int pageSize, MemoryType type) throws Exception {
    List<byte[]> records = randomRecords(new Random(pageCount * 31L + pageSize), 400, 3 * pageSize);
    List<MemorySegment> pages = pages(type, pageCount, pageSize);
    try (SpillManager manager = manager(compression)) {
      SpillFile file = spill(manager, records, pages);
      assertThat(file.isWritten()).isTrue();
      assertThat(file.blockCount()).isPositive();
      assertThat(Files.size(file.path())).isEqualTo(file.sizeBytes());
      try (SpillReader reader = manager.openReader(file, pages)) {
        assertSameRecords(readAll(reader), records);
      }
      file.delete();
      assertThat(manager.liveFiles()).isZero();
      assertThat(filesIn(directory)).isEmpty();
    } finally {
      free(pages);
    }
  }

  @Test
  void aFileCanBeReadAgainAndByTwoReadersAtOnce() throws Exception {
    List<byte[]> records = randomRecords(new Random(7), 300, 5000);
    List<MemorySegment> pages = pages(6, 4096);
    try (SpillManager manager = manager(SpillCompression.LZ4)) {
      SpillFile file = spill(manager, records, pages.subList(0, 2));
      try (SpillReader first = manager.openReader(file, pages.subList(0, 3));
          SpillReader second = manager.openReader(file, pages.subList(3, 6))) {
        assertSameRecords(readAll(first), records);
        assertSameRecords(readAll(second), records);
      }
      try (SpillReader again = manager.openReader(file, pages.subList(0, 2))) {
        assertSameRecords(readAll(again), records);
      }
    } finally {
      free(pages);
    }
  }

  @Test
  void compressibleDataTakesFewerBytesWithLz4AndIncompressibleBlocksAreStoredRaw() throws Exception {
    List<MemorySegment> pages = pages(2, 4096);
    byte[] zeros = new byte[100_000];
    byte[] noise = new byte[100_000];
    new Random(1).nextBytes(noise);
    try (SpillManager manager = manager(SpillCompression.LZ4)) {
      SpillFile small = spill(manager, List.of(zeros), pages);
      SpillFile raw = spill(manager, List.of(noise), pages);
      assertThat(small.sizeBytes()).isLessThan(zeros.length / 10);
      int blocks = raw.blockCount();
      assertThat(raw.sizeBytes()).isEqualTo(4 + noise.length + (long) blocks * BlockFormat.HEADER_LENGTH);
      try (SpillReader reader = manager.openReader(raw, pages)) {
        assertSameRecords(readAll(reader), List.of(noise));
      }
    } finally {
      free(pages);
    }
  }

  @Test
  void anEmptyFileHasNoBlocksAndReadsAsEndOfData() throws Exception {
    List<MemorySegment> pages = pages(2, 4096);
    try (SpillManager manager = manager(SpillCompression.NONE)) {
      SpillFile file = spill(manager, List.of(), pages);
      assertThat(file.blockCount()).isZero();
      assertThat(file.sizeBytes()).isZero();
      try (SpillReader reader = manager.openReader(file, pages)) {
        assertThatThrownBy(reader::readByte).isInstanceOf(EOFException.class)
            .hasMessageContaining(file.path().toString());
        assertThatThrownBy(reader::readByte).isInstanceOf(EOFException.class);
      }
    } finally {
      free(pages);
    }
  }

  @Test
  void aFullLastPageIsWrittenAsOneBlockWithoutAnEmptyOneAfterIt() throws Exception {
    List<MemorySegment> pages = pages(2, 4096);
    int payload = 4096 - BlockFormat.HEADER_LENGTH;
    try (SpillManager manager = manager(SpillCompression.NONE)) {
      SpillFile file = manager.createFile("exact");
      try (SpillWriter writer = manager.openWriter(file, pages)) {
        writer.write(new byte[3 * payload]);
      }
      assertThat(file.blockCount()).isEqualTo(3);
      assertThat(file.sizeBytes()).isEqualTo(3 * 4096L);
    } finally {
      free(pages);
    }
  }

  @Test
  void aClosedWriterOrReaderRefusesFurtherUseAndClosingTwiceIsHarmless() throws Exception {
    List<MemorySegment> pages = pages(2, 4096);
    try (SpillManager manager = manager(SpillCompression.NONE)) {
      SpillFile file = manager.createFile("twice");
      SpillWriter writer = manager.openWriter(file, pages);
      writer.write(new byte[10_000]);
      writer.close();
      writer.close();
      writer.abort();
      assertThat(file.path()).exists();
      assertThatThrownBy(() -> writer.write(new byte[10_000]))
          .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
      assertThatThrownBy(() -> manager.openWriter(file, pages))
          .isInstanceOf(IllegalStateException.class).hasMessageContaining("already has a writer");
      SpillReader reader = manager.openReader(file, pages);
      reader.close();
      reader.close();
      assertThatThrownBy(reader::readInt).isInstanceOf(IllegalStateException.class);
      assertThat(manager.openTransfers()).isZero();
    } finally {
      free(pages);
    }
  }

  @Test
  void filesGoToTheDirectoriesRoundRobinWithTheirPurposeInTheName(@TempDir Path other)
      throws Exception {
    try (SpillManager manager =
        SpillManager.builder().tempDirectories(List.of(directory, other)).build()) {
      SpillFile a = manager.createFile("sort run/1");
      SpillFile b = manager.createFile("sort run/1");
      SpillFile c = manager.createFile("hash");
      assertThat(a.path().getParent()).isEqualTo(directory);
      assertThat(b.path().getParent()).isEqualTo(other);
      assertThat(c.path().getParent()).isEqualTo(directory);
      assertThat(a.path()).isNotEqualTo(c.path());
      assertThat(a.path().getFileName().toString()).contains("sort_run_1");
      assertThat(manager.liveFiles()).isEqualTo(3);
      a.delete();
      a.delete();
      assertThat(manager.liveFiles()).isEqualTo(2);
      assertThat(a.path()).doesNotExist();
    }
    assertThat(filesIn(directory)).isEmpty();
    assertThat(filesIn(other)).isEmpty();
  }
}
