package io.celestialflow.structure;

import io.celestialflow.Layout;
import io.celestialflow.TaskGraph;
import io.celestialflow.TaskStage;
import java.util.List;

/**
 * A centre stage feeding every stage of a ring, the ring being a {@link TaskLoop}: {@code center ->
 * r1, ..., center -> rn} and {@code r1 -> r2 -> ... -> rn -> r1}. The centre is the entry; there is
 * no exit.
 *
 * <pre>{@code
 * TaskGraph wheel = TaskWheel.of(center, List.of(ring1, ring2, ring3));
 * }</pre>
 *
 * The centre may take any type of task but must emit the ring's type {@code T}. Like a loop, a
 * wheel ends by itself once the ring stops emitting (see {@link TaskLoop} for how, and for keeping
 * it open to injected tasks); it is cyclic, so it always uses {@link Layout#STREAMING}. Stages keep
 * their own names (the original renamed them {@code Center}, {@code Ring-1}, ...).
 */
public final class TaskWheel {
  private TaskWheel() {}

  /**
   * Builds a wheel named {@code "wheel"}.
   *
   * @param center the centre stage
   * @param ring the ring's stages in ring order, at least one
   * @param <T> the type flowing around the ring
   * @return the graph
   * @throws io.celestialflow.GraphDefinitionException if {@code ring} is empty or names repeat
   */
  public static <T> TaskGraph of(
      TaskStage<?, ? extends T> center, List<? extends TaskStage<? super T, ? extends T>> ring) {
    return TaskWheel.<T>builder("wheel", center, ring).build();
  }

  /**
   * Starts a graph with the wheel's stages and edges already added; add more stages, listeners,
   * then build.
   *
   * @param name the graph's name
   * @param center the centre stage
   * @param ring the ring's stages in ring order, at least one
   * @param <T> the type flowing around the ring
   * @return the builder
   * @throws io.celestialflow.GraphDefinitionException if {@code ring} is empty or names repeat
   */
  public static <T> TaskGraph.Builder builder(
      String name,
      TaskStage<?, ? extends T> center,
      List<? extends TaskStage<? super T, ? extends T>> ring) {
    Shapes.nonEmpty("TaskWheel", "ring stage", ring);
    TaskGraph.Builder b = TaskGraph.builder(name).stage(center).stages(ring);
    for (TaskStage<? super T, ? extends T> spoke : ring) {
      b.<T>edge(center, spoke);
    }
    TaskLoop.<T>ring(b, ring);
    return b;
  }
}
