package io.celestialflow.structure;

import io.celestialflow.Layout;
import io.celestialflow.TaskGraph;
import io.celestialflow.TaskStage;
import java.util.List;

/**
 * Layers of stages, each stage of a layer feeding every stage of the next one. The first layer's
 * stages are the entries, the last layer's the exits; within a layer stages run side by side.
 *
 * <pre>{@code
 * //          ┌─▶ b1 ─┐┌─▶ c1
 * //  a ──────┤       ├┼─▶ c2     every b feeds every c
 * //          └─▶ b2 ─┘└─▶ c3
 * TaskGraph cross = TaskCross.of(List.of(List.of(a), List.of(b1, b2), List.of(c1, c2, c3)),
 *     Layout.STREAMING);
 * }</pre>
 *
 * A task entering the first layer thus reaches a stage of layer {@code k} once per path: a stage of
 * layer 3 above receives every output of {@code a} twice, once through each {@code b}. Acyclic, so
 * either {@link Layout} may be used. Every stage takes and emits the same type {@code T}. Stages
 * keep their own names (the original renamed them {@code Layer1-1}, ...).
 */
public final class TaskCross {
  private TaskCross() {}

  /**
   * Builds a cross named {@code "cross"}.
   *
   * @param layers the layers in order, at least one, each with at least one stage
   * @param layout the layout
   * @param <T> the type flowing through the layers
   * @return the graph
   * @throws io.celestialflow.GraphDefinitionException if a layer is empty or names repeat
   */
  public static <T> TaskGraph of(
      List<? extends List<? extends TaskStage<? super T, ? extends T>>> layers, Layout layout) {
    return TaskCross.<T>builder("cross", layers).layout(layout).build();
  }

  /**
   * Starts a graph with the cross's stages and edges already added; add more, set the layout
   * (default {@link Layout#STREAMING}) or listeners, then build.
   *
   * @param name the graph's name
   * @param layers the layers in order, at least one, each with at least one stage
   * @param <T> the type flowing through the layers
   * @return the builder
   * @throws io.celestialflow.GraphDefinitionException if a layer is empty or names repeat
   */
  public static <T> TaskGraph.Builder builder(
      String name, List<? extends List<? extends TaskStage<? super T, ? extends T>>> layers) {
    Shapes.nonEmpty("TaskCross", "layer", layers);
    TaskGraph.Builder b = TaskGraph.builder(name);
    for (int i = 0; i < layers.size(); i++) {
      b.stages(Shapes.nonEmpty("TaskCross layer " + (i + 1), "stage", layers.get(i)));
    }
    for (int i = 0; i + 1 < layers.size(); i++) {
      for (TaskStage<? super T, ? extends T> from : layers.get(i)) {
        for (TaskStage<? super T, ? extends T> to : layers.get(i + 1)) {
          b.<T>edge(from, to);
        }
      }
    }
    return b;
  }
}
