package io.celestialflow.redis;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Renews the claim of every entry held for more than a third of the idle-claim time, with {@link
 * Scripts#RENEW}, so that long tasks are not stolen: only the entries still pending for this worker
 * are claimed again (a plain {@code XCLAIM} would take an entry back from a worker that
 * legitimately claimed it while this one was stalled); the commit drops the results of the others.
 * Runs on the housekeeping thread.
 */
final class ClaimRenewer {
  private static final Logger log = LoggerFactory.getLogger(RemoteWorker.class);

  private final WorkerState state;
  private final Link link;

  ClaimRenewer(WorkerState state, Link link) {
    this.state = state;
    this.link = link;
  }

  void renew() throws InterruptedException {
    WorkerSettings settings = state.settings;
    long now = System.nanoTime();
    long third = settings.idleClaim().toNanos() / 3;
    Map<String, List<HeldEntry>> due = new LinkedHashMap<>();
    for (HeldEntry h : state.held.values()) {
      if (now - h.renewedAt >= third) {
        due.computeIfAbsent(h.stage.stream(), k -> new ArrayList<>()).add(h);
      }
    }
    for (Map.Entry<String, List<HeldEntry>> d : due.entrySet()) {
      List<String> args = new ArrayList<>(d.getValue().size() + 2);
      args.add(settings.group());
      args.add(settings.consumer());
      for (HeldEntry h : d.getValue()) {
        args.add(h.id.toString());
      }
      Object reply =
          link.call(j -> Scripts.RENEW.run(j, List.of(d.getKey()), args), () -> !state.stopped());
      Set<String> lost = ResultWriter.ids(reply);
      for (HeldEntry h : d.getValue()) {
        h.renewedAt = now;
        if (lost.contains(h.id.toString())) {
          log.warn(
              "worker {}: stage '{}' entry {} was claimed by another worker while held here",
              settings.consumer(),
              h.stage.name(),
              h.id);
        } else {
          state.renewed.increment();
        }
      }
    }
  }
}
