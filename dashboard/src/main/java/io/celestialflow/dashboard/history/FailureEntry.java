package io.celestialflow.dashboard.history;

import io.celestialflow.TaskFailure;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One failure as the dashboard lists it: a number unique within the run and increasing in the order
 * failures were recorded (1, 2, 3, ... in memory; the store's failure id with a run store), the
 * failure itself, and the task as JSON when it is known as such (a failure reported from another
 * JVM, or read from a store).
 *
 * @param id the failure's number within its run, at least 1
 * @param failure the failure
 * @param taskJson the task as JSON, if it arrived as JSON; otherwise the dashboard encodes {@link
 *     TaskFailure#task()} when asked
 */
public record FailureEntry(long id, TaskFailure failure, @Nullable String taskJson) {
  /**
   * Checks the fields.
   *
   * @param id the failure's number, at least 1
   * @param failure the failure
   * @param taskJson the task as JSON, or null
   */
  public FailureEntry {
    if (id < 1) {
      throw new IllegalArgumentException("failure ids start at 1, was " + id);
    }
    Objects.requireNonNull(failure, "failure");
  }
}
