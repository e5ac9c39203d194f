package io.memflow.managed;

/**
 * A lease on a resource shared by the consumers of one {@link MemoryManager} (one slot), such as
 * a native state store's block cache, from {@link MemoryManager#getSharedResource}. The resource
 * is created once per manager and type, with a reservation of managed memory, and is disposed and
 * un-reserved when the last lease closes.
 *
 * <p><b>Ownership and threads.</b> Whoever acquired the lease closes it, exactly once in effect:
 * {@link #close()} is idempotent per lease. Leases are thread-safe; the resource itself is as
 * thread-safe as its type says.
 *
 * @param <T> the type of the resource
 */
public interface SharedResource<T> extends AutoCloseable {

  /**
   * The shared resource.
   *
   * @throws IllegalStateException if this lease is closed
   */
  T resource();

  /** The bytes of managed memory reserved for the resource. */
  long size();

  /**
   * Ends this lease. The last lease to close disposes the resource (see {@link
   * Initializer#dispose}) and releases its reservation; a failing disposal still releases the
   * reservation and is then rethrown, wrapped in an {@link IllegalStateException} if checked.
   */
  @Override
  void close();

  /**
   * Creates and disposes a shared resource; called at most once per creation, under the lock of
   * the resource's type, so concurrent first leases wait for one initialisation.
   *
   * @param <T> the type of the resource
   */
  @FunctionalInterface
  interface Initializer<T> {

    /**
     * Creates the resource for {@code reservedBytes} bytes of managed memory. If it throws,
     * the reservation is released and the exception reaches the caller of {@code
     * getSharedResource}.
     */
    T initialize(long reservedBytes) throws Exception;

    /** Disposes the resource after the last lease closed; closes it if it is {@link AutoCloseable}. */
    default void dispose(T resource) throws Exception {
      if (resource instanceof AutoCloseable closeable) {
        closeable.close();
      }
    }
  }
}
