package io.memflow.sort;

import io.memflow.io.FileOpener;
import io.memflow.testing.ForwardingFileChannel;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Fault injection for the sorter's spill files through the {@link FileOpener} seam: writes that
 * fail after a number of bytes (a full disk), slow writes, opens that fail, and a byte flipped in a
 * run file just before it is first read back. Thread-safe; switches are set before use.
 */
final class FaultyFiles {

  /** Bytes all writers may write before every further write fails; negative: no limit. */
  volatile long writeLimit = -1;
  /** Only files whose name contains this are subject to {@link #writeLimit} (null: all). */
  volatile String limitFilesNamed;
  /** The message of the failing write. */
  volatile String writeFailure = "No space left on device";
  /** A sleep before every write, to keep a spill in progress. */
  volatile long writeDelayMillis;
  /** Opens for writing after which every further one fails; negative: never. */
  volatile int writerOpensAllowed = -1;
  /** Whether every open for reading fails. */
  volatile boolean failReadOpens;
  /** Whether the next file opened for reading gets one byte flipped first. */
  volatile boolean corruptNextRead;

  final AtomicLong written = new AtomicLong();
  final AtomicInteger writerOpens = new AtomicInteger();
  final AtomicInteger corrupted = new AtomicInteger();

  FileOpener opener() {
    return this::open;
  }

  private FileChannel open(Path path, Set<? extends OpenOption> options) throws IOException {
    if (options.contains(StandardOpenOption.WRITE)) {
      int allowed = writerOpensAllowed;
      if (allowed >= 0 && writerOpens.incrementAndGet() > allowed) {
        throw new IOException("injected: cannot open " + path + " for writing");
      }
      String named = limitFilesNamed;
      boolean limited = named == null || path.getFileName().toString().contains(named);
      return new Channel(FileChannel.open(path, options), limited);
    }
    if (failReadOpens) {
      throw new IOException("injected: cannot open " + path + " for reading");
    }
    if (corruptNextRead) {
      corruptNextRead = false;
      flipByte(path);
    }
    return FileChannel.open(path, options);
  }

  /** Flips a byte in the middle of {@code path} (a header or payload byte: the CRC covers both). */
  private void flipByte(Path path) throws IOException {
    try (RandomAccessFile file = new RandomAccessFile(path.toFile(), "rw")) {
      long at = file.length() / 2;
      file.seek(at);
      int b = file.read();
      file.seek(at);
      file.write(b ^ 0x5A);
    }
    corrupted.incrementAndGet();
  }

  /** A channel whose writes count bytes, may be slow and fail past the limit. */
  private final class Channel extends ForwardingFileChannel {

    private final boolean limited;

    Channel(FileChannel delegate, boolean limited) {
      super(delegate);
      this.limited = limited;
    }

    @Override
    public int write(ByteBuffer source) throws IOException {
      long delay = writeDelayMillis;
      if (delay > 0) {
        try {
          Thread.sleep(delay);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IOException("interrupted while writing slowly", e);
        }
      }
      long total = written.addAndGet(source.remaining());
      long limit = writeLimit;
      if (limited && limit >= 0 && total > limit) {
        throw new IOException(writeFailure);
      }
      return delegate.write(source);
    }
  }
}
