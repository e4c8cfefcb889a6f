package io.celestialflow.structure;

import io.celestialflow.Layout;
import io.celestialflow.TaskGraph;
import io.celestialflow.TaskStage;
import java.util.List;

/**
 * A complete graph: every stage feeds every other stage (none feeds itself). With more than one
 * stage there is no entry and no exit: feed any stage, collect what you need with {@link
 * io.celestialflow.RunBuilder#collect}.
 *
 * <pre>{@code
 * TaskStage<Integer, Integer> n1 = TaskStage.map("n1", (Integer x) -> x).dedupe().build();
 * // ... n2, n3 alike
 * try (TaskGraph complete = TaskComplete.of(List.of(n1, n2, n3))) {
 *   complete.newRun().input(n1, List.of(1, 2, 3)).collect(n1, n2, n3).run();
 *   // each stage processes each value once; the copies coming back are counted as duplicates
 * }
 * }</pre>
 *
 * Every task an emitting stage produces goes to all the others, which send it on again, so a
 * complete graph ends by itself only if its stages stop emitting — typically through {@link
 * io.celestialflow.TaskStage.Builder#dedupe() duplicate checking}, as above, or splitters that emit
 * nothing for a finished task (see {@link TaskLoop}). Cyclic, so it always uses {@link
 * Layout#STREAMING}. Stages keep their own names (the original renamed them {@code Node 1}, ...).
 */
public final class TaskComplete {
  private TaskComplete() {}

  /**
   * Builds a complete graph named {@code "complete"}.
   *
   * @param stages the stages, at least one
   * @param <T> the type flowing between the stages
   * @return the graph
   * @throws io.celestialflow.GraphDefinitionException if {@code stages} is empty or names repeat
   */
  public static <T> TaskGraph of(List<? extends TaskStage<? super T, ? extends T>> stages) {
    return TaskComplete.<T>builder("complete", stages).build();
  }

  /**
   * Starts a graph with the complete graph's stages and edges already added; add more stages,
   * listeners, then build.
   *
   * @param name the graph's name
   * @param stages the stages, at least one
   * @param <T> the type flowing between the stages
   * @return the builder
   * @throws io.celestialflow.GraphDefinitionException if {@code stages} is empty or names repeat
   */
  public static <T> TaskGraph.Builder builder(
      String name, List<? extends TaskStage<? super T, ? extends T>> stages) {
    Shapes.nonEmpty("TaskComplete", "stage", stages);
    TaskGraph.Builder b = TaskGraph.builder(name).stages(stages);
    for (TaskStage<? super T, ? extends T> from : stages) {
      for (TaskStage<? super T, ? extends T> to : stages) {
        if (from != to) {
          b.<T>edge(from, to);
        }
      }
    }
    return b;
  }
}
