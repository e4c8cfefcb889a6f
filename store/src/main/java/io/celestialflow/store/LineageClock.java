package io.celestialflow.store;

import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;

/**
 * The time of lineage events: a millisecond clock that costs an engine thread one volatile read,
 * where {@link System#currentTimeMillis()} costs some 20–40 ns on a virtual machine (as much as the
 * rest of recording an event). A daemon thread refreshes it every millisecond while some run
 * records lineage, and sleeps otherwise; an event's time is thus late by about a millisecond at
 * most, more only when the machine does not schedule that thread in time.
 */
final class LineageClock {
  private static final long TICK_NANOS = 1_000_000;

  private static volatile long now = System.currentTimeMillis();
  private static volatile int users;
  private static @Nullable Thread ticker;

  private LineageClock() {}

  /** The time in epoch milliseconds, as of the last tick. */
  static long now() {
    return now;
  }

  /** A run begins recording lineage: the clock ticks until every such run has ended. */
  static synchronized void acquire() {
    now = System.currentTimeMillis();
    if (users++ == 0) {
      Thread t = ticker;
      if (t == null) {
        t = new Thread(LineageClock::tick, "celestialflow-lineage-clock");
        t.setDaemon(true);
        ticker = t;
        t.start();
      } else {
        LockSupport.unpark(t);
      }
    }
  }

  /** A run recording lineage has ended. */
  static synchronized void release() {
    if (users > 0) {
      users--;
    }
  }

  private static void tick() {
    while (true) {
      now = System.currentTimeMillis();
      if (users == 0) {
        LockSupport.park(); // until the next acquire
      } else {
        LockSupport.parkNanos(TICK_NANOS);
      }
    }
  }
}
