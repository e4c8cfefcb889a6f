package io.celestialflow.micrometer;

import io.celestialflow.GraphResult;
import io.celestialflow.GraphRun;
import io.celestialflow.GraphStatus;
import io.celestialflow.StageStats;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.ToLongFunction;
import org.jspecify.annotations.Nullable;

/**
 * The counts behind one graph's meters: the final counts of its finished runs plus the live
 * counters of those in progress, read when the registry asks. Moving a run from live to finished
 * happens under the same lock as reading, so a counter never goes back.
 */
final class GraphMeters {
  /** A count of {@link StageStats}; cumulative ones add finished runs, gauges only live ones. */
  enum Count {
    RECEIVED(StageStats::received, true, ""),
    SUCCEEDED(StageStats::succeeded, true, "succeeded"),
    FAILED(StageStats::failed, true, "failed"),
    DUPLICATES(StageStats::duplicates, true, "duplicate"),
    RETRIES(StageStats::retries, true, ""),
    PENDING(StageStats::pending, false, ""),
    RUNNING(StageStats::running, false, "");

    final ToLongFunction<StageStats> of;
    final boolean cumulative;
    final String outcome;

    Count(ToLongFunction<StageStats> of, boolean cumulative, String outcome) {
      this.of = of;
      this.cumulative = cumulative;
      this.outcome = outcome;
    }
  }

  /** How long a live run's status snapshot serves reads: one snapshot per scrape, not per meter. */
  private static final long SNAPSHOT_NANOS = 50_000_000;

  final String graph;
  final Map<String, CelestialFlowMetrics.StageTimers> timers = new ConcurrentHashMap<>();
  private final Set<String> stages = ConcurrentHashMap.newKeySet();
  private final ReentrantLock lock = new ReentrantLock();
  private final Map<String, long[]> finished = new HashMap<>();
  private final List<Live> live = new ArrayList<>();

  /** A run in progress and its last status snapshot. */
  private static final class Live {
    final GraphRun run;
    @Nullable GraphStatus status;
    long takenAt;

    Live(GraphRun run) {
      this.run = run;
    }

    @Nullable StageStats stats(String stage, long now) {
      GraphStatus s = status;
      if (s == null || now - takenAt > SNAPSHOT_NANOS) {
        s = run.status();
        status = s;
        takenAt = now;
      }
      for (StageStats st : s.stages()) {
        if (st.stage().equals(stage)) {
          return st;
        }
      }
      return null;
    }
  }

  GraphMeters(String graph) {
    this.graph = graph;
  }

  /** Whether the stage is new (its meters are to be registered). */
  boolean addStage(String stage) {
    return stages.add(stage);
  }

  void started(GraphRun run) {
    lock.lock();
    try {
      live.add(new Live(run));
    } finally {
      lock.unlock();
    }
  }

  void finished(String runId, GraphResult result) {
    lock.lock();
    try {
      live.removeIf(l -> l.run.runId().equals(runId));
      for (StageStats s : result.stats()) {
        long[] totals = finished.computeIfAbsent(s.stage(), k -> new long[Count.values().length]);
        for (Count c : Count.values()) {
          if (c.cumulative) {
            totals[c.ordinal()] += c.of.applyAsLong(s);
          }
        }
      }
    } finally {
      lock.unlock();
    }
  }

  double value(String stage, Count count) {
    long now = System.nanoTime();
    lock.lock();
    try {
      long v = 0;
      long[] totals = finished.get(stage);
      if (totals != null) {
        v += totals[count.ordinal()];
      }
      for (Live l : live) {
        StageStats s = l.stats(stage, now);
        if (s != null) {
          v += count.of.applyAsLong(s);
        }
      }
      return v;
    } finally {
      lock.unlock();
    }
  }
}
