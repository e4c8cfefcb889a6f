package io.celestialflow;

/**
 * A task on its way back into its stage's inbox for another attempt. Only retried tasks are
 * wrapped; first attempts travel bare, so the common path allocates nothing per task.
 *
 * @param task the task
 * @param number the attempt about to be made, starting at 2 (or the same attempt again, 1 included,
 *     for a task re-queued because its worker process died before running it: wrapping keeps it
 *     from being taken for a duplicate)
 */
record Attempt(Object task, int number) {
  static Object unwrap(Object item) {
    return item instanceof Attempt a ? a.task() : item;
  }
}
