package io.celestialflow.dashboard.internal;

import io.celestialflow.dashboard.history.FailureHistory;
import io.celestialflow.dashboard.history.FailureHistoryProvider;
import io.celestialflow.dashboard.history.StatsHistory;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every run the dashboard has seen, newest first. Bounded: beyond {@code maxRuns}, the oldest runs
 * that have ended are forgotten (a run still going never is).
 */
public final class RunRegistry {
  private static final Logger LOG = LoggerFactory.getLogger(RunRegistry.class);

  private final Map<String, TrackedRun> runs = new ConcurrentHashMap<>();
  private final AtomicLong order = new AtomicLong();
  private final int maxRuns;
  private final int failuresPerRun;
  private final List<FailureHistoryProvider> providers = new ArrayList<>();
  private final Consumer<TrackedRun> onForget;

  RunRegistry(
      int maxRuns,
      int failuresPerRun,
      List<FailureHistoryProvider> given,
      Consumer<TrackedRun> onForget) {
    this.maxRuns = maxRuns;
    this.failuresPerRun = failuresPerRun;
    this.onForget = onForget;
    providers.addAll(given);
    providers.addAll(Services.load(FailureHistoryProvider.class));
  }

  long nextOrder() {
    return order.incrementAndGet();
  }

  /** The failure history of a new run: a provider's (a run store's) or a bounded one in memory. */
  FailureHistory historyFor(String runId, String graph) {
    for (FailureHistoryProvider p : providers) {
      try {
        Optional<FailureHistory> h = p.open(runId, graph);
        if (h.isPresent()) {
          return h.get();
        }
      } catch (RuntimeException | LinkageError e) {
        LOG.warn("failure history provider {} failed for run {}", p, runId, e);
      }
    }
    return FailureHistory.inMemory(failuresPerRun);
  }

  /** The counters over time of a new run as a provider (a run store) holds them, or null. */
  @Nullable StatsHistory statsFor(String runId) {
    for (FailureHistoryProvider p : providers) {
      try {
        Optional<StatsHistory> h = p.stats(runId);
        if (h.isPresent()) {
          return h.get();
        }
      } catch (RuntimeException | LinkageError e) {
        LOG.warn("failure history provider {} failed for run {}", p, runId, e);
      }
    }
    return null;
  }

  void add(TrackedRun run) {
    runs.put(run.runId(), run);
    if (runs.size() > maxRuns) {
      List<TrackedRun> ended = new ArrayList<>();
      for (TrackedRun r : runs.values()) {
        if (r.isEnded()) {
          ended.add(r);
        }
      }
      ended.sort(Comparator.comparingLong(TrackedRun::order));
      for (int i = 0; i < ended.size() && runs.size() > maxRuns; i++) {
        TrackedRun old = ended.get(i);
        runs.remove(old.runId());
        onForget.accept(old);
        old.close();
      }
    }
  }

  /**
   * A run by id.
   *
   * @param runId the id
   * @return the run, or null
   */
  public @Nullable TrackedRun get(String runId) {
    return runs.get(runId);
  }

  TrackedRun require(String runId) {
    TrackedRun r = runs.get(runId);
    if (r == null) {
      throw ApiException.notFound("no run with id '" + runId + "' on this dashboard");
    }
    return r;
  }

  /**
   * Every run, newest first.
   *
   * @return the runs
   */
  public List<TrackedRun> newestFirst() {
    List<TrackedRun> all = new ArrayList<>(runs.values());
    all.sort(
        Comparator.comparing(TrackedRun::startedAt)
            .thenComparingLong(TrackedRun::order)
            .reversed());
    return all;
  }

  void closeAll() {
    for (TrackedRun r : runs.values()) {
      r.close();
    }
    runs.clear();
  }
}
