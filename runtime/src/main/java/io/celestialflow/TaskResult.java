package io.celestialflow;

import java.util.List;
import java.util.Objects;

/**
 * One successful task of a stage whose results a run kept ({@link RunBuilder#keepResults}): the
 * task and what it produced — the original CelestialFlow's success pairs.
 *
 * @param task the task
 * @param outputs what it produced, in order: a map's one output, a router's routed value, a
 *     splitter's items (possibly none), nothing for a consumer
 * @param <I> the task type
 * @param <O> the output type
 */
public record TaskResult<I, O>(I task, List<O> outputs) {
  /**
   * Checks and copies the fields.
   *
   * @param task the task
   * @param outputs its outputs
   */
  public TaskResult {
    Objects.requireNonNull(task, "task");
    outputs = List.copyOf(outputs);
  }

  /**
   * The one output of a map or router stage's task.
   *
   * @return the output
   * @throws IllegalStateException if the task produced no output or several (a splitter's task)
   */
  public O output() {
    if (outputs.size() != 1) {
      throw new IllegalStateException(
          "task " + task + " produced " + outputs.size() + " outputs, not one; use outputs()");
    }
    return outputs.get(0);
  }
}
