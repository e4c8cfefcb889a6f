package io.celestialflow.store;

import java.time.Instant;
import java.util.Objects;

/**
 * One outcome of one task at one stage, recorded when a run tracks lineage.
 *
 * @param taskId the task's id (unique in its run, from 1)
 * @param parentId the id of the task whose output this task is, or 0 for an input
 * @param stage the stage
 * @param kind what happened
 * @param attempt the attempt, from 1
 * @param at when
 */
public record LineageEvent(
    long taskId, long parentId, String stage, Kind kind, int attempt, Instant at) {
  /**
   * Checks the fields.
   *
   * @param taskId the task
   * @param parentId the parent or 0
   * @param stage the stage
   * @param kind the kind
   * @param attempt the attempt
   * @param at the time
   */
  public LineageEvent {
    Objects.requireNonNull(stage, "stage");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(at, "at");
  }

  /** What happened to a task at a stage. */
  public enum Kind {
    /** The stage's function succeeded; its outputs are tasks whose parent is this task. */
    SUCCEEDED(1, "task.success"),
    /** An attempt failed and will be retried. */
    RETRIED(2, "task.retry"),
    /** The task failed for good. */
    FAILED(3, "task.fail"),
    /** The stage had seen the task before and skipped it. */
    DUPLICATE(4, "task.duplicate");

    private final int code;
    private final String label;

    Kind(int code, String label) {
      this.code = code;
      this.label = label;
    }

    /** The code stored in the database. */
    int code() {
      return code;
    }

    /**
     * The original CelestialFlow's name for the event ({@code task.success}, ...).
     *
     * @return the name
     */
    public String label() {
      return label;
    }

    /** The event of an attempt that ended so. */
    static Kind of(io.celestialflow.spi.TaskOutcome outcome) {
      return switch (outcome) {
        case SUCCEEDED -> SUCCEEDED;
        case RETRIED -> RETRIED;
        case FAILED -> FAILED;
        case DUPLICATE -> DUPLICATE;
      };
    }

    static Kind of(int code) {
      for (Kind k : values()) {
        if (k.code == code) {
          return k;
        }
      }
      throw new IllegalArgumentException("unknown lineage event code " + code);
    }
  }
}
