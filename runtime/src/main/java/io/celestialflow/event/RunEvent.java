package io.celestialflow.event;

import java.time.Instant;

/**
 * Something that happened during a run. Sealed: a {@code switch} over it covers every kind of
 * event.
 */
public sealed interface RunEvent
    permits RunStarted,
        StageStarted,
        StageFinished,
        TaskFailed,
        TaskRetried,
        InputFailed,
        RunFinished {
  /**
   * The id of the run the event belongs to.
   *
   * @return the run id
   */
  String runId();

  /**
   * The name of the graph that runs.
   *
   * @return the graph name
   */
  String graph();

  /**
   * When the event happened.
   *
   * @return the time
   */
  Instant time();
}
