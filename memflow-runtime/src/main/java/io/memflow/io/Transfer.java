package io.memflow.io;

import io.memflow.memory.MemorySegment;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The state a {@link SpillWriter} or {@link SpillReader} shares with its I/O thread: the file and
 * channel, the pages in flight and the queue they come back on, the first background failure and
 * the cancelled flag.
 *
 * <p><b>Protocol.</b> The owner {@linkplain #submit submits} a task with a page (in flight +1);
 * the I/O thread runs it, or skips it when the transfer {@linkplain #shouldSkip failed or was
 * cancelled}, and always {@linkplain #giveBack gives the page back}; the owner {@linkplain #take
 * takes} pages back (in flight -1). {@link #awaitAll} returns once nothing is in flight: from then
 * on no background task touches the owner's pages. The queue hand-off orders the I/O thread's
 * writes to a page before the owner's next use of it.
 *
 * <p><b>Threads.</b> {@code submit}, {@code take} and {@code awaitAll} belong to the owner's
 * thread; {@code giveBack}, {@code fail} and {@code cancel} may come from any thread.
 */
final class Transfer {

  final SpillManager manager;
  final SpillFile file;
  final FileChannel channel;
  private final IoThread io;
  private final String activity;
  private final LinkedBlockingQueue<MemorySegment> returned = new LinkedBlockingQueue<>();
  private final AtomicReference<IOException> failure = new AtomicReference<>();
  private volatile boolean cancelled;
  private volatile long bytesTransferred; // written by the I/O thread only
  private int inFlight; // owner thread only

  Transfer(SpillManager manager, SpillFile file, FileChannel channel, IoThread io, String activity) {
    this.manager = manager;
    this.file = file;
    this.channel = channel;
    this.io = io;
    this.activity = activity;
  }

  void submit(IoThread.Task task) {
    inFlight++;
    io.submit(task);
  }

  /** Called by the I/O thread (or a skip) exactly once per submitted task. */
  void giveBack(MemorySegment page) {
    returned.add(page);
  }

  /** The next page back from the I/O thread, waiting for it. */
  MemorySegment take() throws InterruptedIOException {
    try {
      MemorySegment page = returned.take();
      inFlight--;
      return page;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while " + activity + " spill file " + file.path()
          + " (the pages in flight come back on close or abort)");
    }
  }

  /** Waits, uninterruptibly, until every page in flight is back, handing each to {@code sink}. */
  void awaitAll(ArrayDeque<MemorySegment> sink) {
    boolean interrupted = false;
    while (inFlight > 0) {
      try {
        sink.add(returned.take());
        inFlight--;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  int inFlight() {
    return inFlight;
  }

  boolean shouldSkip() {
    return cancelled || failure.get() != null;
  }

  /** Records the first failure; later ones are dropped (they follow from the first). */
  void fail(IOException cause) {
    failure.compareAndSet(null, cause);
  }

  IOException failure() {
    return failure.get();
  }

  /**
   * Stops the transfer: queued tasks are skipped and the channel is closed, which ends a blocked
   * read or write with an error. {@code reason}, if not null, becomes the failure the owner sees.
   */
  void cancel(IOException reason) {
    if (reason != null) {
      fail(reason);
    }
    cancelled = true;
    closeChannelQuietly();
  }

  void closeChannelQuietly() {
    try {
      channel.close();
    } catch (IOException | RuntimeException e) {
      // closing is best effort: the file is about to be deleted or is complete
    }
  }

  String activity() {
    return activity;
  }

  /** Called by the I/O thread after each block. */
  void addBytes(long bytes) {
    bytesTransferred += bytes;
  }

  long bytesTransferred() {
    return bytesTransferred;
  }

  /**
   * The recorded failure as an exception to throw in the owner's thread (the original, from the
   * I/O thread, is the cause), or {@code null} if there is none.
   */
  IOException failureToThrow() {
    IOException cause = failure.get();
    if (cause == null) {
      return null;
    }
    if (cause instanceof CorruptSpillFileException corrupt) {
      return new CorruptSpillFileException(corrupt);
    }
    return new IOException(cause.getMessage(), cause);
  }

  /** A background I/O error as the owner will see it: file, block, cause and what to do. */
  IOException describe(String what, int blockIndex, Exception cause) {
    if (cause instanceof CorruptSpillFileException corrupt) {
      return corrupt;
    }
    Path directory = file.path().toAbsolutePath().getParent();
    String fix = cause instanceof RuntimeException
        ? "this is a bug in memflow or in the FileOpener's channel, please report it"
        : (what.equals("reading") ? "check the disk holding " : "free space in ") + directory
            + " or configure other temp directories (SpillManager.Builder.tempDirectories)";
    return new IOException("spill file " + file.path() + ": " + what + " block " + blockIndex
        + " failed (" + cause + "); " + fix + ". The file is deleted.", cause);
  }
}
