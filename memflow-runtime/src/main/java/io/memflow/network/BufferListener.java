package io.memflow.network;

/**
 * Waits for a buffer of a {@link BufferPool} that had none (see {@link
 * BufferPool#addBufferListener}). The pool calls it outside its locks, on the thread that
 * recycled or fetched the buffer, so the listener may call the pool again (request, recycle,
 * add itself, destroy). Implementations must be thread-safe and must not block.
 */
public interface BufferListener {

  /**
   * A buffer for this listener, which now owns it (one reference). If this method throws, the
   * pool releases the buffer.
   *
   * @return whether the listener wants another buffer (it stays registered)
   */
  boolean notifyBufferAvailable(Buffer buffer);

  /** The pool was destroyed while this listener waited: no buffer will come. */
  void notifyBufferDestroyed();
}
