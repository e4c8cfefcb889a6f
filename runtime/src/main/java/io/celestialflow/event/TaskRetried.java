package io.celestialflow.event;

import java.time.Duration;
import java.time.Instant;

/**
 * A task failed with a retryable exception and will be tried again after {@code delay}.
 *
 * @param runId the run id
 * @param graph the graph name
 * @param time when the attempt failed
 * @param stage the stage name
 * @param task the task
 * @param taskId the task's id when the run tracks task identity ({@link
 *     io.celestialflow.RunBuilder#trackLineage()}), else 0
 * @param attempt the attempt that failed, starting at 1
 * @param error the failure
 * @param delay the wait before the next attempt
 */
public record TaskRetried(
    String runId,
    String graph,
    Instant time,
    String stage,
    Object task,
    long taskId,
    int attempt,
    Throwable error,
    Duration delay)
    implements RunEvent {}
