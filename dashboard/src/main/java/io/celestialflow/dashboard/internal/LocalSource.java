package io.celestialflow.dashboard.internal;

import io.celestialflow.GraphResult;
import io.celestialflow.GraphRun;
import io.celestialflow.GraphStatus;
import io.celestialflow.dashboard.internal.TrackedRun.Sample;
import org.jspecify.annotations.Nullable;

/** The counters of a run in this JVM: its live status, then its result once it has ended. */
final class LocalSource implements TrackedRun.Source {
  private final GraphRun run;
  private volatile @Nullable GraphResult result;

  LocalSource(GraphRun run) {
    this.run = run;
  }

  void finish(GraphResult r) {
    this.result = r;
  }

  @Override
  public Sample sample() {
    GraphResult r = result;
    if (r == null && run.isDone()) {
      try {
        r = run.result().getNow(null);
      } catch (RuntimeException e) {
        r = null; // the run failed with an error: keep showing its last status
      }
    }
    if (r != null) {
      result = r;
      return new Sample(r.state().name(), r.elapsed().toMillis(), r.stats(), true);
    }
    GraphStatus s = run.status();
    return new Sample(s.state().name(), s.elapsed().toMillis(), s.stages(), false);
  }
}
