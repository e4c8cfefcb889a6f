package io.celestialflow.dashboard.history;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A run's counters over time as a run store recorded them, for the charts: the dashboard draws them
 * instead of the points it sampled itself when there are at least two.
 */
public interface StatsHistory {
  /**
   * The points recorded so far, oldest first, thinned evenly to at most {@code maxPoints} (the
   * newest is always kept).
   *
   * @param maxPoints the most points wanted, at least 2
   * @return the points, empty when none is recorded (yet)
   */
  List<Point> points(int maxPoints);

  /**
   * The counters of every stage at one moment.
   *
   * @param at when they were read
   * @param completed per stage, tasks that reached an outcome (succeeded, failed or duplicate)
   */
  record Point(Instant at, Map<String, Long> completed) {
    /**
     * Copies the map.
     *
     * @param at the moment
     * @param completed completed tasks per stage
     */
    public Point {
      completed = Map.copyOf(completed);
    }
  }
}
