package io.memflow.cli;

import java.io.Serial;

/**
 * Bad input that the user can fix (an argument, a configuration value, a file). The CLI prints
 * its message as one paragraph, without a stack trace, and exits with code 2. The message must
 * name what is wrong and how to fix it.
 */
public final class UserInputException extends RuntimeException {
  @Serial private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what is wrong and how to fix it
   */
  public UserInputException(String message) {
    super(message);
  }

  /**
   * Creates the exception with the underlying cause (kept for logs, never shown to users).
   *
   * @param message what is wrong and how to fix it
   * @param cause the underlying failure
   */
  public UserInputException(String message, Throwable cause) {
    super(message, cause);
  }
}
