package io.memflow.runtime;

import io.memflow.config.memory.TaskManagerMemorySpec;
import io.memflow.io.FileOpener;
import io.memflow.io.SpillCompression;
import io.memflow.io.SpillManager;
import io.memflow.managed.MemoryManager;
import io.memflow.memory.MemorySegments;
import io.memflow.network.NetworkBufferPool;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A TaskManager in this process, sized by a memory plan as Flink sizes one: the plan's managed
 * memory split evenly into one {@link MemoryManager} per slot, its network memory as a {@link
 * NetworkBufferPool} of {@code network / pageSize} buffers, and a {@link SpillManager} over the
 * temp directories. It runs {@link Job}s one at a time with {@link #execute}.
 *
 * <p><b>Ownership.</b> The task manager owns its pools and closes them in {@link #close()}, which
 * throws if anything is still outstanding. After every job, normal or failed, everything the job
 * took is back (checked, and reported in {@link JobResult#leaks()}).
 *
 * <p><b>Threads.</b> {@code execute} runs one job at a time (callers are serialized); each
 * subtask runs on a thread of its own.
 */
public final class LocalTaskManager implements AutoCloseable {

  private final TaskManagerMemorySpec plan;
  private final List<MemoryManager> slots;
  private final NetworkBufferPool network;
  private final SpillManager spillManager;
  private boolean closed;

  private LocalTaskManager(Builder builder) {
    this.plan = builder.plan;
    int slotCount = plan.numSlots();
    long perSlot = plan.managed().bytes() / slotCount;
    List<MemoryManager> managers = new ArrayList<>();
    for (int i = 0; i < slotCount; i++) {
      managers.add(MemoryManager.builder().budget(perSlot - perSlot % builder.pageSize)
          .pageSize(builder.pageSize).build());
    }
    this.slots = List.copyOf(managers);
    int buffers = (int) Math.min(Integer.MAX_VALUE, plan.network().bytes() / builder.pageSize);
    this.network = NetworkBufferPool.create(buffers, builder.pageSize);
    SpillManager.Builder spill = SpillManager.builder().compression(builder.compression).fileOpener(builder.opener);
    if (!builder.tempDirectories.isEmpty()) {
      spill.tempDirectories(builder.tempDirectories);
    }
    this.spillManager = spill.build();
  }

  /** A builder for a task manager sized by {@code plan} (from the memory planner). */
  public static Builder builder(TaskManagerMemorySpec plan) {
    return new Builder(plan);
  }

  /** Runs {@code job} to its end without progress reports. */
  public JobResult execute(Job job) throws JobFailedException {
    return execute(job, null, Duration.ofSeconds(1));
  }

  /**
   * Runs {@code job} to its end, calling {@code listener} every {@code interval} on this thread.
   *
   * @throws JobFailedException if a task failed (its cause is the first failure); everything was
   *     released
   * @throws IllegalArgumentException if the job needs more slots than there are
   * @throws io.memflow.network.InsufficientNetworkBuffersException if the network memory cannot
   *     hold the job's exchanges (the message says how much would)
   */
  public synchronized JobResult execute(Job job, JobProgress.Listener listener, Duration interval)
      throws JobFailedException {
    if (closed) {
      throw new IllegalStateException("the task manager is closed");
    }
    return new JobExecution(this, job).run(listener, interval.toNanos());
  }

  /** The memory plan the task manager was sized by. */
  public TaskManagerMemorySpec plan() {
    return plan;
  }

  /** The number of slots. */
  public int slots() {
    return slots.size();
  }

  /** The memory manager of slot {@code slot}. */
  public MemoryManager memoryManager(int slot) {
    return slots.get(slot);
  }

  /** The network buffer pool. */
  public NetworkBufferPool networkBufferPool() {
    return network;
  }

  /** The spill manager. */
  public SpillManager spillManager() {
    return spillManager;
  }

  /**
   * Releases the pools. Idempotent.
   *
   * @throws IllegalStateException if a slot still holds managed memory (a leak), after releasing
   *     everything else
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    RuntimeException failure = null;
    for (MemoryManager slot : slots) {
      try {
        slot.close();
      } catch (RuntimeException e) {
        failure = failure == null ? e : failure;
      }
    }
    network.destroy();
    spillManager.close();
    if (failure != null) {
      throw failure;
    }
  }

  /** Builds a {@link LocalTaskManager}. Not thread-safe. */
  public static final class Builder {

    private final TaskManagerMemorySpec plan;
    private int pageSize = MemorySegments.DEFAULT_PAGE_SIZE;
    private List<Path> tempDirectories = List.of();
    private SpillCompression compression = SpillCompression.NONE;
    private FileOpener opener = FileOpener.DEFAULT;

    private Builder(TaskManagerMemorySpec plan) {
      this.plan = Objects.requireNonNull(plan, "plan");
    }

    /** The page and network buffer size ({@code taskmanager.memory.segment-size}); 32 KiB by default. */
    public Builder pageSize(int bytes) {
      this.pageSize = MemorySegments.checkPageSize(bytes);
      return this;
    }

    /** Where to spill; {@code java.io.tmpdir} by default. */
    public Builder tempDirectories(List<Path> directories) {
      this.tempDirectories = List.copyOf(directories);
      return this;
    }

    /** Compression of spill files; none by default. */
    public Builder compression(SpillCompression compression) {
      this.compression = Objects.requireNonNull(compression, "compression");
      return this;
    }

    /** How spill files are opened: the seam for custom channels and fault injection. */
    public Builder fileOpener(FileOpener opener) {
      this.opener = Objects.requireNonNull(opener, "opener");
      return this;
    }

    /** Creates the pools. */
    public LocalTaskManager build() {
      return new LocalTaskManager(this);
    }
  }
}
