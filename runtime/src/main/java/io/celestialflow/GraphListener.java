package io.celestialflow;

import java.time.Duration;

/**
 * Receives a run's events: the hook that progress bars, the dashboard, failure stores and metrics
 * build on. Events are per run and per stage, plus one per failed or retried task; successful tasks
 * are not announced one by one (read {@link GraphRun#status()} for counts).
 *
 * <p>Methods are called on engine threads, possibly concurrently: keep them short and thread-safe,
 * and hand slow work to your own executor. An exception thrown by a listener is logged and ignored.
 */
public interface GraphListener {
  /**
   * The run has started: threads are up and inputs are being read.
   *
   * @param run the run
   */
  default void runStarted(GraphRun run) {}

  /**
   * A stage has started processing (in the {@link Layout#SERIAL serial} layout, when its turn
   * comes).
   *
   * @param stage the stage name
   */
  default void stageStarted(String stage) {}

  /**
   * A stage is done: no task is left for it and nothing upstream can send it more.
   *
   * @param stats its final counters
   */
  default void stageFinished(StageStats stats) {}

  /**
   * A task failed for good.
   *
   * @param failure the failure
   */
  default void taskFailed(TaskFailure failure) {}

  /**
   * A task failed with a retryable exception and will be tried again.
   *
   * @param stage the stage name
   * @param task the task
   * @param attempt the attempt that failed, starting at 1
   * @param error the failure
   * @param delay the wait before the next attempt
   */
  default void taskRetried(
      String stage, Object task, int attempt, Throwable error, Duration delay) {}

  /**
   * The run has ended and every thread it started has stopped.
   *
   * @param result the result
   */
  default void runFinished(GraphResult result) {}
}
