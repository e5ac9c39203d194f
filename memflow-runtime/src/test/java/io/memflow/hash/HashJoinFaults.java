package io.memflow.hash;

import io.memflow.io.FileOpener;
import io.memflow.testing.ForwardingFileChannel;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
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

  private final class Channel extends ForwardingFileChannel {

    Channel(FileChannel delegate) {
      super(delegate);
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

  }
}
