package io.celestialflow.store;

import java.util.List;

/**
 * A run's failures counted by stage and by exception type (the most specific type of each failure),
 * biggest groups first. Read from counters the writer keeps, so it costs the same for a million
 * failures as for ten.
 *
 * @param total every failure of the run
 * @param byStage counts per stage
 * @param byType counts per exception type
 */
public record FailureSummary(long total, List<Group> byStage, List<Group> byType) {
  /**
   * Copies the lists.
   *
   * @param total the total
   * @param byStage per stage
   * @param byType per type
   */
  public FailureSummary {
    byStage = List.copyOf(byStage);
    byType = List.copyOf(byType);
  }

  /**
   * One group and its count.
   *
   * @param key the stage name or exception type
   * @param count failures in it
   */
  public record Group(String key, long count) {}
}
