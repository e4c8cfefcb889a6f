package io.celestialflow.event;

import io.celestialflow.TaskFailure;
import java.time.Instant;

/**
 * A task failed for good (no retry left). Sent for every failure, also those beyond the number a
 * run keeps in memory ({@link io.celestialflow.RunBuilder#keepFailures(int)}).
 *
 * @param runId the run id
 * @param graph the graph name
 * @param time when it failed
 * @param failure the failure
 */
public record TaskFailed(String runId, String graph, Instant time, TaskFailure failure)
    implements RunEvent {}
