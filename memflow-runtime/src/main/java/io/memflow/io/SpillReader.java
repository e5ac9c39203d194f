package io.memflow.io;

import io.memflow.memory.MemorySegment;
import io.memflow.memory.view.AbstractPagedInputView;
import java.io.EOFException;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.List;

/**
 * Reads a spill file through the paged input view over pages the caller lends: the directory's
 * background I/O thread reads blocks ahead, in order, into every free page (read-ahead), checking
 * each block's header and CRC32C and expanding LZ4 blocks; a page the view has finished with goes
 * straight back to read the next block. After the last block the view throws {@link
 * EOFException}.
 *
 * <p><b>Errors.</b> A damaged block is a {@link CorruptSpillFileException}, a failed read an
 * {@link IOException} naming the file, the block and what to do; both are thrown from the next
 * call, never wrong data, and the file is deleted and every page is back with the caller by then.
 *
 * <p><b>Threads and ownership.</b> Not thread-safe: one thread reads and closes. The caller owns
 * the pages throughout and has them back, untouched by any background task, once {@link #close()}
 * returns (or a call has thrown a background error); the reader never frees them. Closing the
 * reader does not delete the file (the file's owner does, with {@link SpillFile#delete()}).
 */
public final class SpillReader extends AbstractPagedInputView implements AutoCloseable {

  private final Transfer transfer;
  private final int blockCount;
  private final ArrayDeque<MemorySegment> free;
  private MemorySegment held; // the page the view reads, if any
  private int requested;
  private int delivered;
  private boolean finished;

  SpillReader(Transfer transfer, List<MemorySegment> pages, int blockCount) {
    super(BlockFormat.HEADER_LENGTH);
    this.transfer = transfer;
    this.blockCount = blockCount;
    this.free = new ArrayDeque<>(pages);
  }

  /** The file this reader reads. */
  public SpillFile file() {
    return transfer.file;
  }

  /** Starts reading ahead into every free page (called once the manager has registered us). */
  void readAhead() {
    while (!free.isEmpty() && requested < blockCount) {
      transfer.submit(new ReadBlock(transfer, free.poll(), requested++));
    }
  }

  @Override
  protected MemorySegment nextSegment(MemorySegment current) throws IOException {
    checkUsable();
    clear();
    if (current != null && current == held) {
      free.add(current);
      held = null;
    }
    readAhead();
    if (delivered == blockCount) {
      throw new EOFException("end of spill file " + transfer.file.path() + " after "
          + blockCount + " blocks");
    }
    MemorySegment page = transfer.take();
    free.add(page);
    checkUsable();
    delivered++;
    held = free.pollLast();
    return held;
  }

  @Override
  protected int getLimitForSegment(MemorySegment segment) {
    return BlockFormat.HEADER_LENGTH + BlockFormat.uncompressedLength(segment);
  }

  /**
   * Stops reading ahead, waits for the pages in flight and closes the channel; the caller has
   * every page back when this returns. The file stays. Never throws; does nothing if the reader is
   * already finished.
   */
  @Override
  public void close() {
    if (finished) {
      return;
    }
    transfer.cancel(null);
    clear();
    transfer.awaitAll(free);
    finish();
  }

  /** Pages lent to the reader that are in flight on the I/O thread (for tests). */
  int pagesInFlight() {
    return transfer.inFlight();
  }

  private void checkUsable() throws IOException {
    if (finished) {
      throw new IllegalStateException("spill reader for " + transfer.file.path()
          + " is closed; open a new reader to read the file again");
    }
    IOException failure = transfer.failureToThrow();
    if (failure != null) {
      close();
      transfer.file.deleteQuietly();
      throw failure;
    }
  }

  private void finish() {
    finished = true;
    held = null;
    transfer.manager.unregister(transfer);
  }

  /** Reads one block into a page on the I/O thread, then gives the page back. */
  private record ReadBlock(Transfer transfer, MemorySegment page, int blockIndex)
      implements IoThread.Task {

    @Override
    public void run(BlockCodec codec) {
      try {
        if (!transfer.shouldSkip()) {
          codec.readBlock(transfer.channel, page, transfer.file.path(), blockIndex);
        }
      } catch (IOException e) {
        transfer.fail(transfer.describe("reading", blockIndex, e));
      } catch (RuntimeException e) {
        transfer.fail(transfer.describe("reading", blockIndex, e));
        throw e;
      } finally {
        transfer.giveBack(page);
      }
    }

    @Override
    public void skip() {
      transfer.giveBack(page);
    }
  }
}
