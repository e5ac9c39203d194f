package io.memflow.network;

import io.memflow.memory.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
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
 * free list. The free list is a stack: a request takes the buffer recycled last, whose segment is
 * still in the CPU's cache, and a pool that shrinks gives back the ones idle longest.
 *
 * <pre>
 *   requested = free + in use  &lt;=  poolSize  (+ overdraft, up to maxOverdraftBuffers)
 *   available = free list non-empty AND no subpartition at its maximum  (or destroyed)
 * </pre>
 *
 * <p><b>Buffer objects.</b> The free list holds idle {@link Buffer} objects, each bound to one
 * segment for as long as this pool keeps it: a request leases one out, the last release brings
 * it back. A buffer object is created only when a segment comes from the global pool, so the
 * steady state of a task allocates nothing per buffer.
 *
 * <p><b>Locks and callbacks.</b> One monitor guards the state. Every method collects what to
 * announce (a future to complete, segments to return, listeners to call) under it and announces
 * after releasing it, so listeners and future callbacks may re-enter the pool. The global pool's
 * segment lock is only ever taken inside this one.
 *
 * <p><b>The lock-free spare.</b> A task that requests a buffer, fills it and recycles it again and
 * again (the common case) would take the lock twice per buffer. Instead a recycled buffer without
 * a subpartition may be parked in one atomic slot, {@code spare}, and a request without a
 * subpartition takes it from there, with one atomic operation each and no lock. The spare is an
 * extra free buffer that the locked state does not count, which keeps the locked logic exact:
 *
 * <ul>
 *   <li>Parking is allowed only while {@code fastRecycle} is set: the pool is available (so
 *       nobody waits for a buffer), has no listeners, no overdraft, is within its size, and is not
 *       destroyed. Under these conditions the free list is non-empty, so taking the spare never
 *       makes an available pool empty, and parking never needs to wake anyone.
 *   <li>Every locked operation that may change those conditions starts by clearing {@code
 *       fastRecycle} and then moving the spare into the free list, and ends by recomputing the
 *       flag. A recycler parks with a compare-and-set and then re-reads the flag; if it is clear,
 *       it takes the spare back (if still there) and recycles it under the lock. As both sides
 *       write one variable and then read the other (all volatile), at least one of them sees the
 *       other: a parked buffer is never stranded while the lock holder believes the pool empty.
 * </ul>
 */
final class LocalBufferPool implements BufferPool {

  private static final VarHandle SPARE = VarHandles.field(MethodHandles.lookup(), "spare", Buffer.class);

  private final NetworkBufferPool global;
  private final int required;
  private final int max;
  private final int maxBuffersPerSubpartition;
  private final int maxOverdraftBuffers;

  /** An idle buffer outside the locked state, or null: see "The lock-free spare" above. */
  @SuppressWarnings("unused") // accessed through SPARE
  private volatile Buffer spare;
  /** Whether a recycled buffer may be parked in the spare; written under the lock only. */
  private volatile boolean fastRecycle;

