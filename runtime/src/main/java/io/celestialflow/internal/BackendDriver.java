package io.celestialflow.internal;

import java.util.concurrent.TimeUnit;

/**
 * Internal, for execution backends: runs one stage's tasks during one run, as the engine's own
 * drivers do. It takes tasks through its {@link StagePort} and settles each through a {@link
 * TaskPort}; the engine calls these methods from its own threads. Not API.
 */
public interface BackendDriver {
  /** Starts the driver's threads; they wait for the stage's turn ({@link StagePort#awaitGate}). */
  void start();

  /**
   * Cancellation: interrupts every thread of the driver; the tasks it held end up recorded as
   * unfinished ({@link TaskPort#abandon}).
   */
  void cancel();

  /**
   * Waits for every thread of the driver to end (after the stage's inbox closed, or a cancel).
   *
   * @param timeout how long to wait at most
   * @param unit the unit of {@code timeout}
   * @return true if they all ended in time
   * @throws InterruptedException if the calling thread is interrupted while it waits
   */
  boolean join(long timeout, TimeUnit unit) throws InterruptedException;

  /**
   * How many tasks are running right now: a snapshot for the {@code running} figure.
   *
   * @return the number of tasks running
   */
  int running();
}
