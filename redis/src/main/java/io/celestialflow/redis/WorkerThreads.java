package io.celestialflow.redis;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The threads of a running {@link RemoteWorker}, started together and stopped in order: the reader,
 * the executor that runs tasks, the writer, and the housekeeping thread (heartbeat, reaper,
 * renewals), plus a timer thread when tasks have a timeout.
 */
final class WorkerThreads {
  private static final Logger log = LoggerFactory.getLogger(RemoteWorker.class);

  private final WorkerState state;
  private final Thread reader;
  private final Thread writer;
  private final ExecutorService executor;
  private final ScheduledExecutorService housekeeping;
  private final @Nullable ScheduledExecutorService timers;
  private final Link housekeepingLink;
  private final HeartbeatWriter heartbeat;

  /** Starts the worker's threads. */
  WorkerThreads(WorkerState state, CountDownLatch joined) {
    this.state = state;
    WorkerSettings settings = state.settings;
    String prefix = "celestialflow-worker-" + settings.graph();
    AtomicInteger n = new AtomicInteger();
    executor =
        Executors.newFixedThreadPool(
            settings.concurrency(),
            r ->
                Thread.ofPlatform()
                    .name(prefix + "-run-" + n.incrementAndGet())
                    .daemon(true)
                    .unstarted(r));
    housekeeping =
        Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().name(prefix + "-keeper").daemon(true).unstarted(r));
    housekeepingLink = state.link("housekeeping");
    timers =
        settings.taskTimeout() == null
            ? null
            : Executors.newSingleThreadScheduledExecutor(
                r -> Thread.ofPlatform().name(prefix + "-timer").daemon(true).unstarted(r));
    DeadLetters deadLetters = new DeadLetters(settings.graph(), settings.consumer());
    TaskRunner runner = new TaskRunner(state, executor, timers, deadLetters);
    heartbeat = new HeartbeatWriter(state, housekeepingLink, joined);
    Reaper reaper = new Reaper(state, runner, deadLetters, housekeepingLink);
    ClaimRenewer renewer = new ClaimRenewer(state, housekeepingLink);

    long idle = settings.idleClaim().toMillis();
    long reap = Math.max(10, Math.min(idle / 4, 1000));
    long renew = Math.max(10, idle / 3);
    var unused1 =
        housekeeping.scheduleWithFixedDelay(
            guard("heartbeat", heartbeat::beat),
            0,
            settings.heartbeatInterval().toMillis(),
            TimeUnit.MILLISECONDS);
    var unused2 =
        housekeeping.scheduleWithFixedDelay(
            guard("reaper", reaper::reap), reap, reap, TimeUnit.MILLISECONDS);
    var unused3 =
        housekeeping.scheduleWithFixedDelay(
            guard("renewal", renewer::renew),
            renew / 2,
            Math.max(5, renew / 2),
            TimeUnit.MILLISECONDS);
    writer =
        Thread.ofPlatform().name(prefix + "-write").daemon(true).unstarted(new ResultWriter(state));
    reader =
        Thread.ofPlatform()
            .name(prefix + "-read")
            .daemon(true)
            .unstarted(new TaskReader(state, runner));
    state.writer = writer;
    state.reader = reader;
    writer.start();
    reader.start();
  }

  private Runnable guard(String what, ThrowingRunnable task) {
    return () -> {
      if (state.stopped()) {
        return;
      }
      try {
        task.run();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (RedisUnavailableException e) {
        log.warn("worker {}: {}: {}", state.consumer(), what, e.getMessage());
      } catch (RuntimeException e) {
        log.warn("worker {}: {} failed", state.consumer(), what, e);
      }
    };
  }

  @FunctionalInterface
  private interface ThrowingRunnable {
    void run() throws InterruptedException;
  }

  /**
   * Stops reading, lets the held entries finish within the shutdown timeout (their results
   * committed), then stops every thread and removes the heartbeat; what is still held stays pending
   * for another worker. The state must be {@link WorkerState#STOPPING}.
   */
  void stop() {
    WorkerSettings settings = state.settings;
    LockSupport.unpark(reader);
    join(reader, settings.block().plusSeconds(5));
    long deadline = System.nanoTime() + settings.shutdownTimeout().toNanos();
    while (!state.held.isEmpty() && System.nanoTime() - deadline < 0) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
    }
    if (!state.held.isEmpty()) {
      log.warn(
          "worker {}: {} entries not finished within {}; they stay pending for another worker",
          state.consumer(),
          state.held.size(),
          Durations.describe(settings.shutdownTimeout()));
    }
    state.forced = true;
    state.lifecycle.set(WorkerState.STOPPED);
    executor.shutdownNow();
    LockSupport.unpark(writer);
    join(writer, Duration.ofSeconds(5));
    if (timers != null) {
      timers.shutdownNow();
    }
    housekeeping.shutdownNow();
    try {
      housekeeping.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    housekeepingLink.close();
    heartbeat.remove();
  }

  private static void join(Thread t, Duration timeout) {
    try {
      if (!t.join(timeout)) {
        t.interrupt();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
