package io.celestialflow;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * A live snapshot of a run, cheap to take from any thread: the run's state and every stage's
 * counters, in the graph's stage order.
 *
 * @param runId the run id
 * @param graph the graph name
 * @param state the run state
 * @param elapsed time since the run started
 * @param stages per-stage counters
 * @param inputs how far each input source has been read, in the order the run's inputs were given
 */
public record GraphStatus(
    String runId,
    String graph,
    RunState state,
    Duration elapsed,
    List<StageStats> stages,
    List<InputProgress> inputs) {
  /**
   * Copies the stage list.
   *
   * @param runId the run id
   * @param graph the graph name
   * @param state the run state
   * @param elapsed time since start
   * @param stages per-stage counters
   * @param inputs input positions
   */
  public GraphStatus {
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(graph, "graph");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(elapsed, "elapsed");
    stages = List.copyOf(stages);
    inputs = List.copyOf(inputs);
  }

  /**
   * The counters of one stage.
   *
   * @param stage the stage name
   * @return its counters
   * @throws GraphInputException if the graph has no such stage
   */
  public StageStats stats(String stage) {
    for (StageStats s : stages) {
      if (s.stage().equals(stage)) {
        return s;
      }
    }
    throw new GraphInputException("no stage named '" + stage + "' in graph '" + graph + "'");
  }

  /**
   * The counters of one stage.
   *
   * @param stage the stage
   * @return its counters
   * @throws GraphInputException if the graph has no such stage
   */
  public StageStats stats(TaskStage<?, ?> stage) {
    return stats(stage.name());
  }
}
