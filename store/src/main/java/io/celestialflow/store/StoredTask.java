package io.celestialflow.store;

import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A task as the store holds it: encoded as JSON by the codecs, or — when it could not be encoded —
 * its {@code toString()} with a note saying why.
 *
 * @param stage the stage the task was for
 * @param json the task as JSON, or its {@code toString()} when {@code note} is present
 * @param type the Java type it was encoded as (the stage's declared task type, else the task's
 *     class)
 * @param note why the task is recorded by {@code toString()} only, or null when {@code json} is
 *     JSON
 */
public record StoredTask(String stage, String json, String type, @Nullable String note) {
  /**
   * Checks the fields.
   *
   * @param stage the stage
   * @param json the JSON or text
   * @param type the Java type
   * @param note the note, or null
   */
  public StoredTask {
    Objects.requireNonNull(stage, "stage");
    Objects.requireNonNull(json, "json");
    Objects.requireNonNull(type, "type");
  }

  /**
   * Whether the task was encoded as JSON, so it can be decoded and run again.
   *
   * @return true unless it was recorded by {@code toString()}
   */
  public boolean isJson() {
    return note == null;
  }

  /**
   * Why the task was recorded by {@code toString()} only.
   *
   * @return the note, empty for a task stored as JSON
   */
  public Optional<String> unserialisableNote() {
    return Optional.ofNullable(note);
  }
}
