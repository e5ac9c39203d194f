package io.memflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.memflow.csv.CsvChunkEncoder;
import io.memflow.csv.CsvFormat;
import io.memflow.memory.MemorySegment;
import io.memflow.memory.MemorySegments;
import io.memflow.row.BinaryRow;
import io.memflow.row.FieldType;
import io.memflow.row.RowSchema;
import io.memflow.row.RowWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Pairs written through {@link BuildRowTexts} are the text {@link CsvChunkEncoder#writePair}
 * writes: build rows met again (hits), rows at other offsets and in other segments (no false
 * hits), and the bounds reached (rows past them formatted every time).
 */
class BuildRowTextsTest {

  private static final RowSchema PROBE = RowSchema.builder()
      .nullableField("id", FieldType.LONG).nullableField("word", FieldType.STRING).build();
  private static final RowSchema BUILD = RowSchema.builder()
      .nullableField("key", FieldType.LONG).nullableField("name", FieldType.STRING).nullableField("score", FieldType.DOUBLE)
      .build();
  private static final RowSchema JOINED = RowSchema.builder()
      .nullableField("id", FieldType.LONG).nullableField("word", FieldType.STRING)
      .nullableField("key", FieldType.LONG).nullableField("name", FieldType.STRING).nullableField("score", FieldType.DOUBLE)
      .build();

  @ParameterizedTest(name = "slots={0} maxBytes={1}")
  @CsvSource({"65536, 4194304", "8, 4194304", "1024, 100"})
  void pairsAreWrittenAsWithoutTheTexts(int slots, int maxBytes) {
    Random random = new Random(slots + maxBytes);
    // 300 build rows packed in two pages, as a join's table holds them
    MemorySegment[] pages = {MemorySegments.wrap(new byte[1 << 16]), MemorySegments.allocateOffHeap(1 << 16)};
    List<BinaryRow> builds = new ArrayList<>();
    int[] ends = new int[2];
    RowWriter writer = new RowWriter(BUILD);
    for (int i = 0; i < 300; i++) {
      writer.reset().setLong(0, random.nextInt(50)).setString(1, random.nextInt(5) == 0 ? "a,\"b\"" : "name-" + i);
      if (random.nextInt(10) == 0) {
        writer.setNull(2);
      } else {
        writer.setDouble(2, random.nextInt(10_000) / 100.0);
      }
      BinaryRow row = writer.toRow();
      int page = i % 2;
      row.segment().copyTo(row.offset(), pages[page], ends[page], row.sizeInBytes());
      BinaryRow flyweight = new BinaryRow(BUILD);
      flyweight.pointTo(pages[page], ends[page], row.sizeInBytes());
      builds.add(flyweight);
      ends[page] += (row.sizeInBytes() + 7) & ~7;
    }
    try {
      for (CsvFormat format : List.of(CsvFormat.CSV, CsvFormat.TSV)) {
        BuildRowTexts texts = new BuildRowTexts(format, BUILD, slots, maxBytes);
        CsvChunkEncoder cached = new CsvChunkEncoder(format, JOINED);
        CsvChunkEncoder direct = new CsvChunkEncoder(format, JOINED);
        RowWriter probes = new RowWriter(PROBE);
        for (int r = 0; r < 5_000; r++) {
          BinaryRow probe = probes.reset().setLong(0, r).setString(1, random.nextBoolean() ? "w" + r : "x\ny").toRow();
          BinaryRow build = builds.get(random.nextInt(random.nextBoolean() ? 20 : builds.size()));
          texts.writePair(cached, probe, build);
          direct.writePair(probe, build);
        }
        assertThat(new String(cached.buffer(), 0, cached.size(), StandardCharsets.UTF_8))
            .isEqualTo(new String(direct.buffer(), 0, direct.size(), StandardCharsets.UTF_8));
        assertThat(cached.rows()).isEqualTo(direct.rows());
        assertThat(texts.size()).isPositive().isLessThanOrEqualTo(Math.min(slots / 2, builds.size()));
      }
    } finally {
      pages[1].free();
    }
  }
}
