package io.celestialflow.samples;

import io.celestialflow.Edge;
import io.celestialflow.ExecutionMode;
import io.celestialflow.Pipeline;
import io.celestialflow.Stage;
import java.util.List;

/**
 * The original library's quick start, the annotated way: {@code add(x, y)} then {@code square},
 * both on thread pools, all stages running at once. Compiling it generates {@code QuickStartGraph};
 * over (1,2), (3,4), (5,6) it gives 9, 49 and 121.
 *
 * <pre>{@code
 * try (QuickStartGraph graph = new QuickStartGraph(new QuickStart())) {
 *   List<Integer> squares = graph.run(List.of(new AddArgs(1, 2), new AddArgs(3, 4))).square();
 * }
 * }</pre>
 *
 * From the command line, through the generated runner: {@code java -cp ...
 * io.celestialflow.samples.QuickStartGraph --input add='[[1,2],[3,4],[5,6]]'}.
 */
@Pipeline(name = "quickstart")
public class QuickStart {
  /** Creates the stages' instance; the generated runner calls this. */
  public QuickStart() {}

  @Stage(mode = ExecutionMode.THREAD, workers = 4)
  @Edge(to = "square")
  int add(int x, int y) {
    return x + y;
  }

  @Stage(mode = ExecutionMode.THREAD, workers = 4)
  int square(int x) {
    return x * x;
  }

  /**
   * Runs the quick start on the original's three tasks.
   *
   * @return the result; {@code square()} holds 9, 49 and 121 in some order
   */
  public static QuickStartGraph.Result run() {
    try (QuickStartGraph graph = new QuickStartGraph(new QuickStart())) {
      return graph.run(
          List.of(
              new QuickStartGraph.AddArgs(1, 2),
              new QuickStartGraph.AddArgs(3, 4),
              new QuickStartGraph.AddArgs(5, 6)));
    }
  }
}
