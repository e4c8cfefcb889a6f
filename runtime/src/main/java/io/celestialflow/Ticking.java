package io.celestialflow;

/**
 * Something the run's tick looks at every {@link RunEngine#TICK_NANOS}: a feeder's half-filled
 * chunk, a worker stuck in a long task with finished outputs, a deadline.
 */
interface Ticking {
  /**
   * Called on the run's timer; must be short and never wait.
   *
   * @param now the engine clock's time
   */
  void tick(long now);
}
