package io.memflow.runtime;

import io.memflow.managed.MemoryManager;
import io.memflow.network.InputGate;
import io.memflow.network.InsufficientNetworkBuffersException;
import io.memflow.network.NetworkBufferPool;
import io.memflow.network.ResultPartition;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One run of a {@link Job} on a {@link LocalTaskManager}.
 *
 * <p><b>Set-up.</b> Subtask {@code i} of every stage runs in slot {@code i % slots} (Flink's slot
 * sharing), so a slot holds at most one subtask per stage. The slot's managed memory is split
 * among its subtasks whose stage uses managed memory by their weights: they run at the same time
 * (a pipelined job), so each gets its share for its whole life. The exception is a sort whose
 * slot's other memory users all feed it: it spools its input and takes the whole slot after them
 * ({@link #createTasks()}). Every stage with a consumer gets one
 * {@link ResultPartition} per subtask with one subpartition per consumer subtask; every consumer
 * subtask gets one {@link InputGate} per input, reading its subpartition of every producer.
 *
 * <p><b>Failure.</b> The first task to fail records its cause and interrupts every other task
 * (waits for buffers, input and memory are interruptible); failures after that are consequences
 * and are dropped. The execution waits for every task thread, then closes all gates and
 * partitions, which returns every network buffer; tasks release their own managed memory.
 *
 * <p>Runs on the caller's thread, which also samples memory for the report and feeds the
 * progress listener. Not reusable.
 */
final class JobExecution {

  private static final long SAMPLE_MILLIS = 50;
  private static final long CANCEL_GRACE_MILLIS = 30_000;

  private final LocalTaskManager taskManager;
  private final Job job;
  private final List<Task> tasks = new ArrayList<>();
  private final List<ResultPartition> partitions = new ArrayList<>();
  private final List<InputGate> gates = new ArrayList<>();
  private final List<Thread> threads = new ArrayList<>();
  private final AtomicReference<Failure> failure = new AtomicReference<>();
  private final List<String> leaks = new CopyOnWriteArrayList<>();
  private final long[] slotPeaks;
  private int networkPeak;

  private record Failure(String task, Throwable cause) {}

  JobExecution(LocalTaskManager taskManager, Job job) {
    this.taskManager = taskManager;
    this.job = job;
    this.slotPeaks = new long[taskManager.slots()];
  }

  JobResult run(JobProgress.Listener listener, long intervalNanos) throws JobFailedException {
    checkSlots();
    long spilledBytes0 = taskManager.spillManager().bytesWritten();
    long spilledFiles0 = taskManager.spillManager().filesWritten();
    long[] gc0 = gcTotals();
    resetHeapPeaks();
    long start = System.nanoTime();
    try {
      createTasks();
      connect();
      startThreads();
      monitor(listener, intervalNanos, start, spilledBytes0, spilledFiles0);
    } finally {
      cancelAndJoin();
      gates.forEach(InputGate::close);
      partitions.forEach(ResultPartition::close);
    }
    long wall = System.nanoTime() - start;
    checkReleased();
    Failure failed = failure.get();
    if (failed != null) {
      throw new JobFailedException(job.name(), failed.task(), failed.cause());
    }
    long[] gc1 = gcTotals();
    if (listener != null) {
      listener.onProgress(progress(start, spilledBytes0, spilledFiles0));
    }
    return new JobResult(job.name(), wall, stageMetrics(start), slotMemory(), networkMemory(),
        heapPeak(), Runtime.getRuntime().maxMemory(),
        taskManager.spillManager().bytesWritten() - spilledBytes0,
        taskManager.spillManager().filesWritten() - spilledFiles0,
        gc1[0] - gc0[0], gc1[1] - gc0[1], leaks);
  }

  void taskFailed(Task task, Throwable cause) {
    if (failure.compareAndSet(null, new Failure(task.context().stageName() + "#" + task.context().subtask(), cause))) {
      threads.forEach(Thread::interrupt);
    }
  }

  void leaked(String what) {
    leaks.add(what);
  }

  // ---------------------------------------------------------------- set-up

  private void checkSlots() {
    int needed = job.maxParallelism();
    if (needed > taskManager.slots()) {
      throw new IllegalArgumentException("job '" + job.name() + "' has a stage of parallelism " + needed
          + " but the task manager has " + taskManager.slots() + " slots: lower the parallelism to "
          + taskManager.slots() + " or raise the slots (taskmanager.numberOfTaskSlots) to " + needed);
    }
  }

  /**
   * Creates a task per subtask with its managed-memory share: in each slot, every memory-using
   * subtask gets its stage's minimum pages, and the pages beyond the sum of the minimums are split
   * in proportion to the stages' weights ({@link Stage#managedWeight}).
   *
   * <p>A slot whose memory users are a sort and producers of that sort (an aggregation before the
   * sort of its groups, say) is split in time instead, as Flink splits a slot between pipelined
   * regions: the sort spools its input to disk ({@link SortOperator#spoolPages} pages) while the
   * producers share the rest, and takes the whole slot once they released theirs ({@link
   * TaskContext#spoolsInput()}). Only where this gives the sort more pages than its share.
   */
  private void createTasks() {
    int slots = taskManager.slots();
    long[] minimums = new long[slots]; // per slot, the sum of the minimum pages of its memory users
    for (Stage stage : job.stages()) {
      for (int i = 0; stage.usesManagedMemory() && i < stage.parallelism(); i++) {
        minimums[i % slots] += stage.minManagedPages();
      }
    }
    checkManagedMemory(minimums);
    Stage[] spooling = new Stage[slots];
    for (int s = 0; s < slots; s++) {
      spooling[s] = spoolingSort(s);
      if (spooling[s] != null && !spoolingPays(s, spooling[s])) {
        spooling[s] = null;
      }
    }
    for (Stage stage : job.stages()) {
      for (int i = 0; i < stage.parallelism(); i++) {
        int slot = i % slots;
        MemoryManager manager = taskManager.memoryManager(slot);
        boolean spools = spooling[slot] == stage;
        long share = !stage.usesManagedMemory() ? 0
            : spools ? manager.budget() : pages(stage, slot, spooling[slot]) * manager.pageSize();
        tasks.add(new Task(this, stage, new TaskContext(stage.name(), i, stage.parallelism(), slot,
            manager, share, taskManager.spillManager(), spools ? () -> awaitOthersReleased(slot, stage) : null)));
      }
    }
  }

  /**
   * The pages of {@code stage}'s memory-using subtask in {@code slot}: its minimum and its weight's
   * part of the rest, among the slot's other memory users except {@code spooling} (null: none),
   * which holds only its spool pages meanwhile.
   */
  private long pages(Stage stage, int slot, Stage spooling) {
    long reserved = 0;
    int weights = 0;
    for (Stage user : memoryUsingStages(slot)) {
      reserved += user == spooling ? spoolPages(user) : user.minManagedPages();
      weights += user == spooling ? 0 : user.managedWeight();
    }
    MemoryManager manager = taskManager.memoryManager(slot);
    long spare = manager.budget() / manager.pageSize() - reserved;
    return stage.minManagedPages() + spare * stage.managedWeight() / weights;
  }

  /** Whether the sort gets more pages spooling (the slot less the spool) than with its share. */
  private boolean spoolingPays(int slot, Stage sort) {
    MemoryManager manager = taskManager.memoryManager(slot);
    return manager.budget() / manager.pageSize() - spoolPages(sort) > pages(sort, slot, null);
  }

  /** The pages a spooling sort holds while its input arrives: two per input channel, four at least. */
  private static int spoolPages(Stage sort) {
    return SortOperator.spoolPages(SortOperator.channels(sort.inputs().getFirst()));
  }

  /**
   * The sort that may spool its input in {@code slot}: a stage that can ({@link
   * Stage#canSpoolInput}) whose slot's other memory users (at least one) are all its producers,
   * directly or further up; null if there is none.
   */
  private Stage spoolingSort(int slot) {
    List<Stage> users = memoryUsingStages(slot);
    for (Stage candidate : users) {
      if (candidate.canSpoolInput() && users.size() > 1
          && users.stream().allMatch(u -> u == candidate || producesFor(u, candidate))) {
        return candidate;
      }
    }
    return null;
  }

  /** The stages with a memory-using subtask in {@code slot}. */
  private List<Stage> memoryUsingStages(int slot) {
    return job.stages().stream().filter(s -> s.usesManagedMemory() && slot < s.parallelism()).toList();
  }

  /** Whether {@code producer}'s rows reach {@code consumer}, directly or through other stages. */
  private static boolean producesFor(Stage producer, Stage consumer) {
    for (Input input : consumer.inputs()) {
      if (input.stage() == producer || producesFor(producer, input.stage())) {
        return true;
      }
    }
    return false;
  }

  /** Waits until every memory-using subtask of {@code slot} but {@code spooling}'s has released its memory. */
  private void awaitOthersReleased(int slot, Stage spooling) throws InterruptedException {
    for (Task task : tasks) {
      if (task.context().slot() == slot && task.stage() != spooling && task.stage().usesManagedMemory()) {
        task.awaitReleased();
      }
    }
  }

  /**
   * Fails before anything starts if a slot's pages do not cover the minimums of its memory-using
   * subtasks, naming the smallest managed memory that runs the job.
   */
  private void checkManagedMemory(long[] minimums) {
    int slots = taskManager.slots();
    int pageSize = taskManager.memoryManager(0).pageSize();
    long minimum = slots * Arrays.stream(minimums).max().orElse(0) * pageSize;
    for (int s = 0; s < slots; s++) {
      MemoryManager manager = taskManager.memoryManager(s);
      if (manager.budget() / pageSize < minimums[s]) {
        throw new InsufficientManagedMemoryException("the managed memory is too small for job '" + job.name()
            + "': slot " + s + " has " + manager.budget() + " bytes but its memory-using subtasks (" + memoryUsers(s)
            + ") need at least " + minimums[s] + " pages of " + pageSize + " bytes together; the smallest managed"
            + " memory that runs this job is " + minimum + " bytes (" + (minimum + 1023) / 1024 + " KiB over "
            + slots + (slots == 1 ? " slot)" : " slots)"), minimum);
      }
    }
  }

  /** The memory-using stages with a subtask in slot {@code slot}, with their minimum pages. */
  private String memoryUsers(int slot) {
    StringBuilder users = new StringBuilder();
    for (Stage stage : job.stages()) {
      if (slot < stage.parallelism() && stage.usesManagedMemory()) {
        users.append(users.isEmpty() ? "" : ", ").append(stage.name()).append(' ').append(stage.minManagedPages());
      }
    }
    return users.toString();
  }

  /**
   * Creates the partitions of every producer, then the gates of every consumer; a chained input
   * gets neither: its producer's subtask i runs in the consumer's subtask i.
   */
  private void connect() {
    NetworkBufferPool network = taskManager.networkBufferPool();
    checkNetworkBuffers(network);
    for (Stage consumer : job.stages()) {
      List<Input> inputs = consumer.inputs();
      for (int i = 0; i < inputs.size(); i++) {
        Input input = inputs.get(i);
        if (input.isChained()) {
          chain(tasksOf(input.stage()), tasksOf(consumer), i);
        } else {
          exchange(network, input, consumer, i);
        }
      }
    }
  }

  private static void chain(List<Task> producers, List<Task> consumers, int input) {
    for (int s = 0; s < consumers.size(); s++) {
      consumers.get(s).setChained(input, producers.get(s));
    }
  }

  private void exchange(NetworkBufferPool network, Input input, Stage consumer, int inputIndex) {
    List<ResultPartition> produced = new ArrayList<>();
    for (Task producer : tasksOf(input.stage())) {
      ResultPartition partition = ResultPartition.create(network, consumer.parallelism());
      partitions.add(partition);
      produced.add(partition);
      producer.setOutput(partition, input);
    }
    for (Task task : tasksOf(consumer)) {
      InputGate gate = InputGate.create(network, task.context().subtask(), produced);
      gates.add(gate);
      task.setGate(inputIndex, gate);
    }
  }

  /** Fails before anything is created if the job's exchanges need more buffers than there are. */
  private void checkNetworkBuffers(NetworkBufferPool network) {
    int required = 0;
    for (Stage consumer : job.stages()) {
      for (Input input : consumer.inputs()) {
        if (input.isChained()) {
          continue;
        }
        required += input.stage().parallelism() * ResultPartition.requiredBuffers(consumer.parallelism());
        required += consumer.parallelism() * InputGate.requiredBuffers(input.stage().parallelism());
      }
    }
    if (required > network.numberOfFreeSegments()) {
      throw new InsufficientNetworkBuffersException(required, network.numberOfFreeSegments(),
          network.totalNumberOfSegments(), network.segmentSize());
    }
  }

  private List<Task> tasksOf(Stage stage) {
    return tasks.stream().filter(t -> t.stage() == stage).toList();
  }

  private void startThreads() {
    for (Task task : tasks) {
      if (task.isChainedProducer()) {
        continue; // runs in its consumer's thread
      }
      Thread thread = new Thread(task, "memflow-" + job.name() + "-" + task.chainName() + "#" + task.context().subtask());
      threads.add(thread);
    }
    threads.forEach(Thread::start);
  }

  // ---------------------------------------------------------------- running

  private void monitor(JobProgress.Listener listener, long intervalNanos, long start, long bytes0, long files0) {
    long nextReport = System.nanoTime() + intervalNanos;
    try {
      for (Thread thread : threads) {
        while (thread.isAlive()) {
          thread.join(SAMPLE_MILLIS);
          sample();
          if (listener != null && System.nanoTime() >= nextReport) {
            listener.onProgress(progress(start, bytes0, files0));
            nextReport = System.nanoTime() + intervalNanos;
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      taskFailed(tasks.getFirst(), new InterruptedException("the job's caller was interrupted"));
    }
  }

  private void sample() {
    for (int s = 0; s < slotPeaks.length; s++) {
      MemoryManager manager = taskManager.memoryManager(s);
      slotPeaks[s] = Math.max(slotPeaks[s], manager.budget() - manager.availableMemory());
    }
    NetworkBufferPool network = taskManager.networkBufferPool();
    networkPeak = Math.max(networkPeak, network.totalNumberOfSegments() - network.numberOfFreeSegments());
  }

  private void cancelAndJoin() {
    if (failure.get() != null || threads.stream().anyMatch(Thread::isAlive)) {
      if (failure.get() == null) {
        failure.compareAndSet(null, new Failure("set-up", new IllegalStateException("job set-up failed")));
      }
      threads.forEach(Thread::interrupt);
    }
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CANCEL_GRACE_MILLIS);
    boolean interrupted = false;
    for (Thread thread : threads) {
      while (thread.isAlive() && System.nanoTime() < deadline) {
        try {
          thread.join(SAMPLE_MILLIS);
          sample();
        } catch (InterruptedException e) {
          interrupted = true;
        }
        if (failure.get() != null) {
          thread.interrupt();
        }
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private void checkReleased() {
    NetworkBufferPool network = taskManager.networkBufferPool();
    if (network.numberOfFreeSegments() != network.totalNumberOfSegments()) {
      leaks.add((network.totalNumberOfSegments() - network.numberOfFreeSegments()) + " network buffers");
    }
    if (taskManager.spillManager().liveFiles() != 0) {
      leaks.add(taskManager.spillManager().liveFiles() + " spill files");
    }
    for (int s = 0; s < taskManager.slots(); s++) {
      if (!taskManager.memoryManager(s).verifyEmpty()) {
        leaks.add("managed memory of slot " + s + ": " + taskManager.memoryManager(s).metrics());
      }
    }
  }

  // ---------------------------------------------------------------- metrics

  private JobProgress progress(long start, long bytes0, long files0) {
    return new JobProgress(job.name(), System.nanoTime() - start, stageMetrics(start),
        taskManager.spillManager().bytesWritten() - bytes0,
        taskManager.spillManager().filesWritten() - files0);
  }

  private List<StageMetrics> stageMetrics(long jobStart) {
    long now = System.nanoTime();
    List<StageMetrics> out = new ArrayList<>();
    for (Stage stage : job.stages()) {
      long recordsIn = 0, bytesIn = 0, recordsOut = 0, bytesOut = 0, backpressure = 0;
      long first = Long.MAX_VALUE, last = 0;
      int finished = 0;
      for (Task task : tasksOf(stage)) {
        TaskMetrics m = task.metrics();
        recordsIn += m.recordsIn();
        bytesIn += m.bytesIn();
        recordsOut += m.recordsOut();
        bytesOut += m.bytesOut();
        backpressure += task.backpressureNanos();
        long s = m.startNanos();
        long e = m.endNanos();
        first = Math.min(first, s == 0 ? now : s);
        last = Math.max(last, e == 0 ? now : e);
        finished += e == 0 ? 0 : 1;
      }
      out.add(new StageMetrics(stage.name(), stage.parallelism(), finished, recordsIn, bytesIn,
          recordsOut, bytesOut, Math.max(0, last - first), backpressure));
    }
    return out;
  }

  private List<JobResult.SlotMemory> slotMemory() {
    List<JobResult.SlotMemory> out = new ArrayList<>();
    for (int s = 0; s < slotPeaks.length; s++) {
      out.add(new JobResult.SlotMemory(s, taskManager.memoryManager(s).budget(), slotPeaks[s]));
    }
    return out;
  }

  private JobResult.NetworkMemory networkMemory() {
    NetworkBufferPool network = taskManager.networkBufferPool();
    return new JobResult.NetworkMemory(network.totalNumberOfSegments(), network.segmentSize(), networkPeak);
  }

  private static long[] gcTotals() {
    long time = 0, count = 0;
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      time += Math.max(0, gc.getCollectionTime());
      count += Math.max(0, gc.getCollectionCount());
    }
    return new long[] {time, count};
  }

  private static void resetHeapPeaks() {
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        pool.resetPeakUsage();
      }
    }
  }

  private static long heapPeak() {
    long peak = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) {
        peak += pool.getPeakUsage().getUsed();
      }
    }
    return peak;
  }
}
