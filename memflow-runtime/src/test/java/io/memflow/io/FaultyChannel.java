package io.memflow.io;

import io.memflow.testing.ForwardingFileChannel;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.FileChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A file channel that fails or stalls on purpose: the fault-injection seam the spill tests plug in
 * through {@link FileOpener}. Writes fail once {@link Faults#writeLimit} bytes are written (as a
 * full disk does), reads once {@link Faults#readLimit} bytes are read; with a gate set, every write
 * or read waits until the gate opens or the channel is closed (then throws {@link
 * AsynchronousCloseException}, as a real channel closed under a blocked call does).
 */
final class FaultyChannel extends ForwardingFileChannel {

  /** What to break; shared by every channel the opener makes. */
  static final class Faults {
    volatile long writeLimit = Long.MAX_VALUE;
    volatile String writeError = "No space left on device";
    volatile long readLimit = Long.MAX_VALUE;
    volatile CountDownLatch gate; // null: no stalling
    final CountDownLatch stalled = new CountDownLatch(1);
    final AtomicLong written = new AtomicLong();
    final AtomicLong read = new AtomicLong();
    /** Reads and writes inside this channel right now: 0 once an owner has its pages back. */
    final java.util.concurrent.atomic.AtomicInteger inProgress =
        new java.util.concurrent.atomic.AtomicInteger();

    /** An opener that wraps every channel in a faulty one. */
    FileOpener opener() {
      return (path, options) -> new FaultyChannel(FileChannel.open(path, options), this);
    }

    /** An opener that breaks only the channels of writers (or only of readers). */
    FileOpener opener(boolean writers) {
      return (path, options) -> options.contains(StandardOpenOption.WRITE) == writers
          ? new FaultyChannel(FileChannel.open(path, options), this)
          : FileChannel.open(path, options);
    }
  }

  private final Faults faults;
  private final CountDownLatch closed = new CountDownLatch(1);

  FaultyChannel(FileChannel delegate, Faults faults) {
    super(delegate);
    this.faults = faults;
  }

  static FileOpener failingOpener(String message) {
    return (Path path, Set<? extends OpenOption> options) -> {
      throw new IOException(message);
    };
  }

  private void stall() throws IOException {
    CountDownLatch gate = faults.gate;
    if (gate == null) {
      return;
    }
    faults.stalled.countDown();
    try {
      while (!gate.await(1, TimeUnit.MILLISECONDS)) {
        if (closed.getCount() == 0) {
          throw new AsynchronousCloseException();
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  @Override
  public int write(ByteBuffer source) throws IOException {
    faults.inProgress.incrementAndGet();
    try {
      return writeFaulty(source);
    } finally {
      faults.inProgress.decrementAndGet();
    }
  }

  private int writeFaulty(ByteBuffer source) throws IOException {
    stall();
    int allowed = (int) Math.min(source.remaining(), faults.writeLimit - faults.written.get());
    if (allowed <= 0) {
      throw new IOException(faults.writeError);
    }
    ByteBuffer part = source.slice(source.position(), allowed);
    int n = delegate.write(part);
    source.position(source.position() + n);
    faults.written.addAndGet(n);
    return n;
  }

  @Override
  public int read(ByteBuffer target) throws IOException {
    faults.inProgress.incrementAndGet();
    try {
      return readFaulty(target);
    } finally {
      faults.inProgress.decrementAndGet();
    }
  }

  private int readFaulty(ByteBuffer target) throws IOException {
    stall();
    int allowed = (int) Math.min(target.remaining(), faults.readLimit - faults.read.get());
    if (allowed <= 0) {
      throw new IOException("Input/output error");
    }
    ByteBuffer part = target.slice(target.position(), allowed);
    int n = delegate.read(part);
    if (n > 0) {
      target.position(target.position() + n);
      faults.read.addAndGet(n);
    }
    return n;
  }

  @Override
  protected void implCloseChannel() throws IOException {
    closed.countDown();
    delegate.close();
  }
}
