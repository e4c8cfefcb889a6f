package io.celestialflow.dashboard.history;

import java.util.Objects;

/**
 * The task of a stored failure that was recorded as text only (its {@code toString()}), because it
 * could not be written as JSON: it can be read but not run again.
 *
 * @param text the task's text
 * @param reason why it was not written as JSON
 */
public record RecordedText(String text, String reason) {
  /**
   * Checks the fields.
   *
   * @param text the text
   * @param reason the reason
   */
  public RecordedText {
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(reason, "reason");
  }

  @Override
  public String toString() {
    return text;
  }
}
