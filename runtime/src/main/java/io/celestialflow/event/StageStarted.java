package io.celestialflow.event;

import java.time.Instant;

/**
 * A stage has started processing (in the {@link io.celestialflow.Layout#SERIAL serial} layout, when
 * its turn comes).
 *
 * @param runId the run id
 * @param graph the graph name
 * @param time when it started
 * @param stage the stage name
 */
public record StageStarted(String runId, String graph, Instant time, String stage)
    implements RunEvent {}
