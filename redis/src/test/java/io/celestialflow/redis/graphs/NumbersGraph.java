package io.celestialflow.redis.graphs;

import io.celestialflow.Execution;
import io.celestialflow.Routed;
import io.celestialflow.TaskGraph;
import io.celestialflow.TaskStage;
import io.celestialflow.launch.GraphLauncher;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * A graph class shaped like the ones the annotation processor generates (every stage declares its
 * task type; {@code main} delegates to {@link GraphLauncher}), whose stages other graphs use as
 * remote stages: started with {@code --worker square --worker words --redis URL} it serves them
 * from Redis instead of running.
 */
public final class NumbersGraph {
  private NumbersGraph() {}

  /**
   * The graph: {@code square} (Integer to Long, a little slow so that several workers share the
   * work), {@code words} (a splitter: a line to its upper-cased words), and two stages that cannot
   * be served remotely: {@code route} (a router) and {@code untyped} (no declared task type).
   *
   * @return the graph
   */
  public static TaskGraph graph() {
    TaskStage<Integer, Long> square =
        TaskStage.map(
                "square",
                (Integer x) -> {
                  Thread.sleep(2);
                  return (long) x * x;
                })
            .execution(Execution.threads(2))
            .taskType(Integer.class)
            .build();
    TaskStage<String, String> words =
        TaskStage.<String, String>splitter(
                "words",
                (String line) ->
                    Arrays.stream(line.split(" ")).map(w -> w.toUpperCase(Locale.ROOT)).toList())
            .taskType(String.class)
            .build();
    TaskStage<Integer, Integer> route =
        TaskStage.<Integer, Integer>router("route", (Integer x) -> new Routed<>(List.of(), x))
            .taskType(Integer.class)
            .build();
    TaskStage<Integer, Integer> untyped = TaskStage.map("untyped", (Integer x) -> x).build();
    return TaskGraph.builder("numbers").stages(square, words, route, untyped).build();
  }

  /**
   * The command-line runner.
   *
   * @return the launcher
   */
  public static GraphLauncher launcher() {
    return GraphLauncher.of(NumbersGraph.class, graph())
        .input("square", Integer.class)
        .input("words", String.class);
  }

  /**
   * Runs the graph, or serves its stages with {@code --worker}.
   *
   * @param args the command line
   */
  public static void main(String[] args) {
    launcher().launch(args);
  }
}
