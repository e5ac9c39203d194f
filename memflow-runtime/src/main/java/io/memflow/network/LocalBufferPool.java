package io.memflow.network;

import io.memflow.memory.MemorySegment;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A task's buffer pool: see {@link BufferPool} for the contract.
 *
 * <p><b>Design.</b> The pool counts the segments it took from the global pool ({@code requested},
 * free here or in use) and keeps it at most {@code poolSize}, which the global pool sets between
 * required and max. It takes segments lazily: when its free list runs empty it fetches one more
 * (so that "available" means "a buffer is ready now"), and if the global pool is empty it
 * registers as a waiter. A recycled segment goes back to the global pool if the pool is
 * destroyed, above its size, or has overdraft buffers out; otherwise to a waiting listener or the
 * free list.
 *
 * <pre>
 *   requested = free + in use  &lt;=  poolSize  (+ overdraft, up to maxOverdraftBuffers)
 *   available = free list non-empty AND no subpartition at its maximum  (or destroyed)
 * </pre>
 *
 * <p><b>Locks and callbacks.</b> One monitor guards the state. Every method collects what to
 * announce (a future to complete, segments to return, listeners to call) under it and announces
 * after releasing it, so listeners and future callbacks may re-enter the pool. The global pool's
 * segment lock is only ever taken inside this one.
 */
final class LocalBufferPool implements BufferPool {

  private final NetworkBufferPool global;
  private final int required;
  private final int max;
  private final int maxBuffersPerSubpartition;
  private final int maxOverdraftBuffers;
  /** One recycler per subpartition, index {@code subpartition + 1}; index 0 for none. */
  private final BufferRecycler[] recyclers;

  private final Object lock = new Object();
  private final ArrayDeque<MemorySegment> free = new ArrayDeque<>();
  private final ArrayDeque<BufferListener> listeners = new ArrayDeque<>();
  private final int[] subpartitionBuffers;
  private int unavailableSubpartitions;
  private int poolSize;
  private int requested;
  private int overdraft;
  private boolean waitingForGlobal;
  private boolean destroyed;
  private CompletableFuture<Void> availability = new CompletableFuture<>();

  LocalBufferPool(
      NetworkBufferPool global,
      int required,
      int max,
      int subpartitions,
      int maxBuffersPerSubpartition,
      int maxOverdraftBuffers) {
    this.global = global;
    this.required = required;
    this.max = max;
    this.poolSize = required;
    this.maxBuffersPerSubpartition = maxBuffersPerSubpartition;
    this.maxOverdraftBuffers = maxOverdraftBuffers;
    this.subpartitionBuffers = new int[subpartitions];
    this.recyclers = new BufferRecycler[subpartitions + 1];
    for (int i = 0; i <= subpartitions; i++) {
      int subpartition = i - 1;
      recyclers[i] = segment -> recycle(segment, subpartition);
    }
  }

  // ---------------------------------------------------------------- requests

  @Override
  public Buffer requestBuffer() {
    return requestBuffer(NO_SUBPARTITION);
  }

  @Override
  public Buffer requestBuffer(int subpartition) {
    MemorySegment segment = requestSegment(checkSubpartition(subpartition));
    return segment == null ? null : Buffer.wrap(segment, recyclers[subpartition + 1]);
  }

  @Override
  public Buffer requestBufferBlocking(int subpartition) throws InterruptedException {
    return requestBufferBlocking(subpartition, Long.MAX_VALUE, TimeUnit.NANOSECONDS);
  }

  @Override
  public Buffer requestBufferBlocking(int subpartition, long timeout, TimeUnit unit)
      throws InterruptedException {
    long deadline = System.nanoTime() + Math.min(unit.toNanos(timeout), Long.MAX_VALUE / 2);
    while (true) {
      CompletableFuture<Void> future;
      synchronized (lock) {
        future = availability;
      }
      Buffer buffer = requestBuffer(subpartition);
      if (buffer != null) {
        return buffer;
      }
      long remaining = deadline - System.nanoTime();
      if (remaining <= 0 || !await(future, remaining)) {
        return null;
      }
    }
  }

  /** Waits for {@code future}; false on timeout. */
  private static boolean await(CompletableFuture<Void> future, long nanos) throws InterruptedException {
    try {
      future.get(nanos, TimeUnit.NANOSECONDS);
      return true;
    } catch (TimeoutException e) {
      return false;
    } catch (ExecutionException e) {
      throw new IllegalStateException("availability future failed", e.getCause());
    }
  }

