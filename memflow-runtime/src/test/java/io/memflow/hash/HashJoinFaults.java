package io.memflow.hash;

import io.memflow.io.FileOpener;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Fault injection for the join's spill files: a {@link FileOpener} whose channels fail writes after
 * {@code writeLimit} bytes (a full disk), fail reads after {@code readLimit} bytes, or flip one byte
 * read at {@code corruptAt}. Limits count over every channel of the opener.
 */
final class HashJoinFaults {

  volatile long writeLimit = Long.MAX_VALUE;
  volatile long readLimit = Long.MAX_VALUE;
  volatile long corruptAt = Long.MAX_VALUE;
  final AtomicLong written = new AtomicLong();
  final AtomicLong read = new AtomicLong();

  FileOpener opener() {
    return (path, options) -> new Channel(FileChannel.open(path, options));
  }

  private final class Channel extends FileChannel {
    private final FileChannel delegate;

    Channel(FileChannel delegate) {
      this.delegate = delegate;
    }

    @Override
    public int write(ByteBuffer source) throws IOException {
      int allowed = (int) Math.min(source.remaining(), writeLimit - written.get());
      if (allowed <= 0) {
        throw new IOException("No space left on device");
      }
      ByteBuffer part = source.slice(source.position(), allowed);
      int n = delegate.write(part);
      source.position(source.position() + n);
      written.addAndGet(n);
      return n;
    }

    @Override
    public int read(ByteBuffer target) throws IOException {
      int allowed = (int) Math.min(target.remaining(), readLimit - read.get());
      if (allowed <= 0) {
        throw new IOException("Input/output error");
      }
      int start = target.position();
      ByteBuffer part = target.slice(start, allowed);
      int n = delegate.read(part);
      if (n > 0) {
        long before = read.getAndAdd(n);
        if (corruptAt >= before && corruptAt < before + n) {
          int at = start + (int) (corruptAt - before);
          target.put(at, (byte) ~target.get(at));
        }
        target.position(start + n);
      }
      return n;
    }

    @Override
    protected void implCloseChannel() throws IOException {
      delegate.close();
    }

    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
      throw new UnsupportedOperationException();
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
      throw new UnsupportedOperationException();
    }

    @Override
    public long position() throws IOException {
      return delegate.position();
    }

    @Override
    public FileChannel position(long newPosition) throws IOException {
      delegate.position(newPosition);
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
      throw new UnsupportedOperationException();
    }

    @Override
    public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException {
      throw new UnsupportedOperationException();
    }

    @Override
    public int read(ByteBuffer dst, long position) throws IOException {
      throw new UnsupportedOperationException();
    }

    @Override
    public int write(ByteBuffer src, long position) throws IOException {
      throw new UnsupportedOperationException();
    }

    @Override
    public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
      throw new UnsupportedOperationException();
    }

    @Override
    public FileLock lock(long position, long size, boolean shared) throws IOException {
      throw new UnsupportedOperationException();
    }

    @Override
    public FileLock tryLock(long position, long size, boolean shared) throws IOException {
      throw new UnsupportedOperationException();
    }
  }
}
