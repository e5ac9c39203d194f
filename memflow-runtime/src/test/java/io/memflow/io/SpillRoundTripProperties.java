package io.memflow.io;

import static io.memflow.io.SpillTesting.*;

import io.memflow.memory.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/** Random record sizes, page sizes, page counts and compression: what goes in comes out. */
class SpillRoundTripProperties {

  private static Path directory;
  private static SpillManager plain;
  private static SpillManager lz4;

  @BeforeContainer
  static void start() throws Exception {
    directory = Files.createTempDirectory("memflow-spill-props");
    plain = SpillManager.builder().tempDirectories(List.of(directory)).build();
    lz4 = SpillManager.builder().tempDirectories(List.of(directory))
        .compression(SpillCompression.LZ4).build();
  }

  @AfterContainer
  static void stop() throws Exception {
    plain.close();
    lz4.close();
    Files.delete(directory); // fails if a file was left behind
  }

  @Property(tries = 60)
  void everyRecordComesBackIdentically(
      @ForAll @Size(max = 60) List<@IntRange(min = 0, max = 20_000) Integer> sizes,
      @ForAll @IntRange(min = 2, max = 6) int pageCount,
      @ForAll boolean largePages,
      @ForAll boolean compress,
      @ForAll long seed) throws Exception {
    Random random = new Random(seed);
    List<byte[]> records = new ArrayList<>();
    for (int size : sizes) {
      byte[] record = new byte[size];
      if (random.nextBoolean()) {
        random.nextBytes(record);
      }
      records.add(record);
    }
    List<MemorySegment> pages = pages(pageCount, largePages ? 32 * 1024 : 4096);
    SpillManager manager = compress ? lz4 : plain;
    try {
      SpillFile file = spill(manager, records, pages);
      try (SpillReader reader = manager.openReader(file, pages)) {
        assertSameRecords(readAll(reader), records);
      } finally {
        file.delete();
      }
    } finally {
      free(pages);
    }
  }
}
