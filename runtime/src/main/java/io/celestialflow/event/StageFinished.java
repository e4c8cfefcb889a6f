package io.celestialflow.event;

import io.celestialflow.StageStats;
import java.time.Instant;

/**
 * A stage is done: no task is left for it and nothing upstream can send it more (stages on a cycle
 * finish when the run ends).
 *
 * @param runId the run id
 * @param graph the graph name
 * @param time when it finished
 * @param stats its final counters
 */
public record StageFinished(String runId, String graph, Instant time, StageStats stats)
    implements RunEvent {}
