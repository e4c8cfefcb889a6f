package io.celestialflow.samples;

import io.celestialflow.Execution;
import io.celestialflow.GraphResult;
import io.celestialflow.TaskGraph;
import io.celestialflow.TaskStage;
import java.util.List;

/**
 * The quick start wired by hand with the builder API — what the processor generates from {@link
 * QuickStart}, written out: {@code add(x, y)} then {@code square}, over (1,2), (3,4), (5,6), giving
 * 9, 49 and 121.
 */
public final class QuickStartByHand {
  /** The two arguments of {@code add}: one task. */
  public record AddArgs(int x, int y) {}

  private QuickStartByHand() {}

  /** Adds the two arguments. */
  public static final TaskStage<AddArgs, Integer> ADD =
      TaskStage.map("add", (AddArgs a) -> a.x() + a.y()).execution(Execution.threads(4)).build();

  /** Squares its input. */
  public static final TaskStage<Integer, Integer> SQUARE =
      TaskStage.map("square", (Integer x) -> x * x).execution(Execution.threads(4)).build();

  /**
   * Builds the two-stage graph.
   *
   * @return the graph; close it when done
   */
  public static TaskGraph graph() {
    return TaskGraph.builder("quickstart").stages(ADD, SQUARE).edge(ADD, SQUARE).build();
  }

  /**
   * Runs the quick start.
   *
   * @return the result; its {@code square} outputs are 9, 49 and 121 in some order
   */
  public static GraphResult run() {
    try (TaskGraph graph = graph()) {
      return graph.run(ADD, List.of(new AddArgs(1, 2), new AddArgs(3, 4), new AddArgs(5, 6)));
    }
  }
}
