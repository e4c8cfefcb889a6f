package io.celestialflow.store;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A successful task as the store recorded it with its outputs ({@link RecordOptions#withResults}):
 * the original CelestialFlow's success pairs.
 *
 * @param stage the stage
 * @param taskId the task's id in its run (0 when the run did not track identity)
 * @param task the task as JSON (through the codecs), or its {@code toString()} when {@code note}
 *     says it could not be encoded
 * @param type the type the task was encoded as
 * @param outputs a JSON array of what the task produced: a map's one output, a router's routed
 *     value, a splitter's items, nothing for a consumer (an output no codec could write is there as
 *     the JSON string of its {@code toString()}, and {@code note} says so)
 * @param note why the task or an output is stored as text, or null
 */
public record StoredResult(
    String stage, long taskId, String task, String type, String outputs, @Nullable String note) {
  /**
   * Checks the fields.
   *
   * @param stage the stage
   * @param taskId the task id
   * @param task the task's JSON
   * @param type its type
   * @param outputs the outputs' JSON array
   * @param note a note, or null
   */
  public StoredResult {
    Objects.requireNonNull(stage, "stage");
    Objects.requireNonNull(task, "task");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(outputs, "outputs");
  }
}
