package io.memflow.csv;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;

/**
 * The bytes {@code [start, end)} of a file (or to its end, if shorter), read with positional
 * reads. Not thread-safe; owns the open file and closes it.
 */
final class FileRangeInputStream extends InputStream {

  private final FileChannel channel;
  private final long end;
  private long position;

  private FileRangeInputStream(FileChannel channel, long start, long end) {
    this.channel = channel;
    this.position = start;
    this.end = end;
  }

  static FileRangeInputStream open(Path path, long start, long end) throws IOException {
    if (start < 0 || end < start) {
      throw new IllegalArgumentException("bad range [" + start + ", " + end + ")");
    }
    return new FileRangeInputStream(FileChannel.open(path, StandardOpenOption.READ), start, end);
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    Objects.checkFromIndexSize(off, len, b.length);
    int want = (int) Math.min(len, end - position);
    if (want <= 0) {
      return len == 0 ? 0 : -1;
    }
    int got = channel.read(ByteBuffer.wrap(b, off, want), position);
    if (got > 0) {
      position += got;
    }
    return got;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
