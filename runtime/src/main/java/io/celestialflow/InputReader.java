package io.celestialflow;

/**
 * Reads one input source of a run into its stage: a {@link Feeder} on a thread of its own, or a
 * {@link ListInput} that the stage's own workers read when their inbox is empty.
 */
sealed interface InputReader permits Feeder, ListInput {
  /** Starts reading (a feeder's thread); nothing for a source the stage reads itself. */
  void start();

  /** Cancellation: stop reading; what was not read stays unread (see {@link #progress()}). */
  void interrupt();

  /**
   * Waits for the reader to stop.
   *
   * @return false if it is still blocked in the source after {@code nanos}
   */
  boolean join(long nanos) throws InterruptedException;

  /** How far the source was read; final once the run is over. */
  InputProgress progress();
}
