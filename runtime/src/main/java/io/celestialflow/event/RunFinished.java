package io.celestialflow.event;

import io.celestialflow.GraphResult;
import java.time.Instant;

/**
 * The run has ended and every thread it started has stopped. The last event of every run.
 *
 * @param runId the run id
 * @param graph the graph name
 * @param time when it ended
 * @param result the result
 */
public record RunFinished(String runId, String graph, Instant time, GraphResult result)
    implements RunEvent {}
