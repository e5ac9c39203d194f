package io.memflow.runtime;

import io.memflow.io.FileOpener;
import io.memflow.testing.ForwardingFileChannel;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.concurrent.atomic.AtomicLong;

/** A spill channel whose disk fills up after a number of bytes, shared by every channel of an opener. */
final class DiskFullChannel extends ForwardingFileChannel {

  private final AtomicLong budget;

  private DiskFullChannel(FileChannel delegate, AtomicLong budget) {
    super(delegate);
    this.budget = budget;
  }

  /** An opener whose channels together accept {@code bytes} bytes, then fail every write. */
  static FileOpener opener(long bytes) {
    AtomicLong budget = new AtomicLong(bytes);
    return (path, options) -> new DiskFullChannel(FileChannel.open(path, options), budget);
  }

  private void take(int bytes) throws IOException {
    if (budget.addAndGet(-bytes) < 0) {
      throw new IOException("No space left on device");
    }
  }

  @Override
  public int write(ByteBuffer src) throws IOException {
    take(src.remaining());
    return super.write(src);
  }

  @Override
  public int write(ByteBuffer src, long position) throws IOException {
    take(src.remaining());
    return super.write(src, position);
  }

  @Override
  public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
    long total = 0;
    for (int i = offset; i < offset + length; i++) {
      total += srcs[i].remaining();
    }
    take((int) total);
    return super.write(srcs, offset, length);
  }
}
