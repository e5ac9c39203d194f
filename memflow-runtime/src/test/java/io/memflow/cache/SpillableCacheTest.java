package io.memflow.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.memflow.io.CorruptSpillFileException;
import io.memflow.io.FileOpener;
import io.memflow.io.SpillManager;
import io.memflow.managed.AllocationPolicy;
import io.memflow.managed.MemoryAllocationException;
import io.memflow.managed.MemoryManager;
import io.memflow.memory.MemorySegment;
import io.memflow.memory.MemorySegments;
import io.memflow.memory.view.DataInputView;
import io.memflow.memory.view.DataOutputView;
import io.memflow.serialization.RecordIterator;
import io.memflow.serialization.Serializers;
import io.memflow.serialization.TypeSerializer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SpillableCacheTest {

  static final int PAGE = 4096;

  @TempDir Path tempDir;

  private final List<AutoCloseable> toClose = new ArrayList<>();
  private long nativeAtStart = MemorySegments.offHeapBytesInUse();
  private MemoryManager manager;
  private SpillManager spills;

  private MemoryManager manager(int pages, AllocationPolicy policy) {
    manager = MemoryManager.builder().budget((long) pages * PAGE).pageSize(PAGE).policy(policy).build();
    return manager;
  }

  private SpillManager spills(FileOpener opener) {
    spills = SpillManager.builder().tempDirectories(List.of(tempDir)).fileOpener(opener).build();
    return spills;
  }

  private SpillableCache<byte[]> cache(Object owner) throws MemoryAllocationException {
    return cache(owner, Serializers.BYTE_ARRAY);
  }

  private <T> SpillableCache<T> cache(Object owner, TypeSerializer<T> serializer) throws MemoryAllocationException {
    if (spills == null) {
      spills(FileOpener.DEFAULT);
    }
    SpillableCache<T> cache = SpillableCache.builder(manager, owner, serializer).spillManager(spills).build();
    toClose.add(cache);
    return cache;
  }

  /** Everything is released once the caches and readers are closed: pages, native memory, files. */
  @AfterEach
  void nothingIsLeft() throws Exception {
    for (AutoCloseable c : toClose) {
      c.close();
    }
    assertThat(manager.metrics().owners()).isEmpty();
    assertThat(manager.verifyEmpty()).isTrue();
    manager.close();
    if (spills != null) {
      assertThat(spills.liveFiles()).isZero();
      spills.close();
    }
    try (Stream<Path> files = Files.list(tempDir)) {
      assertThat(files).isEmpty();
    }
    assertThat(MemorySegments.offHeapBytesInUse()).isEqualTo(nativeAtStart);
  }

  private static List<byte[]> records(int count, int maxSize, long seed) {
    Random random = new Random(seed);
    List<byte[]> records = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      byte[] record = new byte[random.nextInt(maxSize + 1)];
      random.nextBytes(record);
      records.add(record);
    }
    return records;
  }

  private static <T> List<T> readAll(SpillableCache<T> cache) throws Exception {
    try (RecordIterator<T> reader = cache.open()) {
      return drain(reader);
    }
  }

  private static <T> List<T> drain(RecordIterator<T> reader) throws IOException {
    List<T> read = new ArrayList<>();
    for (T record = reader.next(); record != null; record = reader.next()) {
      read.add(record);
    }
    assertThat(reader.next()).as("stays at the end").isNull();
    return read;
  }

  private static <T> void addAll(SpillableCache<T> cache, List<T> records) throws IOException {
    for (T record : records) {
      cache.add(record);
    }
  }

  @Test
  void aCacheThatFitsIsReadManyTimesFromMemoryWithoutTouchingTheDisk() throws Exception {
    manager(64, AllocationPolicy.FAIL);
    SpillableCache<byte[]> cache = cache("c");
    List<byte[]> records = records(500, 200, 1);
    addAll(cache, records);
    cache.finish();
    for (int pass = 0; pass < 3; pass++) {
      assertThat(readAll(cache)).containsExactlyElementsOf(records);
    }
    assertThat(cache.isInMemory()).isTrue();
    assertThat(cache.spilledBytes()).isZero();
    assertThat(cache.records()).isEqualTo(500);
    assertThat(spills.liveFiles()).isZero();
  }

  @Test
  void whenPagesRunOutTheRestGoesToDiskAndEveryRecordComesBackInOrder() throws Exception {
    manager(12, AllocationPolicy.FAIL);
    SpillableCache<byte[]> cache = cache("c");
    List<byte[]> records = records(2_000, 400, 2); // ~ 400 KiB: 10x the memory
    addAll(cache, records);
    cache.finish();
    assertThat(cache.isInMemory()).isFalse();
    assertThat(cache.spilledBytes()).isPositive();
    assertThat(readAll(cache)).containsExactlyElementsOf(records);
    assertThat(readAll(cache)).containsExactlyElementsOf(records);
    assertThat(manager.metrics().usedBytes()).as("only the two I/O pages").isEqualTo(2L * PAGE);
  }

  /** Data of 1x, 4x and 20x the whole budget: read back twice, in order, from memory and disk. */
  @ParameterizedTest
  @ValueSource(ints = {1, 4, 20})
  void dataOfAnyMultipleOfTheMemoryComesBackWhole(int multiple) throws Exception {
    int pages = 16;
    manager(pages, AllocationPolicy.FAIL);
    SpillableCache<byte[]> cache = cache("c");
    long target = (long) multiple * pages * PAGE;
    List<byte[]> records = new ArrayList<>();
    Random random = new Random(multiple);
    for (long bytes = 0; bytes < target; ) {
      byte[] record = new byte[random.nextInt(400)];
      random.nextBytes(record);
      records.add(record);
      bytes += record.length + 2;
    }
    addAll(cache, records);
    cache.finish();
    assertThat(cache.isInMemory()).isFalse();
    assertThat(readAll(cache)).containsExactlyElementsOf(records);
    assertThat(readAll(cache)).containsExactlyElementsOf(records);
  }

  @Test
  void maxMemoryPagesBoundsTheMemoryACacheTakes() throws Exception {
    manager(64, AllocationPolicy.FAIL);
    spills(FileOpener.DEFAULT);
    SpillableCache<byte[]> cache =
        SpillableCache.builder(manager, "c", Serializers.BYTE_ARRAY).spillManager(spills).maxMemoryPages(3).build();
    toClose.add(cache);
    List<byte[]> records = records(300, 200, 3);
    addAll(cache, records);
    assertThat(manager.metrics().peakBytes()).isLessThanOrEqualTo(5L * PAGE);
    cache.finish();
    assertThat(cache.isInMemory()).isFalse();
    assertThat(readAll(cache)).containsExactlyElementsOf(records);
  }

  @Test
  void recordsLargerThanAPageWorkInMemoryAndOnDisk() throws Exception {
    manager(16, AllocationPolicy.FAIL);
    SpillableCache<byte[]> cache = cache("c");
    List<byte[]> records = new ArrayList<>(records(20, 3 * PAGE, 4));
    records.add(new byte[5 * PAGE]);
    addAll(cache, records);
    cache.finish();
    assertThat(readAll(cache)).containsExactlyElementsOf(records);
  }

  @Test
  void anEmptyCacheReadsAsEmpty() throws Exception {
    manager(8, AllocationPolicy.FAIL);
    SpillableCache<byte[]> cache = cache("c");
    cache.finish();
    assertThat(readAll(cache)).isEmpty();
    assertThat(cache.isInMemory()).isTrue();
  }

  @Test
  void aReclaimedFinishedCacheMovesToDiskAndTheRequestIsServed() throws Exception {
    manager(20, AllocationPolicy.LRU_RECLAIM);
    SpillableCache<byte[]> cache = cache("c");
    List<byte[]> records = records(200, 300, 5); // ~ 30 KiB: 8 pages
    addAll(cache, records);
    cache.finish();
    long free = manager.availableMemory();

    List<MemorySegment> taken = manager.allocatePages("other", (int) (free / PAGE) + 4);

    assertThat(cache.isInMemory()).isFalse();
    assertThat(cache.spilledBytes()).isPositive();
    assertThat(readAll(cache)).containsExactlyElementsOf(records);
    manager.release(taken);
  }

  @Test
  void aReclaimWhileWritingSpillsAndTheWriterGoesOnOnDisk() throws Exception {
    manager(20, AllocationPolicy.LRU_RECLAIM);
    SpillableCache<byte[]> cache = cache("c");
    List<byte[]> records = records(400, 300, 6);
    addAll(cache, records.subList(0, 150));
    List<MemorySegment> taken = manager.allocatePages("other", (int) (manager.availableMemory() / PAGE) + 2);
    assertThat(cache.isInMemory()).isFalse();
    addAll(cache, records.subList(150, 400));
    cache.finish();
    assertThat(readAll(cache)).containsExactlyElementsOf(records);
    manager.release(taken);
  }

  @Test
  void aReaderKeepsThePagesItReadsUntilItIsClosedWhenTheCacheIsReclaimed() throws Exception {
    manager(32, AllocationPolicy.FAIL);
    SpillableCache<byte[]> cache = cache("c");
    List<byte[]> records = records(300, 200, 7);
    addAll(cache, records);
    cache.finish();
    long usedInMemory = manager.metrics().usedBytes();
    RecordIterator<byte[]> early = cache.open();
    List<byte[]> read = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      read.add(early.next());
    }

    assertThat(cache.reclaim(1)).as("nothing freed while a reader reads the pages").isZero();
    assertThat(cache.isInMemory()).isFalse();
    assertThat(readAll(cache)).as("a new reader reads the file").containsExactlyElementsOf(records);
    read.addAll(drain(early));
    assertThat(read).containsExactlyElementsOf(records);
    assertThat(manager.metrics().usedBytes()).isEqualTo(usedInMemory);

    early.close();
    assertThat(manager.metrics().usedBytes()).as("the pages are back once the reader closes").isEqualTo(2L * PAGE);
  }

  @Test
  void theLeastRecentlyUsedCacheIsReclaimedFirst() throws Exception {
    manager(40, AllocationPolicy.LRU_RECLAIM);
    List<SpillableCache<byte[]>> caches = new ArrayList<>();
    List<byte[]> records = records(100, 200, 8); // ~ 10 KiB: 3 pages each
    for (String name : List.of("a", "b", "c")) {
      SpillableCache<byte[]> cache = cache(name);
      addAll(cache, records);
      cache.finish();
      caches.add(cache);
    }
    readAll(caches.get(1)); // b, then a, then c: b is the least recently used
    readAll(caches.get(0));
    readAll(caches.get(2));

    List<MemorySegment> taken = manager.allocatePages("other", (int) (manager.availableMemory() / PAGE) + 1);

    assertThat(caches.get(1).isInMemory()).as("b").isFalse();
    assertThat(caches.get(0).isInMemory()).as("a").isTrue();
    assertThat(caches.get(2).isInMemory()).as("c").isTrue();
    manager.release(taken);
    for (SpillableCache<byte[]> cache : caches) {
      assertThat(readAll(cache)).containsExactlyElementsOf(records);
    }
  }

  @Test
  void readersOnSeveralThreadsReadTheSameRecordsFromMemoryAndFromDisk() throws Exception {
    manager(64, AllocationPolicy.FAIL);
    SpillableCache<byte[]> cache = cache("c");
    List<byte[]> records = records(1_000, 100, 9);
    addAll(cache, records);
    cache.finish();
    readConcurrently(cache, records);
    cache.reclaim(1);
    assertThat(cache.isInMemory()).isFalse();
    readConcurrently(cache, records);
  }

  private static void readConcurrently(SpillableCache<byte[]> cache, List<byte[]> records) throws Exception {
    ExecutorService threads = Executors.newFixedThreadPool(4);
    try {
      List<Future<List<byte[]>>> results = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        results.add(threads.submit(() -> readAll(cache)));
      }
      for (Future<List<byte[]>> result : results) {
        assertThat(result.get()).containsExactlyElementsOf(records);
      }
    } finally {
      threads.shutdownNow();
    }
  }

  @Test
  void aSpillThatCannotOpenItsFileFailsTheAddAndKeepsTheRecordsInMemory() throws Exception {
    manager(8, AllocationPolicy.FAIL);
    spills((path, options) -> {
      if (options.contains(StandardOpenOption.WRITE)) {
        throw new IOException("No space left on device");
      }
      return FileChannel.open(path, options);
    });
    SpillableCache<byte[]> cache = cache("c");
    List<byte[]> records = records(400, 300, 10);
    List<byte[]> added = new ArrayList<>();
    IOException failure = null;
    for (byte[] record : records) {
      try {
        cache.add(record);
        added.add(record);
      } catch (IOException e) {
        failure = e;
        break;
      }
    }
    assertThat(failure).isNotNull();
    assertThat(failure).hasStackTraceContaining("No space left on device");
    cache.finish();
    assertThat(readAll(cache)).containsExactlyElementsOf(added);
  }

  @Test
  void aDamagedSpillFileIsAnErrorNeverWrongRecordsAndLaterReadersAreTold() throws Exception {
    manager(8, AllocationPolicy.FAIL);
    SpillableCache<byte[]> cache = cache("c");
    addAll(cache, records(400, 300, 11));
    cache.finish();
    assertThat(cache.isInMemory()).isFalse();
    try (Stream<Path> files = Files.list(tempDir)) {
      Path file = files.findFirst().orElseThrow();
      try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
        ByteBuffer one = ByteBuffer.allocate(1);
        channel.read(one, 100);
        one.put(0, (byte) (one.get(0) ^ 0x5A)).rewind();
        channel.write(one, 100);
      }
    }
    try (RecordIterator<byte[]> reader = cache.open()) {
      assertThatThrownBy(() -> drain(reader)).isInstanceOf(CorruptSpillFileException.class);
    }
    assertThatThrownBy(cache::open).isInstanceOf(IOException.class).hasMessageContaining("lost");
  }

  @Test
  void aSerializerFailureInMemoryTakesBackOnlyThatRecord() throws Exception {
    manager(64, AllocationPolicy.FAIL);
    TypeSerializer<byte[]> failing = new FailingOnEmpty();
    SpillableCache<byte[]> cache = cache("c", failing);
    List<byte[]> records = records(50, 3000, 12).stream().filter(r -> r.length > 0).toList();
    for (int i = 0; i < records.size(); i++) {
      cache.add(records.get(i));
      if (i % 7 == 0) {
        assertThatThrownBy(() -> cache.add(new byte[0])).isInstanceOf(IOException.class);
      }
    }
    cache.finish();
    assertThat(cache.isInMemory()).isTrue();
    assertThat(readAll(cache)).containsExactlyElementsOf(records);
  }

  @Test
  void aSerializerFailureOnDiskFailsTheCacheAndReleasesEverything() throws Exception {
    manager(8, AllocationPolicy.FAIL);
    SpillableCache<byte[]> cache = cache("c", new FailingOnEmpty());
    addAll(cache, records(400, 300, 15).stream().filter(r -> r.length > 0).toList());
    assertThat(cache.isInMemory()).isFalse();
    assertThatThrownBy(() -> cache.add(new byte[0])).isInstanceOf(IOException.class);
    assertThat(spills.liveFiles()).isZero();
    assertThat(manager.metrics().owners()).isEmpty();
    assertThatThrownBy(() -> cache.add(new byte[1])).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
  }

  /** Writes some bytes of a record, then fails on an empty one: a record half written. */
  private static final class FailingOnEmpty implements TypeSerializer<byte[]> {
    @Override
    public void serialize(byte[] value, DataOutputView target) throws IOException {
      if (value.length == 0) {
        target.write(new byte[PAGE + 10]);
        throw new IOException("cannot serialize an empty record");
      }
      Serializers.BYTE_ARRAY.serialize(value, target);
    }

    @Override
    public byte[] deserialize(DataInputView source) throws IOException {
      return Serializers.BYTE_ARRAY.deserialize(source);
    }

    @Override
    public void copy(DataInputView source, DataOutputView target) throws IOException {
      Serializers.BYTE_ARRAY.copy(source, target);
    }

    @Override
    public int getLength() {
      return -1;
    }
  }

  @Test
  void closingTheCacheLeavesOpenReadersWorkingUntilTheyAreClosed() throws Exception {
    manager(8, AllocationPolicy.FAIL);
    SpillableCache<byte[]> cache = cache("c");
    List<byte[]> records = records(400, 300, 13);
    addAll(cache, records);
    cache.finish();
    RecordIterator<byte[]> reader = cache.open();
    cache.close();
    assertThatThrownBy(cache::open).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    assertThat(drain(reader)).containsExactlyElementsOf(records);
    assertThat(spills.liveFiles()).as("the reader's file stays until it closes").isOne();
    reader.close();
    assertThatThrownBy(reader::next).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void closingInTheMiddleOfWritingReleasesEverything() throws Exception {
    manager(8, AllocationPolicy.FAIL);
    SpillableCache<byte[]> cache = cache("c");
    addAll(cache, records(400, 300, 14));
    assertThat(spills.liveFiles()).isOne();
    cache.close();
    assertThatThrownBy(() -> cache.add(new byte[1])).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void misuseIsRefusedWithTheReason() throws Exception {
    manager(8, AllocationPolicy.FAIL);
    SpillableCache<byte[]> cache = cache("c");
    assertThatThrownBy(cache::open).isInstanceOf(IllegalStateException.class).hasMessageContaining("finish()");
    cache.finish();
    assertThatThrownBy(() -> cache.add(new byte[1])).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("finished");
    assertThatThrownBy(() -> cache("c")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SpillableCache.builder(manager, "d", Serializers.BYTE_ARRAY).build())
        .isInstanceOf(NullPointerException.class).hasMessageContaining("spillManager");
  }

  /**
   * Stress: another consumer grabs and returns memory in a loop (each grab may reclaim the cache)
   * while the cache is written, then while it is read on two threads; every read sees every
   * record in order, and everything is released at the end.
   */
  @Test
  void reclaimsRacingWritesAndReadsNeverLoseOrReorderRecords() throws Exception {
    manager(24, AllocationPolicy.LRU_RECLAIM);
    SpillableCache<byte[]> cache = cache("c");
    List<byte[]> records = records(3_000, 120, 16);
    ExecutorService threads = Executors.newFixedThreadPool(3);
    java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
    try {
      Future<Integer> grabber = threads.submit(() -> {
        int grabs = 0;
        while (!stop.get()) {
          try {
            List<MemorySegment> pages = manager.allocatePages("other", 8);
            grabs++;
            manager.release(pages);
          } catch (MemoryAllocationException e) {
            Thread.onSpinWait();
          }
        }
        return grabs;
      });
      addAll(cache, records);
      cache.finish();
      List<Future<List<byte[]>>> reads = new ArrayList<>();
      for (int round = 0; round < 5; round++) {
        reads.add(threads.submit(() -> readAll(cache)));
        reads.add(threads.submit(() -> readAll(cache)));
        for (Future<List<byte[]>> read : reads) {
          assertThat(read.get()).containsExactlyElementsOf(records);
        }
        reads.clear();
      }
      stop.set(true);
      assertThat(grabber.get()).isPositive();
    } finally {
      stop.set(true);
      threads.shutdownNow();
    }
    assertThat(cache.spilledBytes()).as("the grabs reclaimed the cache at least once").isPositive();
  }
}
