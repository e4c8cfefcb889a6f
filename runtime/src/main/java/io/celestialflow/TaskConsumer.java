package io.celestialflow;

/**
 * The work of a consumer stage: takes a task and produces nothing downstream (a sink that writes to
 * a database, a file, a socket).
 *
 * @param <T> the task type
 */
@FunctionalInterface
public interface TaskConsumer<T> {
  /**
   * Processes one task.
   *
   * @param task the task
   * @throws Exception any failure, recorded against this task
   */
  void accept(T task) throws Exception;
}
