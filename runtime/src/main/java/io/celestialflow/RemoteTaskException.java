package io.celestialflow;

import java.io.Serial;
import org.jspecify.annotations.Nullable;

/**
 * Stands for an exception thrown by a task in a {@link ExecutionMode#PROCESS worker process} that
 * could not travel back as itself (it, or one of its fields, is not serialisable). It keeps the
 * original class name, message and stack trace, and a stand-in for each cause.
 *
 * <p>Exceptions that can be serialised arrive as themselves, so a {@link RetryPolicy} on their type
 * works as in any other mode; a retry policy cannot match the type of an exception that arrives as
 * this stand-in.
 */
public class RemoteTaskException extends RuntimeException {
  @Serial private static final long serialVersionUID = 1L;

  private final String remoteType;

  /**
   * A stand-in.
   *
   * @param remoteType the fully qualified class name of the original exception
   * @param message the original message, if any
   * @param cause a stand-in for the original cause, if any
   */
  public RemoteTaskException(
      String remoteType, @Nullable String message, @Nullable Throwable cause) {
    super(remoteType + (message == null ? "" : ": " + message), cause);
    this.remoteType = remoteType;
  }

  /**
   * The class name of the exception thrown in the worker.
   *
   * @return the fully qualified name
   */
  public String remoteType() {
    return remoteType;
  }
}
