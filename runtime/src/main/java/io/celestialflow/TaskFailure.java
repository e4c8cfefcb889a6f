package io.celestialflow;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.Objects;

/**
 * One task that failed for good: its stage, the task itself, what went wrong and after how many
 * attempts. Failure is data: it is recorded here and in the stage's {@code failed} count, and the
 * run goes on.
 *
 * @param stage the name of the stage whose function failed
 * @param task the task that failed
 * @param exceptionType the fully qualified class name of the exception
 * @param message the exception's message (empty if it had none)
 * @param stackTrace the exception's stack trace, causes included
 * @param attempts how many times the task was attempted
 * @param failedAt when the last attempt failed
 */
public record TaskFailure(
    String stage,
    Object task,
    String exceptionType,
    String message,
    String stackTrace,
    int attempts,
    Instant failedAt) {

  /**
   * Validates the record.
   *
   * @param stage the stage
   * @param task the task
   * @param exceptionType the exception class name
   * @param message the message
   * @param stackTrace the stack trace
   * @param attempts the attempts
   * @param failedAt the time
   */
  public TaskFailure {
    Objects.requireNonNull(stage, "stage");
    Objects.requireNonNull(task, "task");
    Objects.requireNonNull(exceptionType, "exceptionType");
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(stackTrace, "stackTrace");
    Objects.requireNonNull(failedAt, "failedAt");
  }

  /**
   * Builds a failure record from an exception.
   *
   * @param stage the stage
   * @param task the task
   * @param error the exception
   * @param attempts how many attempts were made
   * @return the record
   */
  public static TaskFailure of(String stage, Object task, Throwable error, int attempts) {
    StringWriter trace = new StringWriter();
    error.printStackTrace(new PrintWriter(trace));
    String message = error.getMessage();
    return new TaskFailure(
        stage,
        task,
        error.getClass().getName(),
        message == null ? "" : message,
        trace.toString(),
        attempts,
        Instant.now());
  }

  /**
   * Whether the failure was caused by an exception of the given type (or a subtype).
   *
   * @param type the exception type
   * @return true if {@link #exceptionType()} names {@code type} or a subclass of it
   */
  public boolean isA(Class<? extends Throwable> type) {
    try {
      return type.isAssignableFrom(Class.forName(exceptionType, false, type.getClassLoader()));
    } catch (ClassNotFoundException | LinkageError e) {
      return type.getName().equals(exceptionType);
    }
  }

  /** A one-line summary: stage, task, exception type and message, attempts. */
  @Override
  public String toString() {
    return "TaskFailure[stage="
        + stage
        + ", task="
        + task
        + ", "
        + exceptionType
        + (message.isEmpty() ? "" : ": " + message)
        + ", attempts="
        + attempts
        + "]";
  }
}
