package io.memflow.runtime;

/**
 * A job failed: its {@link #getCause() cause} is the first failure of any task (the others were
 * cancelled); every page, buffer, reservation and spill file of the job was released before this
 * was thrown.
 */
public final class JobFailedException extends Exception {

  private static final long serialVersionUID = 1L;

  private final String job;
  private final String stage;

  JobFailedException(String job, String stage, Throwable cause) {
    super("job '" + job + "' failed in " + stage + ": " + cause, cause);
    this.job = job;
    this.stage = stage;
  }

  /** The job's name. */
  public String job() {
    return job;
  }

  /** The subtask that failed first, as {@code stage#index}. */
  public String stage() {
    return stage;
  }
}
