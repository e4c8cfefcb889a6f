package io.celestialflow.dashboard.internal;

import com.google.gson.JsonElement;
import io.celestialflow.dashboard.history.FailureEntry;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What the dashboard can do to a run: feed it tasks, retry failures, close its inputs, cancel it. A
 * run in this JVM is controlled directly; a run reported from another JVM receives the commands
 * with its reporter's next exchange.
 */
interface RunControl {
  /**
   * Checks and injects tasks into a stage: all of them or, when one does not fit, none.
   *
   * @param stage the stage
   * @param tasks the tasks as JSON
   * @return a message describing what happened
   * @throws ApiException with the reason when a task does not fit or the run takes no tasks
   */
  String inject(String stage, List<JsonElement> tasks);

  /**
   * Injects the tasks of failures again, each into the stage where it failed.
   *
   * @param failures the failures
   * @return a message describing what happened
   * @throws ApiException when the run takes no tasks
   */
  String retry(List<FailureEntry> failures);

  /**
   * Closes the inputs of the run, or of one stage.
   *
   * @param stage the stage, or null for the whole run
   * @return a message describing what happened
   */
  String closeInputs(@Nullable String stage);

  /**
   * Cancels the run.
   *
   * @return a message describing what happened
   */
  String cancel();

  /**
   * The task of a failure as JSON for the injection editor.
   *
   * @param failure the failure
   * @return the JSON, or null when it cannot be written
   */
  @Nullable String taskJson(FailureEntry failure);
}
