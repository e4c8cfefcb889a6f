package io.celestialflow;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The engine's time: a clock and the timers runs schedule their retries and ticks on. Injectable
 * ({@link RunBuilder#clock}), so tests drive backoff, jitter and timeouts deterministically with a
 * clock of their own; {@link #SYSTEM} is {@link System#nanoTime()} and one timer thread per run.
 */
interface EngineClock {
  /** The system clock, with one daemon timer thread per run. */
  EngineClock SYSTEM = new SystemClock();

  /**
   * The current time, in nanoseconds from an arbitrary origin.
   *
   * @return the time
   */
  long nanoTime();

  /**
   * A timer for one run. Actions run one at a time; one that throws is reported to {@code onError}
   * (a fatal error of the run), never swallowed.
   *
   * @param threadName the name of the timer's thread, if it has one
   * @param onError receives what an action threw
   * @return the timer
   */
  RunTimer newTimer(String threadName, Consumer<Throwable> onError);

  /** Runs a run's short actions: retries after their backoff, and the periodic tick. */
  interface RunTimer {
    /**
     * Runs {@code action} after {@code delayNanos}.
     *
     * @return false if the timer has stopped, so the action will never run
     */
    boolean schedule(Runnable action, long delayNanos);

    /** Runs {@code tick} every {@code periodNanos} until the timer stops. */
    void every(long periodNanos, Runnable tick);

    /**
     * Stops the timer: no action runs any more; waits up to {@code timeoutNanos} for one that is
     * running.
     *
     * @return true if the timer's thread (if any) has ended
     */
    boolean stop(long timeoutNanos) throws InterruptedException;
  }

  /** {@link EngineClock#SYSTEM}. */
  final class SystemClock implements EngineClock {
    private SystemClock() {}

    @Override
    public long nanoTime() {
      return System.nanoTime();
    }

    @Override
    public RunTimer newTimer(String threadName, Consumer<Throwable> onError) {
      return new SystemTimer(threadName, onError);
    }
  }

  /**
   * A single-thread scheduled executor whose thread is joined when it stops. The thread starts with
   * the first action: a run that never retries and has nothing ticking never starts it.
   */
  final class SystemTimer implements RunTimer {
    private final ScheduledThreadPoolExecutor pool;
    private final Consumer<Throwable> onError;
    private volatile @Nullable Thread thread;

    SystemTimer(String threadName, Consumer<Throwable> onError) {
      ThreadFactory factory = Thread.ofPlatform().name(threadName).daemon(true).factory();
      this.pool =
          new ScheduledThreadPoolExecutor(
              1,
              r -> {
                Thread t = factory.newThread(r);
                thread = t;
                return t;
              });
      this.pool.setRemoveOnCancelPolicy(true);
      this.onError = onError;
    }

    private Runnable guarded(Runnable action) {
      return () -> {
        try {
          action.run();
        } catch (Throwable t) {
          try {
            onError.accept(t);
          } catch (Throwable again) {
            // Out of memory even for that: the run's other threads report it.
          }
        }
      };
    }

    @Override
    public boolean schedule(Runnable action, long delayNanos) {
      try {
        ScheduledFuture<?> unused =
            pool.schedule(guarded(action), Math.max(0, delayNanos), TimeUnit.NANOSECONDS);
        return true;
      } catch (RejectedExecutionException e) {
        return false;
      }
    }

    @Override
    public void every(long periodNanos, Runnable tick) {
      try {
        ScheduledFuture<?> unused =
            pool.scheduleWithFixedDelay(
                guarded(tick), periodNanos, periodNanos, TimeUnit.NANOSECONDS);
      } catch (RejectedExecutionException e) {
        // stopped already: no ticks
      }
    }

    @Override
    public boolean stop(long timeoutNanos) throws InterruptedException {
      pool.shutdownNow();
      long deadline = System.nanoTime() + timeoutNanos;
      boolean terminated = pool.awaitTermination(timeoutNanos, TimeUnit.NANOSECONDS);
      Thread t = thread;
      // A terminated pool's thread may still be exiting: join it too, so none is left.
      return terminated
          && (t == null
              || t.join(java.time.Duration.ofNanos(Math.max(1, deadline - System.nanoTime()))));
    }
  }
}
