package io.celestialflow.store;

import java.time.Duration;
import java.util.Objects;
import java.util.Set;

/**
 * What the store records of one run besides its failures, unfinished tasks, input positions and
 * counters (always recorded). Immutable; start from {@link #defaults()}.
 *
 * @param lineage whether to record every task's id, parent and outcome at each stage (turns on
 *     {@link io.celestialflow.RunBuilder#trackLineage()}; costs one record per task and stage)
 * @param statsInterval how often every stage's counters are snapshotted for charts; {@link
 *     Duration#ZERO} for never (the final counters are recorded anyway)
 * @param journal whether to keep the durable journal: every task as it enters a stage and as it is
 *     settled there, so that a run whose process died ({@code kill -9}, a power cut with {@link
 *     StoreOptions#withDurable}) can be resumed (turns on {@link
 *     io.celestialflow.RunBuilder#trackLineage()}; costs two records per task and stage)
 * @param results the stages whose successful tasks are recorded with their outputs (the success
 *     pairs; see {@link RunStore#results}); costs one record per task of those stages
 */
public record RecordOptions(
    boolean lineage, Duration statsInterval, boolean journal, Set<String> results) {
  /**
   * Checks the fields.
   *
   * @param lineage record lineage
   * @param statsInterval snapshot interval, zero for none
   * @param journal keep the durable journal
   * @param results stages whose results to record
   */
  public RecordOptions {
    results = Set.copyOf(results);
    Objects.requireNonNull(statsInterval, "statsInterval");
    if (statsInterval.isNegative()) {
      throw new IllegalArgumentException("statsInterval must not be negative: " + statsInterval);
    }
  }

  /**
   * Options without the journal (the constructor before the journal existed).
   *
   * @param lineage record lineage
   * @param statsInterval snapshot interval, zero for none
   */
  public RecordOptions(boolean lineage, Duration statsInterval) {
    this(lineage, statsInterval, false, Set.of());
  }

  /**
   * Options without success pairs (the constructor before they existed).
   *
   * @param lineage record lineage
   * @param statsInterval snapshot interval, zero for none
   * @param journal keep the durable journal
   */
  public RecordOptions(boolean lineage, Duration statsInterval, boolean journal) {
    this(lineage, statsInterval, journal, Set.of());
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
    return new RecordOptions(on, statsInterval, journal, results);
  }

  /**
   * With another snapshot interval.
   *
   * @param interval how often; {@link Duration#ZERO} for never
   * @return new options
   */
  public RecordOptions withStatsInterval(Duration interval) {
    return new RecordOptions(lineage, interval, journal, results);
  }

  /**
   * With the durable journal kept, or not: a run recorded with it can be {@linkplain
   * RunStore#resume resumed} even after its process was killed.
   *
   * @param on keep the journal
   * @return new options
   */
  public RecordOptions withJournal(boolean on) {
    return new RecordOptions(lineage, statsInterval, on, results);
  }

  /**
   * With the successful tasks of these stages recorded with their outputs — the original
   * CelestialFlow's success pairs, for runs too large to keep them in memory ({@link
   * io.celestialflow.RunBuilder#keepResults} keeps them in memory). Read them with {@link
   * RunStore#results}.
   *
   * @param stages stage names (replacing any given before; none for no results)
   * @return new options
   */
  public RecordOptions withResults(String... stages) {
    return new RecordOptions(lineage, statsInterval, journal, Set.of(stages));
  }
}
