package io.memflow.runtime;

import io.memflow.io.SpillManager;
import io.memflow.managed.MemoryManager;

/**
 * What a subtask may use: its slot's {@link MemoryManager} (with its share of the managed memory),
 * the task manager's {@link SpillManager}, and its place in the stage.
 *
 * <p>Created by the runtime for one subtask and used by that subtask's thread; the memory manager
 * and spill manager are thread-safe and owned by the task manager, the memory the operator takes
 * from them is the operator's to return.
 */
public final class TaskContext {

  private final String stageName;
  private final int subtask;
  private final int parallelism;
  private final int slot;
  private final MemoryManager memoryManager;
  private final long managedMemoryBytes;
  private final SpillManager spillManager;
  private final TaskOwner owner;
  private final SlotRelease slotRelease;

  /** Waits until the other memory users of the slot have given their memory back. */
  @FunctionalInterface
  interface SlotRelease {
    void await() throws InterruptedException;
  }

  /**
   * A subtask's context; with {@code slotRelease} not null, the subtask spools its input ({@link
   * #spoolsInput()}) and its share is the slot's memory once {@code slotRelease} returned.
   */
  TaskContext(String stageName, int subtask, int parallelism, int slot, MemoryManager memoryManager,
      long managedMemoryBytes, SpillManager spillManager, SlotRelease slotRelease) {
    this.stageName = stageName;
    this.subtask = subtask;
    this.parallelism = parallelism;
    this.slot = slot;
    this.memoryManager = memoryManager;
    this.managedMemoryBytes = managedMemoryBytes;
    this.spillManager = spillManager;
    this.owner = new TaskOwner(stageName + "#" + subtask);
    this.slotRelease = slotRelease;
  }

  /** The name of the stage. */
  public String stageName() {
    return stageName;
  }

  /** This subtask's index, from 0 to {@code parallelism() - 1}. */
  public int subtask() {
    return subtask;
  }

  /** The stage's parallelism. */
  public int parallelism() {
    return parallelism;
  }

  /** The slot the subtask runs in. */
  public int slot() {
    return slot;
  }

  /** The slot's memory manager; allocate as {@link #owner()}. */
  public MemoryManager memoryManager() {
    return memoryManager;
  }

  /** The managed memory this subtask may take: its share of the slot, 0 if its stage uses none. */
  public long managedMemoryBytes() {
    return managedMemoryBytes;
  }

  /** Where operators spill; files are deleted by their owners (and by the task manager at close). */
  public SpillManager spillManager() {
    return spillManager;
  }

  /**
   * Whether the subtask is to spool its input to disk and take its memory only after {@link
   * #awaitSlotMemory()}: every other memory user of its slot is one of its producers, which give
   * their memory back once its input has ended (see {@code SortOperator}).
   */
  boolean spoolsInput() {
    return slotRelease != null;
  }

  /**
   * Waits until every other memory user of the slot has closed and released its memory; for a
   * subtask that {@link #spoolsInput()}, after its input ended. Interrupted when the job fails.
   */
  void awaitSlotMemory() throws InterruptedException {
    if (slotRelease != null) {
      slotRelease.await();
    }
  }

  /** The owner under which the subtask's pages and reservations are accounted. */
  public Object owner() {
    return owner;
  }

  /** An owner with a readable name for metrics and leak reports; equal only to itself. */
  static final class TaskOwner {
    private final String name;

    TaskOwner(String name) {
      this.name = name;
    }

    @Override
    public String toString() {
      return name;
    }
  }
}
