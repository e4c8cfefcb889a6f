package io.celestialflow.dashboard.internal;

import io.celestialflow.GraphListener;
import io.celestialflow.GraphRun;
import io.celestialflow.dashboard.history.FailureHistory;
import io.celestialflow.event.RunEvent;
import io.celestialflow.event.RunFinished;
import io.celestialflow.event.RunStarted;
import io.celestialflow.event.TaskFailed;
import io.celestialflow.structure.GraphAnalysis;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The listener that brings runs of this JVM to the dashboard: a run is tracked from its start, each
 * failure is recorded in its history (one lock-free ring write), and its end is noted. Everything
 * else is read from the run's status by the sampler, so nothing here happens per successful task.
 */
public final class LocalRuns implements GraphListener {
  private final RunRegistry registry;
  private final Settings settings;
  private final Map<String, Entry> live = new ConcurrentHashMap<>();

  private record Entry(TrackedRun run, LocalSource source, FailureHistory failures) {}

  LocalRuns(RunRegistry registry, Settings settings) {
    this.registry = registry;
    this.settings = settings;
  }

  @Override
  public void onEvent(RunEvent event) {
    switch (event) {
      case TaskFailed f -> {
        Entry e = live.get(f.runId());
        if (e != null) {
          e.failures().record(f.failure(), null);
        }
      }
      case RunStarted s -> track(s.run(), s.time());
      case RunFinished end -> {
        Entry e = live.remove(end.runId());
        if (e != null) {
          e.source().finish(end.result());
        }
      }
      default -> {}
    }
  }

  /**
   * Tracks a run that was started without this listener (or before the dashboard started).
   *
   * @param run the run
   */
  public void track(GraphRun run) {
    track(run, java.time.Instant.now().minus(run.status().elapsed()));
  }

  private void track(GraphRun run, java.time.Instant startedAt) {
    if (live.containsKey(run.runId()) || registry.get(run.runId()) != null) {
      return;
    }
    FailureHistory failures = registry.historyFor(run.runId(), run.graph().name());
    LocalSource source = new LocalSource(run);
    TrackedRun tracked =
        new TrackedRun(
            run.runId(),
            run.graph().name(),
            "local",
            startedAt,
            GraphAnalysis.of(run.graph()).topology(),
            failures,
            settings.readOnly() ? null : new LocalControl(run),
            source,
            settings.seriesPoints(),
            registry.statsFor(run.runId()),
            registry.nextOrder());
    live.put(run.runId(), new Entry(tracked, source, failures));
    registry.add(tracked);
  }
}
