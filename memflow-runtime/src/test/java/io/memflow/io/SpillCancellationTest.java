package io.memflow.io;

import static io.memflow.io.SpillTesting.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.memflow.memory.MemorySegment;
import io.memflow.memory.MemorySegments;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Abort, close and manager close while I/O is in flight (a channel that stalls until closed): the
 * owner gets every page back before the call returns, no background task touches a page after
 * that (the pages are freed at once), files are deleted and the I/O threads end.
 */
class SpillCancellationTest {

  private static final int PAYLOAD = 4096 - BlockFormat.HEADER_LENGTH;

  @TempDir Path directory;
  private final FaultyChannel.Faults faults = new FaultyChannel.Faults();
  private SpillManager manager;
  private long offHeapBefore;

  @BeforeEach
  void start() {
    offHeapBefore = MemorySegments.offHeapBytesInUse();
    manager = SpillManager.builder().tempDirectories(List.of(directory))
        .fileOpener(faults.opener()).build();
  }

  @AfterEach
  void nothingIsLeftBehind() throws Exception {
    manager.close();
    assertNoIoThreadsOf(manager);
    assertThat(manager.liveFiles()).isZero();
    assertThat(filesIn(directory)).isEmpty();
    assertThat(manager.unexpectedBackgroundErrors()).isZero();
    assertThat(MemorySegments.offHeapBytesInUse()).isEqualTo(offHeapBefore);
  }

  @Test
  void abortWhileABlockIsBeingWrittenWaitsForItsPageAndDeletesTheFile() throws Exception {
    faults.gate = new CountDownLatch(1);
    List<MemorySegment> pages = pages(2, 4096);
    SpillFile file = manager.createFile("abort");
    SpillWriter writer = manager.openWriter(file, pages);
    writer.write(new byte[PAYLOAD + 100]); // block 0 goes to the stalled I/O thread
    assertThat(faults.stalled.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(writer.pagesInFlight()).isEqualTo(1);
    writer.abort();
    assertThat(faults.inProgress).as("no write into a returned page").hasValue(0);
    assertThat(writer.pagesInFlight()).isZero();
    free(pages);
    assertThat(file.path()).doesNotExist();
    assertThat(manager.liveFiles()).isZero();
    assertThatThrownBy(() -> writer.writeInt(1)).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void closingAReaderWhileItReadsAheadWaitsForThePagesAndKeepsTheFile() throws Exception {
    List<MemorySegment> pages = pages(4, 4096);
    SpillFile file = spill(manager, List.of(new byte[20 * PAYLOAD]), pages);
    faults.gate = new CountDownLatch(1);
    SpillReader reader = manager.openReader(file, pages);
    assertThat(faults.stalled.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(reader.pagesInFlight()).isEqualTo(4);
    reader.close();
    assertThat(faults.inProgress).as("no read into a returned page").hasValue(0);
    assertThat(reader.pagesInFlight()).isZero();
    free(pages);
    assertThat(file.path()).exists();
    faults.gate.countDown();
    List<MemorySegment> again = pages(2, 4096);
    try (SpillReader second = manager.openReader(file, again)) {
      assertThat(readAll(second)).hasSize(1);
    } finally {
      free(again);
    }
    file.delete();
  }

  @Test
  void closingTheManagerFromAnotherThreadFailsABlockedWriterAndItsReaders() throws Exception {
    List<MemorySegment> readPages = pages(2, 4096);
    SpillFile done = spill(manager, List.of(new byte[10 * PAYLOAD]), readPages);
    SpillReader reader = manager.openReader(done, readPages);
    reader.readInt();
    faults.gate = new CountDownLatch(1);
    List<MemorySegment> pages = pages(3, 4096);
    SpillFile file = manager.createFile("blocked");
    SpillWriter writer = manager.openWriter(file, pages);
    AtomicReference<Throwable> writerFailure = new AtomicReference<>();
    Thread owner = new Thread(() -> {
      try {
        writer.write(new byte[50 * PAYLOAD]); // blocks: every page is in flight
      } catch (Throwable t) {
        writerFailure.set(t);
      }
    });
    owner.start();
    assertThat(faults.stalled.await(10, TimeUnit.SECONDS)).isTrue();
    manager.close();
    assertThat(faults.inProgress).as("manager close ends every read and write").hasValue(0);
    owner.join(10_000);
    assertThat(owner.isAlive()).as("the writer's thread ended").isFalse();
    assertThat(writerFailure.get()).isInstanceOf(IOException.class)
        .hasMessageContaining("spill manager closed while writing spill file " + file.path());
    assertThat(writer.pagesInFlight()).isZero();
    writer.abort();
    free(pages);
    assertThatThrownBy(() -> readAll(reader)).isInstanceOf(IOException.class)
        .hasMessageContaining("spill manager closed while reading");
    reader.close();
    free(readPages);
    assertNoIoThreadsOf(manager);
    assertThat(manager.liveFiles()).isZero();
    assertThatThrownBy(() -> manager.openReader(done, readPages))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void noBackgroundTaskWritesIntoThePagesAfterTheReaderClosed() throws Exception {
    List<MemorySegment> writePages = pages(2, 4096);
    byte[] noise = new byte[12 * PAYLOAD];
    new java.util.Random(5).nextBytes(noise);
    SpillFile file = spill(manager, List.of(noise), writePages);
    free(writePages);
    byte[][] arrays = new byte[4][4096];
    List<MemorySegment> pages = new java.util.ArrayList<>();
    for (byte[] array : arrays) {
      pages.add(MemorySegments.wrap(array));
    }
    faults.gate = new CountDownLatch(1);
    SpillReader reader = manager.openReader(file, pages);
    assertThat(faults.stalled.await(10, TimeUnit.SECONDS)).isTrue();
    reader.close();
    assertThat(faults.inProgress).as("no read into a returned page").hasValue(0);
    for (byte[] array : arrays) {
      java.util.Arrays.fill(array, (byte) 0x5A);
    }
    faults.gate.countDown(); // a read that were still in flight would now fill a page
    Thread.sleep(50);
    for (byte[] array : arrays) {
      assertThat(array).containsOnly((byte) 0x5A);
    }
    file.delete();
  }

  @Test
  void interruptingAWriterWaitingForAPageKeepsItConsistentAndAbortable() throws Exception {
    faults.gate = new CountDownLatch(1);
    List<MemorySegment> pages = pages(2, 4096);
    SpillWriter writer = manager.openWriter(manager.createFile("interrupt"), pages);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread owner = new Thread(() -> {
      try {
        writer.write(new byte[5 * PAYLOAD]);
      } catch (Throwable t) {
        failure.set(t);
      }
      writer.abort(); // the interrupt flag is still set: abort must still wait for the pages
    });
    owner.start();
    assertThat(faults.stalled.await(10, TimeUnit.SECONDS)).isTrue();
    while (owner.getState() != Thread.State.WAITING) {
      Thread.onSpinWait();
    }
    owner.interrupt();
    Thread.sleep(20);
    faults.gate.countDown();
    owner.join(10_000);
    assertThat(owner.isAlive()).isFalse();
    assertThat(failure.get()).isInstanceOf(java.io.InterruptedIOException.class)
        .hasMessageContaining("interrupted while writing");
    assertThat(writer.pagesInFlight()).isZero();
    free(pages);
  }
}
