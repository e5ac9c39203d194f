package io.memflow.testing;

import io.memflow.io.FileOpener;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A file channel that breaks on purpose, plugged into a spill manager through {@link FileOpener}:
 * writes fail after {@link Faults#writeLimit} bytes (a full disk), and the byte at {@link
 * Faults#flipReadAt} of all bytes read is flipped (a damaged block).
 */
public final class FaultyFileChannel extends ForwardingFileChannel {

  /** What to break, shared by every channel of one opener. */
  public static final class Faults {
    /** Total bytes all channels may write before every write fails. */
    public volatile long writeLimit = Long.MAX_VALUE;
    /** The position, among all bytes read, of a byte to flip; -1 for none. */
    public volatile long flipReadAt = -1;
    /** Bytes written so far by all channels. */
    public final AtomicLong written = new AtomicLong();
    /** Bytes read so far by all channels. */
    public final AtomicLong read = new AtomicLong();

    /** An opener of channels that break as these faults say. */
    public FileOpener opener() {
      return (path, options) -> new FaultyFileChannel(FileChannel.open(path, options), this,
          options.contains(StandardOpenOption.WRITE));
    }
  }

  private final Faults faults;
  private final boolean writing;

  private FaultyFileChannel(FileChannel delegate, Faults faults, boolean writing) {
    super(delegate);
    this.faults = faults;
    this.writing = writing;
  }

  private void checkWrite(int bytes) throws IOException {
    if (faults.written.addAndGet(bytes) > faults.writeLimit) {
      throw new IOException("No space left on device");
    }
  }

  private int afterRead(ByteBuffer dst, int start, int n) {
    if (n > 0) {
      long before = faults.read.getAndAdd(n);
      long flip = faults.flipReadAt;
      if (!writing && flip >= before && flip < before + n) {
        int at = start + (int) (flip - before);
        dst.put(at, (byte) (dst.get(at) ^ 0x5A));
      }
    }
    return n;
  }

  @Override
  public int read(ByteBuffer dst) throws IOException {
    int start = dst.position();
    return afterRead(dst, start, delegate.read(dst));
  }

  @Override
  public int write(ByteBuffer src) throws IOException {
    checkWrite(src.remaining());
    return delegate.write(src);
  }

  @Override
  public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
    long bytes = 0;
    for (int i = offset; i < offset + length; i++) {
      bytes += srcs[i].remaining();
    }
    checkWrite((int) bytes);
    return delegate.write(srcs, offset, length);
  }

  @Override
  public int read(ByteBuffer dst, long position) throws IOException {
    int start = dst.position();
    return afterRead(dst, start, delegate.read(dst, position));
  }

  @Override
  public int write(ByteBuffer src, long position) throws IOException {
    checkWrite(src.remaining());
    return delegate.write(src, position);
  }

}
