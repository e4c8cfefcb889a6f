package io.celestialflow.structure;

import io.celestialflow.Layout;
import io.celestialflow.TaskGraph;
import io.celestialflow.TaskStage;
import java.util.List;

/**
 * A line of stages: each feeds the next, {@code s1 -> s2 -> ... -> sn}. The first stage is the
 * entry, the last the exit. Acyclic, so it may use either {@link Layout}: {@link Layout#STREAMING}
 * (the original's {@code process}: all stages at once) or {@link Layout#SERIAL} (one stage after
 * another).
 *
 * <pre>{@code
 * try (TaskGraph chain = TaskChain.of(List.of(parse, enrich, store), Layout.STREAMING)) {
 *   List<Row> rows = chain.run(parse, lines).outputs(store);
 * }
 * }</pre>
 *
 * Every stage takes and emits the same type {@code T} (more precisely: takes a supertype of it and
 * emits a subtype of it), so that any stage may follow any other. For a line of different types,
 * use {@link TaskGraph.Builder#edge} directly. Stages keep their own names (the original renamed
 * them {@code Stage 1}, {@code Stage 2}, ...).
 */
public final class TaskChain {
  private TaskChain() {}

  /**
   * Builds a chain named {@code "chain"}.
   *
   * @param stages the stages in order, at least one
   * @param layout the layout
   * @param <T> the type flowing along the chain
   * @return the graph
   * @throws io.celestialflow.GraphDefinitionException if {@code stages} is empty or names repeat
   */
  public static <T> TaskGraph of(
      List<? extends TaskStage<? super T, ? extends T>> stages, Layout layout) {
    return TaskChain.<T>builder("chain", stages).layout(layout).build();
  }

  /**
   * Starts a graph with the chain's stages and edges already added; add more, set the layout
   * (default {@link Layout#STREAMING}) or listeners, then build.
   *
   * @param name the graph's name
   * @param stages the stages in order, at least one
   * @param <T> the type flowing along the chain
   * @return the builder
   * @throws io.celestialflow.GraphDefinitionException if {@code stages} is empty or names repeat
   */
  public static <T> TaskGraph.Builder builder(
      String name, List<? extends TaskStage<? super T, ? extends T>> stages) {
    Shapes.nonEmpty("TaskChain", "stage", stages);
    TaskGraph.Builder b = TaskGraph.builder(name).stages(stages);
    for (int i = 0; i + 1 < stages.size(); i++) {
      b.<T>edge(stages.get(i), stages.get(i + 1));
    }
    return b;
  }
}
