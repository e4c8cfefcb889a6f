package io.celestialflow.event;

import io.celestialflow.InputFailure;
import java.time.Instant;

/**
 * An input source threw while it was being read, or produced a null task (which was skipped).
 *
 * @param runId the run id
 * @param graph the graph name
 * @param time when it happened
 * @param failure what went wrong
 */
public record InputFailed(String runId, String graph, Instant time, InputFailure failure)
    implements RunEvent {}
