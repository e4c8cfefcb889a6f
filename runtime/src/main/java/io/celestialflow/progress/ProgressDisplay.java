package io.celestialflow.progress;

import io.celestialflow.GraphRun;
import io.celestialflow.GraphStatus;
import io.celestialflow.RunState;
import io.celestialflow.StageStats;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.LoggerFactory;

/**
 * One run's display: a snapshot of the run's counters drawn at each interval, and the run's last
 * counters when it ends. The intervals are kept by one daemon thread shared by every display of the
 * process, started with the first and ending after {@link #IDLE} with none to tick: a run starts
 * and ends no thread of its own (that cost a million-task run more than all of its drawing). The
 * last frame is drawn by the thread that reports the run's end, so it is on the screen when the run
 * returns. One draw at a time, under the display's lock.
 */
final class ProgressDisplay {
  /** What a display draws on. */
  interface Sink {
    void update(GraphStatus status, long now);

    void finish(String graph, RunState state, List<StageStats> stats, long now);
  }

  /** The name of the thread that keeps the intervals. */
  static final String THREAD = "celestialflow-progress";

  /** How long that thread stays with no display to tick. */
  static final Duration IDLE = Duration.ofSeconds(1);

  private static final ScheduledThreadPoolExecutor TICKS = ticks();

  private static ScheduledThreadPoolExecutor ticks() {
    ScheduledThreadPoolExecutor ticks =
        new ScheduledThreadPoolExecutor(
            1, r -> Thread.ofPlatform().name(THREAD).daemon(true).unstarted(r));
    // The thread waits for a queued draw however far off it is, and ends once none is queued.
    ticks.setKeepAliveTime(IDLE.toNanos(), TimeUnit.NANOSECONDS);
    ticks.allowCoreThreadTimeOut(true);
    ticks.setRemoveOnCancelPolicy(true);
    return ticks;
  }

  private final GraphRun run;
  private final Sink sink;
  private final long intervalNanos;
  private volatile @Nullable ScheduledFuture<?> ticking;
  private boolean ended; // under this display's lock

  ProgressDisplay(GraphRun run, Sink sink, Duration interval) {
    this.run = run;
    this.sink = sink;
    this.intervalNanos = interval.toNanos();
  }

  /** Draws at each interval from now on. */
  void start() {
    ticking =
        TICKS.scheduleAtFixedRate(this::tick, intervalNanos, intervalNanos, TimeUnit.NANOSECONDS);
  }

  /** One interval's frame; the last one if the run ended without its end reaching the listener. */
  private void tick() {
    if (run.isDone()) {
      GraphStatus status = run.status();
      finish(status.stages(), status.state());
      return;
    }
    synchronized (this) {
      if (ended) {
        return;
      }
      try {
        sink.update(run.status(), System.nanoTime());
      } catch (RuntimeException e) {
        stop(); // the last frame is still drawn when the run ends
        LoggerFactory.getLogger(ConsoleProgress.class)
            .warn("progress display of graph '{}' failed; it stops", run.graph().name(), e);
      }
    }
  }

  /** Draws the run's last counters (once) and stops the intervals. */
  void finish(List<StageStats> stats, RunState state) {
    stop();
    synchronized (this) {
      if (ended) {
        return;
      }
      ended = true;
      try {
        sink.finish(run.graph().name(), state, stats, System.nanoTime());
      } catch (RuntimeException e) {
        LoggerFactory.getLogger(ConsoleProgress.class)
            .warn("progress display of graph '{}' could not draw its end", run.graph().name(), e);
      }
    }
  }

  private void stop() {
    ScheduledFuture<?> t = ticking;
    if (t != null) {
      t.cancel(false);
    }
  }
}