  @Override
  public BufferBuilder requestBufferBuilder(int subpartition) {
    Buffer buffer = requestBuffer(subpartition);
    return buffer == null ? null : new BufferBuilder(buffer);
  }

  @Override
  public BufferBuilder requestBufferBuilderBlocking(int subpartition) throws InterruptedException {
    return new BufferBuilder(requestBufferBlocking(subpartition));
  }

  private MemorySegment requestSegment(int subpartition) {
    MemorySegment segment;
    CompletableFuture<Void> toComplete;
    synchronized (lock) {
      if (destroyed) {
        throw new IllegalStateException("buffer pool is destroyed: " + this);
      }
      if (free.isEmpty()) {
        fetchFromGlobal();
      }
      segment = free.poll();
      if (segment == null && requested >= poolSize) {
        segment = requestOverdraft();
      }
      if (segment != null && subpartition != NO_SUBPARTITION
          && ++subpartitionBuffers[subpartition] == maxBuffersPerSubpartition) {
        unavailableSubpartitions++;
      }
      toComplete = updateAvailability();
    }
    complete(toComplete);
    return segment;
  }

  private MemorySegment requestOverdraft() {
    if (overdraft >= maxOverdraftBuffers) {
      return null;
    }
    MemorySegment segment = global.requestSegment();
    if (segment != null) {
      overdraft++;
    }
    return segment;
  }

  // ---------------------------------------------------------------- recycling

  private void recycle(MemorySegment segment, int subpartition) {
    boolean toGlobal;
    boolean serveListeners;
    CompletableFuture<Void> toComplete;
    synchronized (lock) {
      if (subpartition != NO_SUBPARTITION
          && subpartitionBuffers[subpartition]-- == maxBuffersPerSubpartition) {
        unavailableSubpartitions--;
      }
      toGlobal = giveBackLocked();
      if (!toGlobal) {
        free.add(segment);
      }
      serveListeners = !listeners.isEmpty();
      toComplete = updateAvailability();
    }
    if (toGlobal) {
      global.recycle(segment);
    }
    complete(toComplete);
    if (serveListeners) {
      serveListeners();
    }
  }

  /** Under the lock: whether a recycled segment goes back to the global pool (and count it). */
  private boolean giveBackLocked() {
    if (overdraft > 0) {
      overdraft--;
      return true;
    }
    if (destroyed || requested > poolSize) {
      requested--;
      return true;
    }
    return false;
  }

  // ---------------------------------------------------------------- availability

  /**
   * Under the lock: fetches one segment if the free list is empty and the pool below its size,
   * then sets the availability future. Returns a future to complete after unlocking, or null.
   */
  private CompletableFuture<Void> updateAvailability() {
    if (free.isEmpty() && !destroyed) {
      fetchFromGlobal();
    }
    boolean available = destroyed || (!free.isEmpty() && unavailableSubpartitions == 0);
    if (available) {
      return availability.isDone() ? null : availability;
    }
    if (availability.isDone()) {
      availability = new CompletableFuture<>();
    }
    return null;
  }

  private void fetchFromGlobal() {
    while (requested < poolSize && !waitingForGlobal) {
      MemorySegment segment = global.requestSegment();
      if (segment != null) {
        requested++;
        free.add(segment);
        return;
      }
      waitingForGlobal = global.registerWaiter(this);
    }
  }

  private static void complete(CompletableFuture<Void> future) {
    if (future != null) {
      future.complete(null);
    }
  }

  /** Called by the global pool, outside its locks, when segments came back. */
  void onGlobalPoolAvailable() {
    refresh(true);
  }

  /** Called by the global pool after it set a new size, outside its locks. */
  void onPoolSizeChanged() {
    refresh(false);
  }

  private void refresh(boolean wasWaiting) {
    CompletableFuture<Void> toComplete;
    boolean serveListeners;
    synchronized (lock) {
      if (wasWaiting) {
        waitingForGlobal = false;
      }
      toComplete = updateAvailability();
      serveListeners = !listeners.isEmpty();
    }
    complete(toComplete);
    if (serveListeners) {
      serveListeners();
    }
  }

