package io.celestialflow.dashboard.internal;

import io.celestialflow.dashboard.history.StatsHistory;
import io.celestialflow.dashboard.internal.Views.StageView;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A run's figures over time for the charts, in bounded memory whatever the run's length: at most
 * {@code capacity} points; when full, every other point is dropped and points are taken half as
 * often, so the series always spans the whole run at a resolution that coarsens as it grows.
 */
final class Series {
  private final int capacity;
  private final List<String> stages;
  private final List<Point> points = new ArrayList<>();
  private long stride = 1;
  private long ticks;

  /** One point: time since the start, each stage's completed count and rate, errors by type. */
  private record Point(long t, long[] completed, double[] rate, Map<String, Long> errors) {}

  /**
   * The series as the page reads it: per stage, arrays aligned with {@code t}.
   *
   * @param t time of each point, milliseconds since the run started
   * @param stages the stage names
   * @param completed per stage, tasks completed at each point
   * @param rate per stage, recent rate at each point
   * @param errors per exception type, failures counted at each point
   */
  record View(
      List<Long> t,
      List<String> stages,
      Map<String, List<Long>> completed,
      Map<String, List<Double>> rate,
      Map<String, List<Long>> errors) {}

  Series(List<String> stages, int capacity) {
    this.stages = List.copyOf(stages);
    this.capacity = Math.max(4, capacity);
  }

  synchronized void add(
      long elapsedMs, List<StageView> views, Map<String, Long> errors, boolean last) {
    if (ticks++ % stride != 0 && !last) {
      return;
    }
    long[] completed = new long[stages.size()];
    double[] rate = new double[stages.size()];
    for (int i = 0; i < views.size() && i < stages.size(); i++) {
      StageView v = views.get(i);
      completed[i] = v.succeeded() + v.failed() + v.duplicates();
      rate[i] = v.rate();
    }
    points.add(new Point(elapsedMs, completed, rate, Map.copyOf(errors)));
    if (points.size() >= capacity) {
      List<Point> kept = new ArrayList<>(capacity / 2 + 1);
      for (int i = 0; i < points.size(); i += 2) {
        kept.add(points.get(i));
      }
      points.clear();
      points.addAll(kept);
      stride *= 2;
    }
  }

  /**
   * The series drawn from a run store's points instead: completed counts as stored, rates from the
   * change between points, and the error counts this series sampled, each taken from its latest
   * point at or before the stored one.
   */
  synchronized View from(List<StatsHistory.Point> stored, Instant startedAt) {
    List<Long> t = new ArrayList<>(stored.size());
    Map<String, List<Long>> completed = new LinkedHashMap<>();
    Map<String, List<Double>> rate = new LinkedHashMap<>();
    for (StatsHistory.Point p : stored) {
      t.add(Math.max(0, p.at().toEpochMilli() - startedAt.toEpochMilli()));
    }
    for (String stage : stages) {
      List<Long> c = new ArrayList<>(stored.size());
      List<Double> r = new ArrayList<>(stored.size());
      for (int i = 0; i < stored.size(); i++) {
        long now = stored.get(i).completed().getOrDefault(stage, 0L);
        c.add(now);
        if (i == 0) {
          r.add(0.0);
        } else {
          long dt = t.get(i) - t.get(i - 1);
          r.add(dt <= 0 ? 0.0 : Math.max(0, now - c.get(i - 1)) * 1000.0 / dt);
        }
      }
      completed.put(stage, c);
      rate.put(stage, r);
    }
    Set<String> types = new LinkedHashSet<>();
    for (Point p : points) {
      types.addAll(p.errors().keySet());
    }
    Map<String, List<Long>> errors = new LinkedHashMap<>();
    for (String type : types) {
      List<Long> counts = new ArrayList<>(t.size());
      int k = -1;
      for (long time : t) {
        while (k + 1 < points.size() && points.get(k + 1).t() <= time) {
          k++;
        }
        counts.add(k < 0 ? 0L : points.get(k).errors().getOrDefault(type, 0L));
      }
      errors.put(type, counts);
    }
    return new View(t, stages, completed, rate, errors);
  }

  synchronized View view() {
    List<Long> t = new ArrayList<>(points.size());
    Map<String, List<Long>> completed = new LinkedHashMap<>();
    Map<String, List<Double>> rate = new LinkedHashMap<>();
    Set<String> types = new LinkedHashSet<>();
    for (Point p : points) {
      types.addAll(p.errors().keySet());
    }
    Map<String, List<Long>> errors = new LinkedHashMap<>();
    for (int i = 0; i < stages.size(); i++) {
      List<Long> c = new ArrayList<>(points.size());
      List<Double> r = new ArrayList<>(points.size());
      for (Point p : points) {
        c.add(p.completed()[i]);
        r.add(p.rate()[i]);
      }
      completed.put(stages.get(i), c);
      rate.put(stages.get(i), r);
    }
    for (String type : types) {
      List<Long> counts = new ArrayList<>(points.size());
      for (Point p : points) {
        counts.add(p.errors().getOrDefault(type, 0L));
      }
      errors.put(type, counts);
    }
    for (Point p : points) {
      t.add(p.t());
    }
    return new View(t, stages, completed, rate, errors);
  }
}
