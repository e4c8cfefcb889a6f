package io.celestialflow.spi;

/**
 * A batch of task attempts that ended at one stage, handed to an observer that wants {@linkplain
 * TaskObserver#identityOnly identities only} ({@link TaskObserver#settled(SettledTasks)}): for each
 * attempt what {@link TaskObserver#settled(String, String, long, long, int, TaskOutcome)} would be
 * told, as columns read by index, in the order the attempts ended on the worker that settled them.
 *
 * <p>The engine reuses the batch once the call returns: read it during the call, never keep it.
 */
public interface SettledTasks {
  /** The run id. */
  String runId();

  /** The stage name. */
  String stage();

  /** How many attempts the batch holds (at least 1). */
  int size();

  /**
   * The task id of attempt {@code i}.
   *
   * @param i from 0 to {@link #size()} - 1
   * @return the id, or 0 when the run does not track identity
   */
  long id(int i);

  /**
   * The id of the task whose output the task of attempt {@code i} is.
   *
   * @param i from 0 to {@link #size()} - 1
   * @return the parent's id, or 0
   */
  long parentId(int i);

  /**
   * Which attempt of its task attempt {@code i} is.
   *
   * @param i from 0 to {@link #size()} - 1
   * @return the attempt, starting at 1
   */
  int attempt(int i);

  /**
   * How attempt {@code i} ended.
   *
   * @param i from 0 to {@link #size()} - 1
   * @return the outcome
   */
  TaskOutcome outcome(int i);

  /**
   * Whether attempt {@code i} succeeded: {@code outcome(i) == TaskOutcome.SUCCEEDED}, which a batch
   * can answer more cheaply (most attempts succeed, and a recorder asks for every one).
   *
   * @param i from 0 to {@link #size()} - 1
   * @return whether it succeeded
   */
  default boolean succeeded(int i) {
    return outcome(i) == TaskOutcome.SUCCEEDED;
  }
}
