package io.celestialflow;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * An engine clock a test moves by hand: time stands still until {@link #advance} moves it, and the
 * runs' timers (retries after their backoff, the periodic tick that times tasks out) act only then,
 * on the test's thread, in time order. So backoff, jitter and timeouts are tested exactly, without
 * sleeping and without depending on the machine's speed.
 */
final class ManualClock implements EngineClock {
  private final ReentrantLock lock = new ReentrantLock();
  private final PriorityQueue<Due> queue =
      new PriorityQueue<>(
          (a, b) -> a.at == b.at ? Long.compare(a.seq, b.seq) : Long.compare(a.at, b.at));
  private final List<Timer> timers = new ArrayList<>();
  private long now = 1_000_000_000L;
  private long seq;

  private record Due(long at, long seq, Runnable action, Timer timer, long period) {}

  @Override
  public long nanoTime() {
    lock.lock();
    try {
      return now;
    } finally {
      lock.unlock();
    }
  }

  /** How many periodic actions (ticks) the live timers run. */
  int periodic() {
    lock.lock();
    try {
      return (int) queue.stream().filter(d -> d.period > 0 && !d.timer.stopped).count();
    } finally {
      lock.unlock();
    }
  }

  /** The delays, from now, of the actions scheduled once (retries), in time order. */
  List<Duration> scheduled() {
    lock.lock();
    try {
      return queue.stream()
          .filter(d -> d.period == 0 && !d.timer.stopped)
          .sorted((a, b) -> Long.compare(a.at, b.at))
          .map(d -> Duration.ofNanos(d.at - now))
          .toList();
    } finally {
      lock.unlock();
    }
  }

  /** Moves time forward, running every action that falls due on the way, in time order. */
  void advance(Duration by) {
    long until;
    lock.lock();
    try {
      until = now + by.toNanos();
    } finally {
      lock.unlock();
    }
    while (true) {
      Due next;
      lock.lock();
      try {
        Due head = queue.peek();
        if (head == null || head.at > until) {
          now = until;
          return;
        }
        next = queue.poll();
        now = Math.max(now, next.at);
        if (next.period > 0 && !next.timer.stopped) {
          queue.add(new Due(next.at + next.period, seq++, next.action, next.timer, next.period));
        }
      } finally {
        lock.unlock();
      }
      if (!next.timer.stopped) {
        next.timer.run(next.action);
      }
    }
  }

  @Override
  public RunTimer newTimer(String threadName, Consumer<Throwable> onError) {
    Timer t = new Timer(onError);
    lock.lock();
    try {
      timers.add(t);
    } finally {
      lock.unlock();
    }
    return t;
  }

  private final class Timer implements RunTimer {
    private final Consumer<Throwable> onError;
    private volatile boolean stopped;

    Timer(Consumer<Throwable> onError) {
      this.onError = onError;
    }

    void run(Runnable action) {
      try {
        action.run();
      } catch (Throwable t) {
        onError.accept(t);
      }
    }

    @Override
    public boolean schedule(Runnable action, long delayNanos) {
      lock.lock();
      try {
        if (stopped) {
          return false;
        }
        queue.add(new Due(now + Math.max(0, delayNanos), seq++, action, this, 0));
        return true;
      } finally {
        lock.unlock();
      }
    }

    @Override
    public void every(long periodNanos, Runnable tick) {
      lock.lock();
      try {
        queue.add(new Due(now + periodNanos, seq++, tick, this, periodNanos));
      } finally {
        lock.unlock();
      }
    }

    @Override
    public boolean stop(long timeoutNanos) {
      stopped = true;
      return true;
    }
  }
}
