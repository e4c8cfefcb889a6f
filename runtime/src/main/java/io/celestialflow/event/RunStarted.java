package io.celestialflow.event;

import io.celestialflow.GraphRun;
import java.time.Instant;

/**
 * A run has started: its threads are up and its inputs are being read. The first event of every
 * run; it carries the run itself, so a monitor can read its {@linkplain GraphRun#status() status},
 * {@linkplain GraphRun#graph() graph} and controls.
 *
 * @param runId the run id
 * @param graph the graph name
 * @param time when the run started
 * @param run the run
 */
public record RunStarted(String runId, String graph, Instant time, GraphRun run)
    implements RunEvent {}
