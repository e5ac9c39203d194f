package io.memflow.io;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One background I/O thread (daemon, named {@code memflow-io-<n>}) serving one temp directory:
 * it runs the queued block writes and reads of every writer and reader whose file lives there, in
 * submission order, so one file's blocks are written and read in sequence.
 *
 * <p><b>Hand-off.</b> A task is queued by its owner ({@link Transfer#submit}) and always ends by
 * giving its page back to that owner, whether it did its I/O, failed or was skipped. After {@link
 * #stop()} new tasks are skipped in the caller's thread, so no task is ever lost and no page
 * stays in flight; {@link #stop()} returns once every queued task has run and the thread ended.
 *
 * <p><b>Threads.</b> Thread-safe. Owned by the {@link SpillManager}, which stops it on close.
 */
final class IoThread {

  /** A queued unit of work; both methods must give the task's page back to its owner. */
  interface Task {
    void run(BlockCodec codec);

    void skip();
  }

  private static final AtomicInteger THREAD_NUMBERS = new AtomicInteger();
  private static final Task STOP = new Task() {
    @Override
    public void run(BlockCodec codec) {}

    @Override
    public void skip() {}
  };

  private final BlockingQueue<Task> queue = new LinkedBlockingQueue<>();
  private final BlockCodec codec = new BlockCodec();
  private final AtomicInteger unexpectedErrors;
  private final Thread thread;
  private boolean stopped; // guarded by queue

  IoThread(AtomicInteger unexpectedErrors) {
    this.unexpectedErrors = unexpectedErrors;
    this.thread = new Thread(this::loop, "memflow-io-" + THREAD_NUMBERS.incrementAndGet());
    thread.setDaemon(true);
    thread.start();
  }

  Thread thread() {
    return thread;
  }

  /** Queues {@code task}, or skips it at once if the thread is stopped. */
  void submit(Task task) {
    synchronized (queue) {
      if (!stopped) {
        queue.add(task);
        return;
      }
    }
    task.skip();
  }

  /** Runs what is queued, ends the thread and waits for it (uninterruptibly). */
  void stop() {
    synchronized (queue) {
      if (!stopped) {
        stopped = true;
        queue.add(STOP);
      }
    }
    boolean interrupted = false;
    while (thread.isAlive()) {
      try {
        thread.join();
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private void loop() {
    while (true) {
      Task task = takeUninterruptibly();
      if (task == STOP) {
        return;
      }
      try {
        task.run(codec);
      } catch (Throwable t) { // a task reports its own failures; anything else is a bug
        unexpectedErrors.incrementAndGet();
      }
    }
  }

  private Task takeUninterruptibly() {
    while (true) {
      try {
        return queue.take();
      } catch (InterruptedException e) {
        // nobody interrupts this thread on purpose; keep serving so no page stays in flight
      }
    }
  }
}
