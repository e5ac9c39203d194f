package io.memflow.managed;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * The shared resources of one manager, one slot per type. A slot creates its resource with the
 * first lease (reserving its memory under the slot's own name as owner), counts leases, and
 * disposes the resource and releases the reservation when the last lease closes. Thread-safe: each
 * slot is guarded by its monitor, so concurrent first leases wait for one initialisation.
 */
final class SharedResources {

  private final ConcurrentHashMap<String, Slot> slots = new ConcurrentHashMap<>();
  private final Function<String, Slot> newSlot;

  SharedResources(DefaultMemoryManager manager) {
    this.newSlot = type -> new Slot(type, manager);
  }

  <T> SharedResource<T> lease(String type, long bytes, SharedResource.Initializer<T> initializer)
      throws Exception {
    Slot slot = slots.computeIfAbsent(type, newSlot);
    synchronized (slot) {
      if (slot.leases == 0) {
        slot.create(bytes, initializer);
      }
      slot.leases++;
      return new Lease<>(slot, slot.size);
    }
  }

  /** The reservation owner and the state of one type; its name appears in leak reports. */
  private static final class Slot {
    final String type;
    final DefaultMemoryManager manager;
    int leases;
    Object resource;
    long size;
    SharedResource.Initializer<?> initializer;

    Slot(String type, DefaultMemoryManager manager) {
      this.type = type;
      this.manager = manager;
    }

    <T> void create(long bytes, SharedResource.Initializer<T> init) throws Exception {
      manager.reserveMemory(this, bytes);
      try {
        resource = init.initialize(bytes);
      } catch (Throwable t) {
        manager.releaseAllMemory(this);
        throw t;
      }
      this.initializer = init;
      this.size = bytes;
    }

    /** Called with the monitor held by the last lease. */
    void dispose() {
      Object disposed = resource;
      SharedResource.Initializer<?> init = initializer;
      resource = null;
      initializer = null;
      try {
        disposeWith(init, disposed);
      } catch (RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new IllegalStateException("disposing " + this + " failed", e);
      } finally {
        manager.releaseAllMemory(this);
      }
    }

    @SuppressWarnings("unchecked") // the initializer created this very resource
    private static <T> void disposeWith(SharedResource.Initializer<T> init, Object resource)
        throws Exception {
      init.dispose((T) resource);
    }

    @Override
    public String toString() {
      return "shared resource '" + type + "' (" + leases + " leases)";
    }
  }

  private static final class Lease<T> implements SharedResource<T> {
    private final Slot slot;
    private final long size;
    private final AtomicBoolean closed = new AtomicBoolean();

    Lease(Slot slot, long size) {
      this.slot = slot;
      this.size = size;
    }

    @Override
    @SuppressWarnings("unchecked") // callers of one type agree on its resource type
    public T resource() {
      if (closed.get()) {
        throw new IllegalStateException("lease on " + slot + " is closed");
      }
      synchronized (slot) {
        return (T) slot.resource;
      }
    }

    @Override
    public long size() {
      return size;
    }

    @Override
    public void close() {
      if (!closed.compareAndSet(false, true)) {
        return;
      }
      synchronized (slot) {
        if (--slot.leases == 0) {
          slot.dispose();
        }
      }
    }

    @Override
    public String toString() {
      return "lease on " + slot;
    }
  }
}
