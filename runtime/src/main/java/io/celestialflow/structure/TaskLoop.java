package io.celestialflow.structure;

import io.celestialflow.Layout;
import io.celestialflow.TaskGraph;
import io.celestialflow.TaskStage;
import java.util.List;

/**
 * A ring of stages: each feeds the next and the last feeds the first, {@code s1 -> s2 -> ... -> sn
 * -> s1} (one stage feeds itself). A ring has no entry and no exit stage: feed any of its stages,
 * and collect the outputs you want with {@link io.celestialflow.RunBuilder#collect} or {@link
 * io.celestialflow.RunBuilder#onOutput}.
 *
 * <h2>How a loop ends</h2>
 *
 * In the original, a loop ran until something outside stopped it. Here a run ends by itself once
 * its inputs are exhausted and no task is queued or in flight anywhere — so a loop ends as soon as
 * its stages stop emitting: a splitter that returns nothing for a finished task, a router that
 * routes it nowhere, a stage with {@link io.celestialflow.TaskStage.Builder#dedupe()} that drops a
 * task it has already seen. (A ring of {@code map} stages that always emit runs for ever, like any
 * program that never stops producing work; cancel it with {@link
 * io.celestialflow.GraphRun#cancel}.)
 *
 * <pre>{@code
 * TaskStage<Integer, Integer> countDown =
 *     TaskStage.splitter("count-down", (Integer n) -> n > 0 ? List.of(n - 1) : List.of()).build();
 * try (TaskGraph loop = TaskLoop.of(List.of(countDown))) {
 *   GraphResult result = loop.newRun().input(countDown, List.of(3)).collect(countDown).run();
 *   result.outputs(countDown);   // [2, 1, 0]
 * }
 * }</pre>
 *
 * To keep a loop open for tasks that arrive later (the dashboard injects through this), start the
 * run with {@link io.celestialflow.RunBuilder#keepOpen()}, {@link io.celestialflow.GraphRun#inject
 * inject} tasks, and {@link io.celestialflow.GraphRun#closeInputs() close the inputs} when no more
 * will come; the run then ends once the loop has drained.
 *
 * <p>A loop is cyclic, so it always uses {@link Layout#STREAMING}; setting {@link Layout#SERIAL} on
 * its {@link #builder builder} fails at {@code build()}. Stages keep their own names.
 */
public final class TaskLoop {
  private TaskLoop() {}

  /**
   * Builds a loop named {@code "loop"}.
   *
   * @param stages the stages in ring order, at least one
   * @param <T> the type flowing around the ring
   * @return the graph
   * @throws io.celestialflow.GraphDefinitionException if {@code stages} is empty or names repeat
   */
  public static <T> TaskGraph of(List<? extends TaskStage<? super T, ? extends T>> stages) {
    return TaskLoop.<T>builder("loop", stages).build();
  }

  /**
   * Starts a graph with the loop's stages and edges already added; add more stages (an exit fed by
   * one of the ring's stages, say), listeners, then build.
   *
   * @param name the graph's name
   * @param stages the stages in ring order, at least one
   * @param <T> the type flowing around the ring
   * @return the builder
   * @throws io.celestialflow.GraphDefinitionException if {@code stages} is empty or names repeat
   */
  public static <T> TaskGraph.Builder builder(
      String name, List<? extends TaskStage<? super T, ? extends T>> stages) {
    Shapes.nonEmpty("TaskLoop", "stage", stages);
    TaskGraph.Builder b = TaskGraph.builder(name).stages(stages);
    ring(b, stages);
    return b;
  }

  /** Connects each stage to the next, and the last to the first. */
  static <T> void ring(
      TaskGraph.Builder b, List<? extends TaskStage<? super T, ? extends T>> stages) {
    for (int i = 0; i < stages.size(); i++) {
      b.<T>edge(stages.get(i), stages.get((i + 1) % stages.size()));
    }
  }
}
