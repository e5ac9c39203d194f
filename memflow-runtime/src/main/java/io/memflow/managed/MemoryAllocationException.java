package io.memflow.managed;

/**
 * A request for managed memory that the {@link MemoryManager} could not serve: the budget was
 * short under {@link AllocationPolicy#FAIL}, the wait timed out or was interrupted under {@link
 * AllocationPolicy#FIFO_WAIT}, reclaiming did not free enough, or the request exceeds the whole
 * budget. The message and the accessors carry the request, the free budget and the owner's
 * holdings at the time of the failure. Nothing was allocated or reserved for the request.
 */
public final class MemoryAllocationException extends Exception {

  private static final long serialVersionUID = 1L;

  private final long requestedBytes;
  private final long availableBytes;
  private final long ownerUsedBytes;
  private final long ownerReservedBytes;

  MemoryAllocationException(
      String reason,
      Object owner,
      long requestedBytes,
      long availableBytes,
      long budgetBytes,
      long ownerUsedBytes,
      long ownerReservedBytes,
      Throwable cause) {
    super(
        reason
            + ": requested="
            + requestedBytes
            + " available="
            + availableBytes
            + " budget="
            + budgetBytes
            + " owner="
            + owner
            + " holds used="
            + ownerUsedBytes
            + " reserved="
            + ownerReservedBytes
            + " (bytes)",
        cause);
    this.requestedBytes = requestedBytes;
    this.availableBytes = availableBytes;
    this.ownerUsedBytes = ownerUsedBytes;
    this.ownerReservedBytes = ownerReservedBytes;
  }

  /** The bytes the failed request asked for (pages times page size, or the reservation). */
  public long requestedBytes() {
    return requestedBytes;
  }

  /** The free budget, in bytes, when the request failed. */
  public long availableBytes() {
    return availableBytes;
  }

  /** The bytes of pages the owner held when the request failed. */
  public long ownerUsedBytes() {
    return ownerUsedBytes;
  }

  /** The bytes the owner had reserved when the request failed. */
  public long ownerReservedBytes() {
    return ownerReservedBytes;
  }
}
