package io.celestialflow;

import org.jspecify.annotations.Nullable;

/**
 * The work of a stage: turns one task into a result. Unlike {@link java.util.function.Function} it
 * may throw checked exceptions; any exception it throws is recorded as a {@link TaskFailure} (or
 * retried, per the stage's {@link RetryPolicy}) and never stops the other tasks.
 *
 * @param <T> the task type
 * @param <R> the result type
 */
@FunctionalInterface
public interface TaskFunction<T, R extends @Nullable Object> {
  /**
   * Processes one task.
   *
   * @param task the task
   * @return the result
   * @throws Exception any failure, recorded against this task
   */
  R apply(T task) throws Exception;
}
