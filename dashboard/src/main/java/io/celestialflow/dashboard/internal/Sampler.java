package io.celestialflow.dashboard.internal;

import io.celestialflow.dashboard.history.FailureEntry;
import io.celestialflow.dashboard.internal.Views.FailureView;
import io.celestialflow.dashboard.internal.Views.RunView;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that reads every watched run's counters at the update interval and pushes what
 * changed: a status snapshot (with deltas), the newest failures, the run's end. Nothing happens per
 * task, so the engine pays for the dashboard only when this thread reads its counters.
 */
final class Sampler implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(Sampler.class);

  /** Failures a {@code failures} event carries at most. */
  static final int LATEST_FAILURES = 20;

  private final RunRegistry registry;
  private final EventHub hub;
  private final Function<String, List<String>> notices;

  Sampler(RunRegistry registry, EventHub hub, Function<String, List<String>> notices) {
    this.registry = registry;
    this.hub = hub;
    this.notices = notices;
  }

  @Override
  public void run() {
    try {
      tick();
    } catch (RuntimeException | Error e) {
      LOG.warn("dashboard sampler failed; it goes on at the next tick", e);
    }
  }

  void tick() {
    long now = System.nanoTime();
    for (TrackedRun run : registry.newestFirst()) {
      if (run.isEnded() && run.endAnnounced()) {
        continue;
      }
      RunView view = run.refresh(now);
      String id = run.runId();
      boolean watched = hub.watched(id);
      boolean ending = run.takeEnd();
      long count = view.failureCount();
      long before = run.swapFailuresAnnounced(count);
      if (!watched) {
        continue;
      }
      String json = Http.GSON.toJson(view);
      hub.publish(id, "status", json, ending);
      if (count > before) {
        List<FailureView> latest = new ArrayList<>();
        for (FailureEntry e :
            run.failures().newest((int) Math.min(LATEST_FAILURES, count - before))) {
          latest.add(FailureViews.view(e));
        }
        hub.publish(
            id,
            "failures",
            Http.GSON.toJson(Map.of("count", count, "added", count - before, "latest", latest)),
            true);
      }
      for (String notice : notices.apply(id)) {
        hub.publish(id, "notice", Http.GSON.toJson(Map.of("message", notice)), true);
      }
      if (ending) {
        hub.publish(id, "end", json, true);
      }
    }
  }
}
