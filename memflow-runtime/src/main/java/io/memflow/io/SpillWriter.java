package io.memflow.io;

import io.memflow.memory.MemorySegment;
import io.memflow.memory.view.AbstractPagedOutputView;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.List;

/**
 * Writes a spill file through the paged output view over pages the caller lends: every full page
 * becomes one block (see {@code BlockFormat}), handed to the directory's background I/O thread
 * (write-behind) while the writer goes on in a free page; written pages come back for reuse, and
 * the writer waits only when every page is in flight.
 *
 * <pre>
 *   caller ─ writeInt/write/... ─▶ current page ─ full ─▶ I/O thread queue ─▶ channel
 *                                       ▲                        │
 *                                       └──── free pages ◀───────┘ (written, given back)
 * </pre>
 *
 * <p><b>Errors.</b> A background error (for example "No space left on device") is thrown from the
 * next call ({@code write...}, {@link #close()}) as an {@link IOException} naming the file, the
 * block and what to do; the file is deleted and every page is back with the caller by then.
 *
 * <p><b>Threads and ownership.</b> Not thread-safe: one thread writes and closes. The caller owns
 * the pages throughout and has them back, untouched by any background task, once {@link #close()}
 * or {@link #abort()} returns (or a call has thrown a background error); the writer never frees
 * them. The {@link SpillManager} may cancel the writer from another thread when it closes.
 */
public final class SpillWriter extends AbstractPagedOutputView implements AutoCloseable {

  private final Transfer transfer;
  private final boolean compress;
  private final ArrayDeque<MemorySegment> free;
  private int blocks;
  private boolean finished;

  SpillWriter(Transfer transfer, List<MemorySegment> pages, boolean compress) {
    super(pages.getFirst(), BlockFormat.HEADER_LENGTH);
    this.transfer = transfer;
    this.compress = compress;
    this.free = new ArrayDeque<>(pages.subList(1, pages.size()));
  }

  /** The file this writer fills. */
  public SpillFile file() {
    return transfer.file;
  }

  @Override
  protected MemorySegment nextSegment(MemorySegment current, int positionInCurrent)
      throws IOException {
    checkUsable();
    clear(); // the view lets go of the page before it is in flight
    if (current != null) {
      submit(current, positionInCurrent);
    }
    if (free.isEmpty()) {
      free.add(transfer.take());
    }
    checkUsable();
    return free.poll();
  }

  private void submit(MemorySegment page, int position) {
    transfer.submit(new WriteBlock(transfer, page, blocks++, position - getHeaderLength(), compress));
  }

  /**
   * Writes the last, partly filled page, waits until every block is written and completes the
   * file ({@link SpillFile#blockCount()}, {@link SpillFile#sizeBytes()}). Does nothing if the writer
   * is already finished.
   *
   * @throws IOException if a block could not be written (the file is deleted, the pages are back)
   */
  @Override
  public void close() throws IOException {
    if (finished) {
      return;
    }
    checkUsable();
    MemorySegment current = getCurrentSegment();
    int position = getCurrentPositionInSegment();
    clear();
    if (current != null && position > getHeaderLength()) {
      submit(current, position);
    }
    transfer.awaitAll(free);
    checkUsable();
    finish();
    try {
      transfer.channel.close();
    } catch (IOException e) {
      transfer.file.deleteQuietly();
      throw transfer.describe("closing the channel after", Math.max(blocks - 1, 0), e);
    }
    transfer.file.markWritten(blocks, transfer.bytesTransferred());
  }

  /**
   * Stops writing and deletes the file; pages in flight are waited for (the one being written is
   * cut short by closing the channel), so the caller has every page back when this returns. Never
   * throws; does nothing if the writer is already finished.
   */
  public void abort() {
    if (finished) {
      return;
    }
    transfer.cancel(null);
    clear();
    transfer.awaitAll(free);
    finish();
    transfer.file.deleteQuietly();
  }

  /** Pages lent to the writer that are in flight on the I/O thread (for tests). */
  int pagesInFlight() {
    return transfer.inFlight();
  }

  private void checkUsable() throws IOException {
    if (finished) {
      throw new IllegalStateException("spill writer for " + transfer.file.path()
          + " is closed or aborted; open a new writer on a new file");
    }
    IOException failure = transfer.failureToThrow();
    if (failure != null) {
      transfer.cancel(null);
      clear();
      transfer.awaitAll(free);
      finish();
      transfer.file.deleteQuietly();
      throw failure;
    }
  }

  private void finish() {
    finished = true;
    transfer.manager.unregister(transfer);
  }

  /** Writes one page as a block on the I/O thread, then gives the page back. */
  private record WriteBlock(
      Transfer transfer, MemorySegment page, int blockIndex, int payloadLength, boolean compress)
      implements IoThread.Task {

    @Override
    public void run(BlockCodec codec) {
      try {
        if (!transfer.shouldSkip()) {
          transfer.addBytes(
              codec.writeBlock(transfer.channel, page, blockIndex, payloadLength, compress));
        }
      } catch (IOException e) {
        transfer.fail(transfer.describe("writing", blockIndex, e));
      } catch (RuntimeException e) {
        transfer.fail(transfer.describe("writing", blockIndex, e));
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
