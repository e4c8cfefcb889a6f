package io.celestialflow;

import java.time.Duration;

/**
 * Counters of one stage, live (from {@link GraphRun#status()}) or final (from {@link
 * GraphResult#stats(String)}).
 *
 * <p>At every moment {@code received = succeeded + failed + duplicates + pending + claimed +
 * unfinished}, up to the counters moving while a snapshot is taken. When a run has completed,
 * {@code pending}, {@code claimed}, {@code running} and {@code unfinished} are zero; after a
 * cancelled run {@code unfinished} counts the tasks listed in {@link
 * GraphResult#unfinished(String)}.
 *
 * @param stage the stage name
 * @param mode the stage's execution mode
 * @param received tasks that arrived at the stage (retries not counted again)
 * @param succeeded tasks processed successfully
 * @param failed tasks that failed for good (see {@link TaskFailure})
 * @param duplicates tasks skipped because the stage had already seen them
 * @param retries retry attempts scheduled
 * @param pending tasks waiting in the stage's inbox or for a retry
 * @param claimed tasks taken from the inbox by the stage's workers and not finished yet: the ones
 *     running plus those a worker holds in its batch (or a worker process in its queue)
 * @param running tasks whose function is running right now (at most the stage's workers; for {@link
 *     ExecutionMode#ASYNC} stages, results outstanding)
 * @param unfinished tasks a cancelled run left unprocessed
 * @param emitted outputs sent downstream or collected (a splitter emits several per task)
 * @param finished whether the stage is done: nothing upstream can send it more work
 * @param elapsed time since the stage started (until it finished, once it has)
 * @param ratePerSecond tasks completed (succeeded, failed, duplicate) per second of {@code elapsed}
 */
public record StageStats(
    String stage,
    ExecutionMode mode,
    long received,
    long succeeded,
    long failed,
    long duplicates,
    long retries,
    long pending,
    long claimed,
    long running,
    long unfinished,
    long emitted,
    boolean finished,
    Duration elapsed,
    double ratePerSecond) {

  /**
   * Tasks that reached a final outcome: succeeded, failed or duplicate.
   *
   * @return {@code succeeded + failed + duplicates}
   */
  public long completed() {
    return succeeded + failed + duplicates;
  }

  /**
   * Tasks that arrived and have not reached an outcome yet: waiting, claimed or running.
   *
   * @return {@code pending + claimed}
   */
  public long open() {
    return pending + claimed;
  }
}