  /** Under factoryLock: sets the size; free segments above it go to {@code excess}. */
  void setPoolSize(int newSize, List<MemorySegment> excess) {
    synchronized (lock) {
      poolSize = Math.min(newSize, max);
      while (overdraft > 0 && requested < poolSize) {
        overdraft--;
        requested++;
      }
      while (requested > poolSize && !free.isEmpty()) {
        excess.add(free.poll());
        requested--;
      }
    }
  }

  @Override
  public boolean isAvailable() {
    synchronized (lock) {
      return availability.isDone();
    }
  }

  @Override
  public CompletableFuture<Void> availableFuture() {
    synchronized (lock) {
      return availability.copy();
    }
  }

  // ---------------------------------------------------------------- listeners

  @Override
  public boolean addBufferListener(BufferListener listener) {
    synchronized (lock) {
      if (destroyed || !free.isEmpty()) {
        return false;
      }
      listeners.add(listener);
      return true;
    }
  }

  /** Hands free segments to waiting listeners, one at a time, calling each outside the lock. */
  private void serveListeners() {
    while (true) {
      BufferListener listener;
      MemorySegment segment;
      CompletableFuture<Void> toComplete;
      synchronized (lock) {
        if (destroyed || listeners.isEmpty() || free.isEmpty()) {
          return;
        }
        listener = listeners.poll();
        segment = free.poll();
        toComplete = updateAvailability();
      }
      complete(toComplete);
      notifyListener(listener, Buffer.wrap(segment, recyclers[0]));
    }
  }

  private void notifyListener(BufferListener listener, Buffer buffer) {
    boolean wantsMore;
    try {
      wantsMore = listener.notifyBufferAvailable(buffer);
    } catch (RuntimeException | Error e) {
      if (!buffer.isRecycled()) {
        buffer.release();
      }
      throw e;
    }
    if (wantsMore) {
      reRegister(listener);
    }
  }

  private void reRegister(BufferListener listener) {
    boolean destroyedNow;
    synchronized (lock) {
      destroyedNow = destroyed;
      if (!destroyed) {
        listeners.add(listener);
      }
    }
    if (destroyedNow) {
      listener.notifyBufferDestroyed();
    }
  }

  // ---------------------------------------------------------------- destroy

  @Override
  public void destroy() {
    List<MemorySegment> toReturn;
    List<BufferListener> toNotify;
    CompletableFuture<Void> toComplete;
    synchronized (lock) {
      if (destroyed) {
        return;
      }
      destroyed = true;
      toReturn = new ArrayList<>(free);
      requested -= free.size();
      free.clear();
      toNotify = new ArrayList<>(listeners);
      listeners.clear();
      toComplete = availability;
    }
    global.recycleAll(toReturn);
    toComplete.complete(null);
    global.unregister(this);
    for (BufferListener listener : toNotify) {
      listener.notifyBufferDestroyed();
    }
  }

  @Override
  public boolean isDestroyed() {
    synchronized (lock) {
      return destroyed;
    }
  }

  // ---------------------------------------------------------------- metrics

  @Override
  public int numberOfRequiredBuffers() {
    return required;
  }

  @Override
  public int maxNumberOfBuffers() {
    return max;
  }

  @Override
  public int poolSize() {
    synchronized (lock) {
      return poolSize;
    }
  }

  @Override
  public int numberOfRequestedBuffers() {
    synchronized (lock) {
      return requested;
    }
  }

  @Override
  public int numberOfOverdraftBuffers() {
    synchronized (lock) {
      return overdraft;
    }
  }

  @Override
  public int numberOfAvailableBuffers() {
    synchronized (lock) {
      return free.size();
    }
  }

  private int checkSubpartition(int subpartition) {
    if (subpartition < NO_SUBPARTITION || subpartition >= subpartitionBuffers.length) {
      throw new IndexOutOfBoundsException(
          "subpartition=" + subpartition + " must be -1 (none) or in [0, " + subpartitionBuffers.length + ")");
    }
    return subpartition;
  }

  @Override
  public String toString() {
    synchronized (lock) {
      return "LocalBufferPool[required=" + required + ", max=" + max + ", size=" + poolSize
          + ", requested=" + requested + ", free=" + free.size() + ", overdraft=" + overdraft
          + (destroyed ? ", destroyed" : "") + "]";
    }
  }
}
