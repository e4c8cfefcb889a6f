package io.celestialflow.dashboard.store;

import io.celestialflow.dashboard.history.StatsHistory;
import io.celestialflow.store.RunStore;
import io.celestialflow.store.StatsSnapshot;
import io.celestialflow.store.StoreException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A run's counters over time from the store's stats snapshots. */
final class StoreStats implements StatsHistory {
  private final RunStore store;
  private final String runId;

  StoreStats(RunStore store, String runId) {
    this.store = store;
    this.runId = runId;
  }

  @Override
  public List<Point> points(int maxPoints) {
    List<StatsSnapshot> snapshots;
    try {
      snapshots = store.stats(runId, Instant.EPOCH);
    } catch (StoreException e) {
      return List.of(); // the store has not committed the run yet, or does not record it
    }
    Map<Instant, Map<String, Long>> byTime = new LinkedHashMap<>();
    for (StatsSnapshot s : snapshots) {
      byTime
          .computeIfAbsent(s.at(), at -> new HashMap<>())
          .put(s.stage(), s.succeeded() + s.failed() + s.duplicates());
    }
    List<Point> all = new ArrayList<>(byTime.size());
    byTime.forEach((at, completed) -> all.add(new Point(at, completed)));
    return thin(all, Math.max(2, maxPoints));
  }

  /** Every k-th point so that at most {@code max} remain, always with the last one. */
  static <T> List<T> thin(List<T> points, int max) {
    int n = points.size();
    if (n <= max) {
      return points;
    }
    int step = (n - 1 + max - 2) / (max - 1);
    List<T> out = new ArrayList<>(max);
    for (int i = 0; i < n - 1 && out.size() < max - 1; i += step) {
      out.add(points.get(i));
    }
    out.add(points.get(n - 1));
    return out;
  }
}
