package io.celestialflow.store;

import java.time.Duration;
import java.util.Objects;

/**
 * What the store records of one run besides its failures, unfinished tasks, input positions and
 * counters (always recorded). Immutable; start from {@link #defaults()}.
 *
 * @param lineage whether to record every task's id, parent and outcome at each stage (turns on
 *     {@link io.celestialflow.RunBuilder#trackLineage()}; costs one record per task and stage)
 * @param statsInterval how often every stage's counters are snapshotted for charts; {@link
 *     Duration#ZERO} for never (the final counters are recorded anyway)
 */
public record RecordOptions(boolean lineage, Duration statsInterval) {
  /**
   * Checks the fields.
   *
   * @param lineage record lineage
   * @param statsInterval snapshot interval, zero for none
   */
  public RecordOptions {
    Objects.requireNonNull(statsInterval, "statsInterval");
    if (statsInterval.isNegative()) {
      throw new IllegalArgumentException("statsInterval must not be negative: " + statsInterval);
    }
  }

  /**
   * No lineage; a stats snapshot every second.
   *
   * @return the defaults
   */
  public static RecordOptions defaults() {
    return new RecordOptions(false, Duration.ofSeconds(1));
  }

  /**
   * With lineage recorded, or not.
   *
   * @param on record lineage
   * @return new options
   */
  public RecordOptions withLineage(boolean on) {
    return new RecordOptions(on, statsInterval);
  }

  /**
   * With another snapshot interval.
   *
   * @param interval how often; {@link Duration#ZERO} for never
   * @return new options
   */
  public RecordOptions withStatsInterval(Duration interval) {
    return new RecordOptions(lineage, interval);
  }
}
