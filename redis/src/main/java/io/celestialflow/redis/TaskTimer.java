package io.celestialflow.redis;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Bounds one task's run ({@link RemoteWorker.Builder#taskTimeout}): interrupts the thread running
 * it when the time is up. The task then ends with a {@link TimeoutException} error result, whatever
 * its function did with the interrupt. Started and stopped on the thread that runs the task.
 */
final class TaskTimer implements Runnable {
  private final Thread thread = Thread.currentThread();
  private final AtomicInteger state = new AtomicInteger(); // 0 running, 1 stopped, 2 expired
  private final Duration limit;
  private final ScheduledFuture<?> alarm;

  TaskTimer(ScheduledExecutorService scheduler, Duration limit) {
    this.limit = limit;
    this.alarm = scheduler.schedule(this, limit.toNanos(), TimeUnit.NANOSECONDS);
  }

  @Override
  public void run() {
    if (state.compareAndSet(0, 2)) {
      thread.interrupt();
    }
  }

  void stop() {
    if (!state.compareAndSet(0, 1)) {
      var unused = Thread.interrupted(); // the alarm's interrupt is not the next task's
    }
    alarm.cancel(false);
  }

  boolean expired() {
    return state.get() == 2;
  }

  TimeoutException timeout() {
    return new TimeoutException(
        "the task ran longer than the worker's task timeout of " + Durations.describe(limit));
  }
}
