package io.celestialflow;

import java.time.Duration;
import java.util.List;

/**
 * A live snapshot of a run, cheap to take from any thread: the run's state and every stage's
 * counters, in the graph's stage order.
 *
 * @param graph the graph name
 * @param state the run state
 * @param elapsed time since the run started
 * @param stages per-stage counters
 */
public record GraphStatus(String graph, RunState state, Duration elapsed, List<StageStats> stages) {
  /**
   * Copies the stage list.
   *
   * @param graph the graph name
   * @param state the run state
   * @param elapsed time since start
   * @param stages per-stage counters
   */
  public GraphStatus {
    stages = List.copyOf(stages);
  }

  /**
   * The counters of one stage.
   *
   * @param name the stage name
   * @return its counters
   * @throws GraphInputException if the graph has no such stage
   */
  public StageStats stage(String name) {
    for (StageStats s : stages) {
      if (s.stage().equals(name)) {
        return s;
      }
    }
    throw new GraphInputException("no stage named '" + name + "' in graph '" + graph + "'");
  }
}
