package io.memflow.cli;

import java.io.Serial;

/**
 * A command could not finish for a reason outside the user's input (a failed disk, an operator's
 * error): exit code 1, with a message that says what happened and that nothing was left behind.
 */
final class CommandFailedException extends RuntimeException {
  @Serial private static final long serialVersionUID = 1L;

  CommandFailedException(String message, Throwable cause) {
    super(message, cause);
  }
}
