package io.celestialflow;

/**
 * How a stage runs its tasks. The mode is chosen per stage; one graph may mix them.
 *
 * <p>The original Python library's names are kept: {@code serial}, {@code thread}, {@code async},
 * {@code process}.
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
  ASYNC,
  /**
   * Tasks run in {@code workers} separate worker JVMs, for isolation: native code, {@code
   * System.exit}, crashes, out-of-memory errors and heavy garbage collection stay out of the
   * driving JVM. The stage is a class (a lambda cannot be recreated in another JVM); tasks and
   * results travel as JSON in batches. See {@link TaskStage#process}.
   */
  PROCESS
}
