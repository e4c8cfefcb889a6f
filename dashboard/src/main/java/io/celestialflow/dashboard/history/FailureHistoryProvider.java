package io.celestialflow.dashboard.history;

import java.util.Optional;

/**
 * Supplies the history of a run from somewhere other than memory — a run store. Given to {@link
 * io.celestialflow.dashboard.Dashboard.Builder#history}, or found with {@link
 * java.util.ServiceLoader}: declare the implementation in {@code
 * META-INF/services/io.celestialflow.dashboard.history.FailureHistoryProvider}. The dashboard asks
 * each provider in turn when it first sees a run, and uses its bounded in-memory history when none
 * answers.
 */
public interface FailureHistoryProvider extends AutoCloseable {
  /**
   * Opens the failure history of a run, if this provider holds it.
   *
   * @param runId the run id
   * @param graph the graph name
   * @return the history, or empty to leave the run to another provider or to memory
   */
  Optional<FailureHistory> open(String runId, String graph);

  /**
   * The run's counters over time, for the charts, if this provider holds them.
   *
   * @param runId the run id
   * @return the stats history, or empty (the dashboard then charts what it sampled itself)
   */
  default Optional<StatsHistory> stats(String runId) {
    return Optional.empty();
  }

  /** Releases what the provider holds (a store it opened); nothing by default. */
  @Override
  default void close() {}
}
