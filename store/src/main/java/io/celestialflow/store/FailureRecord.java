package io.celestialflow.store;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One stored failure, without its stack trace (ask {@link RunStore#stackTrace(long)} for it).
 *
 * @param id the failure's id in the store, increasing in the order failures were recorded
 * @param runId the run
 * @param stage the stage whose function failed
 * @param taskId the task's id when the run tracked lineage, else 0
 * @param task the task, as JSON or — when it could not be encoded — as text with a note
 * @param exceptionTypes the exception's class name and its superclasses', most specific first
 * @param message the exception's message (empty if none)
 * @param attempts how many attempts were made
 * @param failedAt when the last attempt failed
 */
public record FailureRecord(
    long id,
    String runId,
    String stage,
    long taskId,
    StoredTask task,
    List<String> exceptionTypes,
    String message,
    int attempts,
    Instant failedAt) {
  /**
   * Checks the fields.
   *
   * @param id the id
   * @param runId the run
   * @param stage the stage
   * @param taskId the task id
   * @param task the task
   * @param exceptionTypes the types
   * @param message the message
   * @param attempts attempts
   * @param failedAt the time
   */
  public FailureRecord {
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(stage, "stage");
    Objects.requireNonNull(task, "task");
    exceptionTypes = List.copyOf(exceptionTypes);
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(failedAt, "failedAt");
  }

  /**
   * The exception's own class name.
   *
   * @return the most specific type
   */
  public String exceptionType() {
    return exceptionTypes.isEmpty() ? "" : exceptionTypes.get(0);
  }
}
