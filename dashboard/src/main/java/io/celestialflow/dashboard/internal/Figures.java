package io.celestialflow.dashboard.internal;

import io.celestialflow.StageStats;
import io.celestialflow.dashboard.internal.Views.Delta;
import io.celestialflow.dashboard.internal.Views.StageView;
import io.celestialflow.dashboard.internal.Views.Totals;
import io.celestialflow.structure.Topology;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Turns successive counter snapshots of one run into what the page shows: deltas since the last
 * snapshot, a recent rate (an exponential moving average over about three seconds), the backlog a
 * stage still has to see (its own queue plus every upstream stage's, as the original's global
 * pending estimate counted) and the time left at the recent rate. Called by one thread at a time.
 */
final class Figures {
  /** Time constant of the recent rate, in seconds. */
  private static final double RATE_WINDOW_SECONDS = 3.0;

  private final Shape shape;
  private final long[] lastCompleted;
  private final double[] rate;
  private @Nullable List<StageStats> previous;
  private long previousNanos;

  Figures(Shape shape) {
    this.shape = shape;
    this.lastCompleted = new long[shape.size()];
    this.rate = new double[shape.size()];
  }

  /** The stage views and totals of one snapshot. */
  record Result(List<StageView> stages, Totals totals) {}

  Result next(List<StageStats> stats, long nowNanos, boolean ended) {
    List<StageStats> prev = previous;
    double dt = prev == null ? 0 : (nowNanos - previousNanos) / 1e9;
    long[] open = new long[shape.size()];
    StageStats[] byIndex = new StageStats[shape.size()];
    for (StageStats s : stats) {
      Integer i = shape.indexOf(s.stage());
      if (i != null) {
        byIndex[i] = s;
        open[i] = s.open();
      }
    }
    List<StageView> views = new ArrayList<>(shape.size());
    long completed = 0;
    long succeeded = 0;
    long failed = 0;
    long duplicates = 0;
    long openTotal = 0;
    long running = 0;
    double rateTotal = 0;
    Long etaMax = 0L;
    for (int i = 0; i < shape.size(); i++) {
      StageStats s = byIndex[i];
      if (s == null) {
        s = empty(shape.names().get(i));
      }
      StageStats p = prev == null ? null : find(prev, i, s.stage());
      updateRate(i, s.completed(), dt, p == null);
      long backlog = open[i];
      for (int u : shape.upstreamOf(i)) {
        backlog += open[u];
      }
      boolean done = s.finished() || ended;
      Long eta = done || backlog == 0 ? Long.valueOf(0) : etaMillis(backlog, rate[i]);
      double progress = done ? 1.0 : fraction(s.completed(), backlog);
      views.add(view(shape.stage(i), s, p, backlog, eta, progress, done));
      completed += s.completed();
      succeeded += s.succeeded();
      failed += s.failed();
      duplicates += s.duplicates();
      openTotal += s.open();
      running += s.running();
      rateTotal += rate[i];
      etaMax = etaMax == null || eta == null ? null : Math.max(etaMax, eta);
    }
    previous = stats;
    previousNanos = nowNanos;
    double progress = ended ? 1.0 : fraction(completed, openTotal);
    Totals totals =
        new Totals(
            completed,
            succeeded,
            failed,
            duplicates,
            openTotal,
            running,
            round(rateTotal),
            ended ? Long.valueOf(0) : etaMax,
            progress);
    return new Result(views, totals);
  }

  private void updateRate(int i, long completed, double dt, boolean first) {
    if (first || dt <= 0) {
      lastCompleted[i] = completed;
      return;
    }
    double instant = (completed - lastCompleted[i]) / dt;
    double alpha = 1 - Math.exp(-dt / RATE_WINDOW_SECONDS);
    rate[i] = rate[i] == 0 ? instant : rate[i] + alpha * (instant - rate[i]);
    if (rate[i] < 1e-3) {
      rate[i] = 0;
    }
    lastCompleted[i] = completed;
  }

  private static @Nullable Long etaMillis(long backlog, double rate) {
    if (rate <= 0) {
      return null;
    }
    double ms = backlog / rate * 1000;
    return ms > Long.MAX_VALUE / 2 ? null : Long.valueOf((long) ms);
  }

  private static @Nullable StageStats find(List<StageStats> prev, int i, String name) {
    if (i < prev.size() && prev.get(i).stage().equals(name)) {
      return prev.get(i);
    }
    for (StageStats s : prev) {
      if (s.stage().equals(name)) {
        return s;
      }
    }
    return null;
  }

  private static StageStats empty(String name) {
    return new StageStats(
        name,
        io.celestialflow.ExecutionMode.SERIAL,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        false,
        java.time.Duration.ZERO,
        0);
  }

  private StageView view(
      Topology.Stage meta,
      StageStats s,
      @Nullable StageStats p,
      long backlog,
      @Nullable Long eta,
      double progress,
      boolean done) {
    Delta delta =
        p == null
            ? new Delta(0, 0, 0, 0, 0, 0, 0)
            : new Delta(
                s.received() - p.received(),
                s.succeeded() - p.succeeded(),
                s.failed() - p.failed(),
                s.duplicates() - p.duplicates(),
                s.pending() - p.pending(),
                s.claimed() - p.claimed(),
                s.running() - p.running());
    Integer i = shape.indexOf(s.stage());
    double recent = i == null ? 0 : rate[i];
    return new StageView(
        s.stage(),
        meta.kind() == null ? null : meta.kind().name(),
        s.mode().name(),
        meta.workers(),
        execution(meta, s),
        meta.cyclic(),
        done,
        s.received(),
        s.succeeded(),
        s.failed(),
        s.duplicates(),
        s.retries(),
        s.pending(),
        s.claimed(),
        s.running(),
        s.unfinished(),
        s.emitted(),
        s.elapsed().toMillis(),
        round(recent),
        round(s.ratePerSecond()),
        backlog,
        eta,
        progress,
        delta);
  }

  private static String execution(Topology.Stage meta, StageStats s) {
    if (s.mode() == io.celestialflow.ExecutionMode.SERIAL) {
      return "SERIAL";
    }
    String label = Boolean.TRUE.equals(meta.virtualThreads()) ? "VIRTUAL THREADS" : s.mode().name();
    return meta.workers() == null ? label : label + " x" + meta.workers();
  }

  private static double fraction(long done, long left) {
    return done + left == 0 ? 0.0 : done / (double) (done + left);
  }

  private static double round(double v) {
    if (Double.isNaN(v) || Double.isInfinite(v)) {
      return 0;
    }
    return Math.round(v * 10) / 10.0;
  }
}
