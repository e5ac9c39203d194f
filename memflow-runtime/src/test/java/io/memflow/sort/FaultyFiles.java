package io.memflow.sort;

import io.memflow.io.FileOpener;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
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
  private final class Channel extends FileChannel {

    private final FileChannel delegate;
    private final boolean limited;

    Channel(FileChannel delegate, boolean limited) {
      this.delegate = delegate;
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

    @Override
    public int read(ByteBuffer target) throws IOException {
      return delegate.read(target);
    }

    @Override
    public long read(ByteBuffer[] targets, int offset, int length) throws IOException {
      return delegate.read(targets, offset, length);
    }

    @Override
    public long write(ByteBuffer[] sources, int offset, int length) {
      throw new UnsupportedOperationException("gathering writes are not used by spill files");
    }

    @Override
    public long position() throws IOException {
      return delegate.position();
    }

    @Override
    public FileChannel position(long position) throws IOException {
      delegate.position(position);
      return this;
    }

    @Override
    public long size() throws IOException {
      return delegate.size();
    }

    @Override
    public FileChannel truncate(long size) throws IOException {
      delegate.truncate(size);
      return this;
    }

    @Override
    public void force(boolean metaData) throws IOException {
      delegate.force(metaData);
    }

    @Override
    public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
      return delegate.transferTo(position, count, target);
    }

    @Override
    public long transferFrom(ReadableByteChannel source, long position, long count) {
      throw new UnsupportedOperationException("not used by spill files");
    }

    @Override
    public int read(ByteBuffer target, long position) throws IOException {
      return delegate.read(target, position);
    }

    @Override
    public int write(ByteBuffer source, long position) {
      throw new UnsupportedOperationException("positional writes are not used by spill files");
    }

    @Override
    public MappedByteBuffer map(MapMode mode, long position, long size) {
      throw new UnsupportedOperationException("not used by spill files");
    }

    @Override
    public FileLock lock(long position, long size, boolean shared) {
      throw new UnsupportedOperationException("not used by spill files");
    }

    @Override
    public FileLock tryLock(long position, long size, boolean shared) {
      throw new UnsupportedOperationException("not used by spill files");
    }

    @Override
    protected void implCloseChannel() throws IOException {
      delegate.close();
    }
  }
}