  private final Object lock = new Object();
  private final ArrayDeque<Buffer> free = new ArrayDeque<>();
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
  }

  // ---------------------------------------------------------------- requests

  @Override
  public Buffer requestBuffer() {
    return requestBuffer(NO_SUBPARTITION);
  }

  @Override
  public Buffer requestBuffer(int subpartition) {
    if (subpartition == NO_SUBPARTITION) {
      Buffer parked = (Buffer) SPARE.getAcquire(this);
      if (parked != null && SPARE.compareAndSet(this, parked, null)) {
        return parked.lease(NO_SUBPARTITION);
      }
    }
    Buffer idle = requestIdle(checkSubpartition(subpartition));
    return idle == null ? null : idle.lease(subpartition);
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
    return buffer == null ? null : buffer.pooledBuilder();
  }

  @Override
  public BufferBuilder requestBufferBuilderBlocking(int subpartition) throws InterruptedException {
    return requestBufferBlocking(subpartition).pooledBuilder();
  }

  private Buffer requestIdle(int subpartition) {
    Buffer idle;
    CompletableFuture<Void> toComplete;
    synchronized (lock) {
      if (destroyed) {
        throw new IllegalStateException("buffer pool is destroyed: " + this);
      }
      closeFastPathLocked();
      if (free.isEmpty()) {
        fetchFromGlobal();
      }
      idle = free.poll();
      if (idle == null && requested >= poolSize) {
        idle = requestOverdraft();
      }
      if (idle != null && subpartition != NO_SUBPARTITION
          && ++subpartitionBuffers[subpartition] == maxBuffersPerSubpartition) {
        unavailableSubpartitions++;
      }
      toComplete = updateAvailability();
      openFastPathLocked();
    }
    complete(toComplete);
    return idle;
  }

  private Buffer requestOverdraft() {
    if (overdraft >= maxOverdraftBuffers) {
      return null;
    }
    MemorySegment segment = global.requestSegment();
    if (segment == null) {
      return null;
    }
    overdraft++;
    return Buffer.pooled(segment, this);
  }

  // ---------------------------------------------------------------- recycling

  /** Called by a buffer of this pool whose count reached zero, on the releasing thread. */
  void recycle(Buffer buffer) {
    if (buffer.subpartition() == NO_SUBPARTITION && fastRecycle
        && SPARE.compareAndSet(this, null, buffer)) {
      if (fastRecycle) {
        return;
      }
      Buffer parked = (Buffer) SPARE.getAndSet(this, null); // the lock holder closed the fast path
      if (parked == null) {
        return; // a request or the lock holder took it
      }
      buffer = parked;
    }
    recycleLocked(buffer);
  }

  private void recycleLocked(Buffer buffer) {
    boolean toGlobal;
    boolean serveListeners;
    CompletableFuture<Void> toComplete;
    synchronized (lock) {
      closeFastPathLocked();
      int subpartition = buffer.subpartition();
      if (subpartition != NO_SUBPARTITION
          && subpartitionBuffers[subpartition]-- == maxBuffersPerSubpartition) {
        unavailableSubpartitions--;
      }
      toGlobal = giveBackLocked();
      if (!toGlobal) {
        free.push(buffer);
      }
      serveListeners = !listeners.isEmpty();
      toComplete = updateAvailability();
      openFastPathLocked();
    }
    if (toGlobal) {
      global.recycle(buffer.pooledSegment());
    }
    complete(toComplete);
    if (serveListeners) {
      serveListeners();
    }
  }

  /** Under the lock: stops parking and moves a parked buffer into the free list. */
  private void closeFastPathLocked() {
    fastRecycle = false;
    Buffer parked = (Buffer) SPARE.getAndSet(this, null);
    if (parked != null) {
      free.push(parked);
    }
  }

  /** Under the lock, at the end of a locked operation: whether parking is allowed now. */
  private void openFastPathLocked() {
    fastRecycle = !destroyed && overdraft == 0 && requested <= poolSize && listeners.isEmpty()
        && unavailableSubpartitions == 0 && !free.isEmpty() && availability.isDone();
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
        free.push(Buffer.pooled(segment, this));
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
      closeFastPathLocked();
      if (wasWaiting) {
        waitingForGlobal = false;
      }
      toComplete = updateAvailability();
      serveListeners = !listeners.isEmpty();
      openFastPathLocked();
    }
    complete(toComplete);
    if (serveListeners) {
      serveListeners();
    }
  }

  /** Under factoryLock: sets the size; free segments above it go to {@code excess}. */
  void setPoolSize(int newSize, List<MemorySegment> excess) {
    synchronized (lock) {
      closeFastPathLocked();
      poolSize = Math.min(newSize, max);
      while (overdraft > 0 && requested < poolSize) {
        overdraft--;
        requested++;
      }
      while (requested > poolSize && !free.isEmpty()) {
        excess.add(free.pollLast().pooledSegment());
        requested--;
      }
      openFastPathLocked();
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
      closeFastPathLocked();
      boolean register = !destroyed && free.isEmpty();
      if (register) {
        listeners.add(listener);
      }
      openFastPathLocked();
      return register;
    }
  }

  /** Hands free segments to waiting listeners, one at a time, calling each outside the lock. */
  private void serveListeners() {
    while (true) {
      BufferListener listener;
      Buffer buffer;
      CompletableFuture<Void> toComplete;
      synchronized (lock) {
        closeFastPathLocked();
        boolean serve = !destroyed && !listeners.isEmpty() && !free.isEmpty();
        listener = serve ? listeners.poll() : null;
        buffer = serve ? free.poll().lease(NO_SUBPARTITION) : null;
        toComplete = serve ? updateAvailability() : null;
        openFastPathLocked();
      }
      if (listener == null) {
        return;
      }
      complete(toComplete);
      notifyListener(listener, buffer);
    }
  }

  private void notifyListener(BufferListener listener, Buffer buffer) {
    boolean wantsMore;
    int lease = buffer.leaseNumber();
    try {
      wantsMore = listener.notifyBufferAvailable(buffer);
    } catch (RuntimeException | Error e) {
      if (buffer.leaseNumber() == lease && !buffer.isRecycled()) {
        buffer.release(); // the listener failed before taking it over
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
      closeFastPathLocked();
      destroyedNow = destroyed;
      if (!destroyed) {
        listeners.add(listener);
      }
      openFastPathLocked();
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
      closeFastPathLocked();
      destroyed = true;
      toReturn = new ArrayList<>(free.size());
      for (Buffer idle : free) {
        toReturn.add(idle.pooledSegment());
      }
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
      return free.size() + (spare != null ? 1 : 0);
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
          + ", requested=" + requested + ", free=" + (free.size() + (spare != null ? 1 : 0))
          + ", overdraft=" + overdraft
          + (destroyed ? ", destroyed" : "") + "]";
    }
  }
}
