package io.celestialflow;

import java.time.Duration;

/**
 * Counters of one stage, live (from {@link GraphRun#status()}) or final (from {@link
 * GraphResult#stats(String)}).
 *
 * <p>At every moment {@code received = succeeded + failed + duplicates + pending + inFlight +
 * unfinished}, up to the counters moving while a snapshot is taken. When a run has completed,
 * {@code pending}, {@code inFlight} and {@code unfinished} are zero; after a cancelled run {@code
 * unfinished} counts the tasks listed in {@link GraphResult#unfinished(String)}.
 *
 * @param stage the stage name
 * @param mode the stage's execution mode
 * @param received tasks that arrived at the stage (retries not counted again)
 * @param succeeded tasks processed successfully
 * @param failed tasks that failed for good (see {@link TaskFailure})
 * @param duplicates tasks skipped because the stage had already seen them
 * @param retries retry attempts scheduled
 * @param pending tasks waiting in the stage's inbox or for a retry
 * @param inFlight tasks being processed right now
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
    long inFlight,
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
}
