package io.celestialflow.dashboard.internal;

import io.celestialflow.StageStats;
import io.celestialflow.dashboard.history.FailureHistory;
import io.celestialflow.dashboard.history.StatsHistory;
import io.celestialflow.dashboard.internal.Views.RunSummary;
import io.celestialflow.dashboard.internal.Views.RunView;
import io.celestialflow.structure.Topology;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run the dashboard watches, in this JVM or reported from another: its shape, where its live
 * figures come from, its failures, its history for the charts and the last snapshot taken.
 */
public final class TrackedRun {
  private static final Logger LOG = LoggerFactory.getLogger(TrackedRun.class);

  /** Error types listed in snapshots and charts. */
  static final int ERROR_TYPES = 8;

  /**
   * Counters of a run at one moment.
   *
   * @param state the run state name (RUNNING, COMPLETED, CANCELLED, LOST)
   * @param elapsedMs time since the start
   * @param stages every stage's counters
   * @param ended whether the run is over
   * @param failureCount failures in all when known better than the history's count, else -1
   */
  record Sample(
      String state, long elapsedMs, List<StageStats> stages, boolean ended, long failureCount) {
    Sample(String state, long elapsedMs, List<StageStats> stages, boolean ended) {
      this(state, elapsedMs, stages, ended, -1);
    }
  }

  /** Where a run's counters come from. */
  interface Source {
    Sample sample();
  }

  private final String runId;
  private final String graph;
  private final String origin;
  private final Instant startedAt;
  private final Shape shape;
  private final String topologyJson;
  private final FailureHistory failures;
  private final @Nullable RunControl control;
  private final Source source;
  private final Series series;
  private final int seriesCapacity;
  private final @Nullable StatsHistory stats;
  private final Figures figures;
  private final long order;
  private long seq;
  private volatile @Nullable RunView latest;
  private volatile boolean ended;
  private boolean endAnnounced;
  private long failuresAnnounced;

  TrackedRun(
      String runId,
      String graph,
      String origin,
      Instant startedAt,
      Topology topology,
      FailureHistory failures,
      @Nullable RunControl control,
      Source source,
      int seriesCapacity,
      @Nullable StatsHistory stats,
      long order) {
    this.runId = runId;
    this.graph = graph;
    this.origin = origin;
    this.startedAt = startedAt;
    this.shape = new Shape(topology);
    this.topologyJson = topology.toJson();
    this.failures = failures;
    this.control = control;
    this.source = source;
    this.series = new Series(shape.names(), seriesCapacity);
    this.seriesCapacity = seriesCapacity;
    this.stats = stats;
    this.figures = new Figures(shape);
    this.order = order;
  }

  /**
   * The run id.
   *
   * @return the id
   */
  public String runId() {
    return runId;
  }

  String graph() {
    return graph;
  }

  Instant startedAt() {
    return startedAt;
  }

  long order() {
    return order;
  }

  Shape shape() {
    return shape;
  }

  String topologyJson() {
    return topologyJson;
  }

  FailureHistory failures() {
    return failures;
  }

  @Nullable RunControl control() {
    return control;
  }

  boolean isEnded() {
    return ended;
  }

  /** Takes a new snapshot: counters, deltas, rates, the chart point. */
  synchronized RunView refresh(long nowNanos) {
    Sample sample = source.sample();
    Figures.Result r = figures.next(sample.stages(), nowNanos, sample.ended());
    Map<String, Long> errors = failures.countsByType(ERROR_TYPES);
    RunView view =
        new RunView(
            runId,
            graph,
            origin,
            sample.state(),
            startedAt.toEpochMilli(),
            sample.elapsedMs(),
            control != null,
            ++seq,
            r.totals(),
            Math.max(failures.count(), sample.failureCount()),
            errors,
            r.stages());
    series.add(sample.elapsedMs(), r.stages(), errors, sample.ended());
    latest = view;
    ended = sample.ended();
    return view;
  }

  /** The last snapshot, taking one if none was taken yet. */
  RunView view() {
    RunView v = latest;
    return v != null ? v : refresh(System.nanoTime());
  }

  /** Whether the run has ended and that was not announced yet; marks it announced. */
  synchronized boolean takeEnd() {
    if (ended && !endAnnounced) {
      endAnnounced = true;
      return true;
    }
    return false;
  }

  synchronized boolean endAnnounced() {
    return endAnnounced;
  }

  /** The failure count already announced; sets it to {@code now}. */
  synchronized long swapFailuresAnnounced(long now) {
    long before = failuresAnnounced;
    failuresAnnounced = now;
    return before;
  }

  /**
   * The chart history: from the run store's stats snapshots when it has at least two for the run
   * (with the error counts this dashboard sampled), else what this dashboard sampled.
   */
  Series.View series() {
    StatsHistory s = stats;
    if (s != null) {
      try {
        List<StatsHistory.Point> points = s.points(seriesCapacity);
        if (points.size() >= 2) {
          return series.from(points, startedAt);
        }
      } catch (RuntimeException e) {
        LOG.debug("stats history of run {} unavailable: {}", runId, e.toString());
      }
    }
    return series.view();
  }

  RunSummary summary() {
    RunView v = view();
    return new RunSummary(
        runId,
        graph,
        origin,
        v.state(),
        v.startedAt(),
        v.elapsedMs(),
        shape.size(),
        v.totals().completed(),
        v.failureCount(),
        v.totals().progress());
  }

  void close() {
    failures.close();
  }

  @Override
  public String toString() {
    return "TrackedRun[" + graph + " " + runId + " " + origin + "]";
  }
}
