package io.memflow.io;

import static org.assertj.core.api.Assertions.assertThat;

import io.memflow.memory.MemorySegment;
import io.memflow.memory.MemorySegments;
import io.memflow.memory.MemoryType;
import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

/** Helpers shared by the spill-file tests: pages, records, leftover checks. */
final class SpillTesting {

  private SpillTesting() {}

  static List<MemorySegment> pages(MemoryType type, int count, int size) {
    List<MemorySegment> pages = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      pages.add(MemorySegments.allocate(type, size, "spill-test"));
    }
    return pages;
  }

  static List<MemorySegment> pages(int count, int size) {
    return pages(MemoryType.OFF_HEAP, count, size);
  }

  static void free(List<MemorySegment> pages) {
    pages.forEach(MemorySegment::free);
  }

  /** Records of random sizes up to {@code maxSize}, some empty, random or compressible bytes. */
  static List<byte[]> randomRecords(Random random, int count, int maxSize) {
    List<byte[]> records = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      int size = random.nextInt(8) == 0 ? 0 : random.nextInt(maxSize + 1);
      byte[] record = new byte[size];
      if (random.nextBoolean()) {
        random.nextBytes(record);
      } else {
        for (int j = 0; j < size; j++) {
          record[j] = (byte) ('a' + (j / 7 + i) % 5);
        }
      }
      records.add(record);
    }
    return records;
  }

  /** Each record as its length (int) and its bytes. */
  static void write(SpillWriter writer, List<byte[]> records) throws IOException {
    for (byte[] record : records) {
      writer.writeInt(record.length);
      writer.write(record);
    }
  }

  /** Reads records written by {@link #write} until the view's end of data. */
  static List<byte[]> readAll(SpillReader reader) throws IOException {
    List<byte[]> records = new ArrayList<>();
    while (true) {
      int length;
      try {
        length = reader.readInt();
      } catch (EOFException end) {
        return records;
      }
      byte[] record = new byte[length];
      reader.readFully(record);
      records.add(record);
    }
  }

  /** Writes {@code records} to a new file and closes the writer. */
  static SpillFile spill(SpillManager manager, List<byte[]> records, List<MemorySegment> pages)
      throws IOException {
    SpillFile file = manager.createFile("test");
    try (SpillWriter writer = manager.openWriter(file, pages)) {
      write(writer, records);
    }
    return file;
  }

  static List<Path> filesIn(Path directory) throws IOException {
    try (Stream<Path> files = Files.list(directory)) {
      return files.toList();
    }
  }

  static void assertNoIoThreadsOf(SpillManager manager) {
    assertThat(manager.ioThreads()).allSatisfy(t -> assertThat(t.isAlive()).as(t.getName()).isFalse());
  }

  static void assertSameRecords(List<byte[]> actual, List<byte[]> expected) {
    assertThat(actual).hasSameSizeAs(expected);
    for (int i = 0; i < expected.size(); i++) {
      assertThat(actual.get(i)).as("record %d", i).isEqualTo(expected.get(i));
    }
  }
}
