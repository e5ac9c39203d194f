package io.memflow.runtime;

/**
 * A job cannot run at all in the task manager's managed memory: some subtask's share of its slot
 * is below the fewest pages its operator needs. The message names the stage, the share and the
 * smallest managed memory that would run the job; {@link #minimumManagedBytes()} gives the number.
 */
public final class InsufficientManagedMemoryException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  private final long minimumManagedBytes;

  InsufficientManagedMemoryException(String message, long minimumManagedBytes) {
    super(message);
    this.minimumManagedBytes = minimumManagedBytes;
  }

  /** The smallest total managed memory (all slots) with which the job would run. */
  public long minimumManagedBytes() {
    return minimumManagedBytes;
  }
}
