package io.celestialflow;

/**
 * How a stage runs its tasks. The mode is chosen per stage; one graph may mix them.
 *
 * <p>The original Python library's names are kept: {@code serial}, {@code thread}, {@code async}.
 * Worker processes ({@code process}) are a separate executor added later.
 */
public enum ExecutionMode {
  /** Tasks run one after another on the stage's own thread. */
  SERIAL,
  /**
   * Tasks run on a pool of {@code workers} platform threads, or on virtual threads with at most
   * {@code workers} in flight.
   */
  THREAD,
  /**
   * The stage's function returns a {@link java.util.concurrent.CompletionStage}; at most {@code
   * workers} are outstanding at once.
   */
  ASYNC
}
