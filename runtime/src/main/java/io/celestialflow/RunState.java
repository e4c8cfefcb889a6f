package io.celestialflow;

/** Where a {@link GraphRun} is in its life. */
public enum RunState {
  /** Tasks are being processed, or inputs are still open. */
  RUNNING,
  /** Every task was accounted for: succeeded, failed or duplicate. */
  COMPLETED,
  /**
   * The run was cancelled, closed or interrupted before it completed; {@link
   * GraphResult#unfinished()} holds the tasks it did not finish.
   */
  CANCELLED,
  /**
   * An error in one of the run's threads (such as {@link OutOfMemoryError}) ended the run at once;
   * {@link GraphResult#cause()} holds it, and {@link GraphRun#await()} throws it. Outputs and
   * unfinished tasks are not kept (memory may be what the JVM lacked); the counters are.
   */
  FAILED
}
