package io.memflow.io;

import static io.memflow.io.SpillTesting.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.memflow.memory.MemorySegment;
import io.memflow.memory.MemorySegments;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Damaged files are reported, block by block, and never read as wrong data. */
class SpillChecksumTest {

  @TempDir Path directory;
  private List<MemorySegment> pages;
  private long offHeapBefore;

  @BeforeEach
  void allocate() {
    offHeapBefore = MemorySegments.offHeapBytesInUse();
    pages = pages(3, 4096);
  }

  @AfterEach
  void release() {
    free(pages);
    assertThat(MemorySegments.offHeapBytesInUse()).isEqualTo(offHeapBefore);
  }

  private SpillManager manager(SpillCompression compression) {
    return SpillManager.builder().tempDirectories(List.of(directory)).compression(compression).build();
  }

  @ParameterizedTest
  @EnumSource(SpillCompression.class)
  void aFlippedByteAnywhereIsReportedWithFileAndBlockAndNoWrongRecordIsRead(
      SpillCompression compression) throws Exception {
    Random random = new Random(compression.ordinal());
    List<byte[]> records = randomRecords(random, 60, 600);
    try (SpillManager manager = manager(compression)) {
      SpillFile intact = spill(manager, records, pages);
      byte[] original = Files.readAllBytes(intact.path());
      intact.delete();
      List<Integer> blockStarts = blockStarts(original);
      assertThat(blockStarts.size()).isGreaterThan(2);
      List<Integer> positions = new ArrayList<>();
      for (int start : blockStarts) {
        for (int i = 0; i < BlockFormat.HEADER_LENGTH; i++) {
          positions.add(start + i);
        }
      }
      for (int i = 0; i < 150; i++) {
        positions.add(random.nextInt(original.length));
      }
      for (int position : positions) {
        int block = blockOf(blockStarts, position);
        byte[] damaged = original.clone();
        damaged[position] ^= (byte) (1 + random.nextInt(255));
        CorruptSpillFileException e = readDamaged(manager, damaged, records);
        assertThat(e.blockIndex()).as("block of byte %d", position).isEqualTo(block);
        assertThat(e).hasMessageContaining(e.file().toString()).hasMessageContaining("block " + block);
        assertThat(e.file()).doesNotExist();
      }
      assertThat(manager.liveFiles()).isZero();
    }
  }

  @Test
  void aTruncatedFileIsReportedAsTruncatedAtTheBlockWhereItEnds() throws Exception {
    List<byte[]> records = randomRecords(new Random(3), 60, 600);
    try (SpillManager manager = manager(SpillCompression.NONE)) {
      byte[] original = Files.readAllBytes(spill(manager, records, pages).path());
      List<Integer> blockStarts = blockStarts(original);
      for (int length : List.of(0, 1, 23, 24, 4095, 4096, 4097, original.length - 1)) {
        byte[] truncated = java.util.Arrays.copyOf(original, length);
        CorruptSpillFileException e = readDamaged(manager, truncated, records);
        assertThat(e.blockIndex()).isEqualTo(blockOf(blockStarts, length));
        assertThat(e).hasMessageContaining("truncated").hasMessageContaining(e.file().toString());
      }
    }
  }

  @Test
  void readingWithSmallerPagesThanTheWriterUsedIsReportedWithThePageSize() throws Exception {
    List<MemorySegment> large = pages(2, 32 * 1024);
    try (SpillManager manager = manager(SpillCompression.NONE)) {
      SpillFile file = spill(manager, List.of(new byte[50_000]), large);
      try (SpillReader reader = manager.openReader(file, pages)) {
        CorruptSpillFileException e =
            catchThrowableOfType(CorruptSpillFileException.class, () -> readAll(reader));
        assertThat(e).hasMessageContaining("page size 4096").hasMessageContaining("block 0");
      }
    } finally {
      free(large);
    }
  }

  /** Writes {@code bytes} as a written spill file, reads it and returns the corruption error. */
  private CorruptSpillFileException readDamaged(SpillManager manager, byte[] bytes,
      List<byte[]> records) throws IOException {
    SpillFile file = spill(manager, records, pages);
    Files.write(file.path(), bytes);
    List<byte[]> read = new ArrayList<>();
    CorruptSpillFileException e;
    try (SpillReader reader = manager.openReader(file, pages)) {
      e = catchThrowableOfType(CorruptSpillFileException.class, () -> readInto(reader, read));
    }
    assertThat(e).as("damage must be detected").isNotNull();
    assertSameRecords(read, records.subList(0, read.size()));
    return e;
  }

  private static void readInto(SpillReader reader, List<byte[]> read) throws IOException {
    while (true) {
      byte[] record = new byte[reader.readInt()];
      reader.readFully(record);
      read.add(record);
    }
  }

  private static List<Integer> blockStarts(byte[] file) {
    List<Integer> starts = new ArrayList<>();
    ByteBuffer buffer = ByteBuffer.wrap(file);
    for (int at = 0; at < file.length;
        at += BlockFormat.HEADER_LENGTH + buffer.getInt(at + BlockFormat.STORED_LENGTH_OFFSET)) {
      starts.add(at);
    }
    return starts;
  }

  /** The block holding byte {@code position} (the block that would start there, at the end). */
  private static int blockOf(List<Integer> starts, int position) {
    int block = 0;
    while (block + 1 < starts.size() && starts.get(block + 1) <= position) {
      block++;
    }
    return block;
  }
}
