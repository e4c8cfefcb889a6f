package io.celestialflow.launch;

import io.celestialflow.GraphRun;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * While a runner's run goes on, a JVM shutdown (SIGTERM, Ctrl-C) cancels it and waits — at most
 * {@link #GRACE} — until the runner has reported the result (its unfinished tasks included), so a
 * terminated run still says what it did not finish. The hook never waits longer, whatever state the
 * run is in.
 */
final class ShutdownGuard implements AutoCloseable {
  /** The longest a shutdown waits for the run to stop and be reported. */
  static final Duration GRACE = Duration.ofSeconds(10);

  private final Thread hook = new Thread(this::onShutdown, "celestialflow-shutdown");
  private final CountDownLatch reported = new CountDownLatch(1);
  private volatile @Nullable GraphRun run;
  private final boolean installed;

  ShutdownGuard() {
    boolean ok;
    try {
      Runtime.getRuntime().addShutdownHook(hook);
      ok = true;
    } catch (IllegalStateException e) {
      ok = false; // the JVM is shutting down already
    }
    this.installed = ok;
  }

  /** The run the hook cancels. */
  void watch(GraphRun r) {
    this.run = r;
  }

  private void onShutdown() {
    GraphRun r = run;
    if (r == null) {
      return;
    }
    r.cancel();
    try {
      reported.await(GRACE.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The run was reported: a shutdown need not wait any more. */
  @Override
  public void close() {
    reported.countDown();
    if (installed) {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // The JVM is shutting down: the hook runs (and returns at once).
      }
    }
  }
}
