package io.celestialflow;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Objects;

/**
 * An input source (an {@link java.util.Iterator}, {@link Iterable} or {@link
 * java.util.stream.Stream} given to a run) threw while it was being read. The tasks it had produced
 * before are processed as usual; the rest of the source is not read.
 *
 * @param stage the stage the source was feeding
 * @param tasksRead how many tasks the source produced before it failed
 * @param exceptionType the fully qualified class name of the exception
 * @param message the exception's message (empty if none)
 * @param stackTrace the exception's stack trace
 */
public record InputFailure(
    String stage, long tasksRead, String exceptionType, String message, String stackTrace) {

  /**
   * Validates the record.
   *
   * @param stage the stage
   * @param tasksRead tasks read before the failure
   * @param exceptionType the exception class name
   * @param message the message
   * @param stackTrace the stack trace
   */
  public InputFailure {
    Objects.requireNonNull(stage, "stage");
    Objects.requireNonNull(exceptionType, "exceptionType");
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(stackTrace, "stackTrace");
  }

  /** A source produced a null element after {@code tasksRead} tasks: it is skipped. */
  static InputFailure nullTask(String stage, long tasksRead) {
    return of(
        stage,
        tasksRead,
        new NullPointerException(
            "input source produced a null task after "
                + tasksRead
                + " tasks; tasks must not be null (it was skipped)"));
  }

  static InputFailure of(String stage, long tasksRead, Throwable error) {
    StringWriter trace = new StringWriter();
    error.printStackTrace(new PrintWriter(trace));
    String message = error.getMessage();
    return new InputFailure(
        stage,
        tasksRead,
        error.getClass().getName(),
        message == null ? "" : message,
        trace.toString());
  }
}
