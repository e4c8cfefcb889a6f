package io.celestialflow.dashboard.history;

import java.util.Optional;

/**
 * Supplies the failure history of a run from somewhere other than memory — a run store on the class
 * path. Found with {@link java.util.ServiceLoader}: declare the implementation in {@code
 * META-INF/services/io.celestialflow.dashboard.history.FailureHistoryProvider}. The dashboard asks
 * each provider in turn when it first sees a run, and uses its bounded in-memory history when none
 * answers.
 */
public interface FailureHistoryProvider {
  /**
   * Opens the failure history of a run, if this provider holds it.
   *
   * @param runId the run id
   * @param graph the graph name
   * @return the history, or empty to leave the run to another provider or to memory
   */
  Optional<FailureHistory> open(String runId, String graph);
}
