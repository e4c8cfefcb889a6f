package io.celestialflow.samples;

import io.celestialflow.Execution;
import io.celestialflow.GraphResult;
import io.celestialflow.StageStats;
import io.celestialflow.TaskGraph;
import io.celestialflow.TaskStage;
import io.celestialflow.structure.GraphAnalysis;
import io.celestialflow.structure.TaskWheel;
import java.util.List;

/**
 * A structure helper and the graph analysis: a {@link TaskWheel} whose centre, {@code seed}, feeds
 * every stage of the ring {@code fetch -> parse -> follow -> fetch}. A task is the number of hops
 * it has left; each ring stage passes it on with one hop less, and drops it at zero — so the wheel
 * ends by itself. {@link #main} prints the graph as the original library did, as a Mermaid
 * flowchart, and the counts of a run.
 */
public final class Structures {
  private Structures() {}

  /** Parses the number of hops a task starts with. */
  public static final TaskStage<String, Integer> SEED =
      TaskStage.map("seed", (String hops) -> Integer.parseInt(hops.strip())).build();

  /** The ring, in order; each stage emits {@code hops - 1} while hops are left. */
  public static final List<TaskStage<Integer, Integer>> RING =
      List.of(hop("fetch"), hop("parse"), hop("follow"));

  private static TaskStage<Integer, Integer> hop(String name) {
    return TaskStage.splitter(name, (Integer hops) -> hops > 0 ? List.of(hops - 1) : List.of())
        .execution(Execution.threads(4))
        .build();
  }

  /**
   * Builds the wheel.
   *
   * @return the graph; close it when done
   */
  public static TaskGraph graph() {
    return TaskWheel.of(SEED, RING);
  }

  /**
   * Runs the wheel and collects what each ring stage emits.
   *
   * @param seeds the tasks for the centre, as text
   * @return the result
   */
  public static GraphResult run(List<String> seeds) {
    try (TaskGraph graph = graph()) {
      return graph.newRun().input(SEED, seeds).collect(RING.get(0), RING.get(1), RING.get(2)).run();
    }
  }

  /**
   * Prints the structure and runs the wheel.
   *
   * @param args optional: the hops of each seed task (default 2 and 5)
   */
  public static void main(String[] args) {
    List<String> seeds = args.length > 0 ? List.of(args) : List.of("2", "5");
    try (TaskGraph graph = graph()) {
      GraphAnalysis analysis = GraphAnalysis.of(graph);
      System.out.println(analysis.renderText());
      System.out.println();
      System.out.print(analysis.toMermaid());
      System.out.println();
      System.out.println("components: " + analysis.stronglyConnectedComponents());
      System.out.println("levels:     " + analysis.levels());
    }
    GraphResult result = run(seeds);
    System.out.println(result.state() + " in " + result.elapsed().toMillis() + " ms");
    for (StageStats s : result.stats()) {
      System.out.printf("  %-7s received %3d  emitted %3d%n", s.stage(), s.received(), s.emitted());
    }
  }
}
