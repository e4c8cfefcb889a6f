package io.celestialflow.structure;

import io.celestialflow.GraphDefinitionException;
import io.celestialflow.Layout;
import io.celestialflow.TaskGraph;
import io.celestialflow.TaskStage;
import java.util.List;

/**
 * A rectangular grid of stages, each feeding the stage to its right and the stage below it. The
 * top-left stage is the only entry, the bottom-right the only exit.
 *
 * <pre>{@code
 * //  g11 ─▶ g12 ─▶ g13
 * //   │      │      │
 * //   ▼      ▼      ▼
 * //  g21 ─▶ g22 ─▶ g23
 * TaskGraph grid = TaskGrid.of(List.of(List.of(g11, g12, g13), List.of(g21, g22, g23)),
 *     Layout.STREAMING);
 * }</pre>
 *
 * A task entering the top-left stage reaches the stage in row {@code i}, column {@code j} (from 0)
 * once per path, that is {@code (i+j)! / (i! j!)} times. Acyclic, so either {@link Layout} may be
 * used. Every stage takes and emits the same type {@code T}. Stages are added row by row and keep
 * their own names (the original renamed them {@code Grid-1-1}, ...).
 */
public final class TaskGrid {
  private TaskGrid() {}

  /**
   * Builds a grid named {@code "grid"}.
   *
   * @param grid the rows, top to bottom, each listing its stages left to right; all rows the same
   *     length, at least one row and column
   * @param layout the layout
   * @param <T> the type flowing through the grid
   * @return the graph
   * @throws GraphDefinitionException if the grid is empty or not rectangular, or names repeat
   */
  public static <T> TaskGraph of(
      List<? extends List<? extends TaskStage<? super T, ? extends T>>> grid, Layout layout) {
    return TaskGrid.<T>builder("grid", grid).layout(layout).build();
  }

  /**
   * Starts a graph with the grid's stages and edges already added; add more, set the layout
   * (default {@link Layout#STREAMING}) or listeners, then build.
   *
   * @param name the graph's name
   * @param grid the rows, top to bottom, each listing its stages left to right; all rows the same
   *     length, at least one row and column
   * @param <T> the type flowing through the grid
   * @return the builder
   * @throws GraphDefinitionException if the grid is empty or not rectangular, or names repeat
   */
  public static <T> TaskGraph.Builder builder(
      String name, List<? extends List<? extends TaskStage<? super T, ? extends T>>> grid) {
    Shapes.nonEmpty("TaskGrid", "row", grid);
    int columns = Shapes.nonEmpty("TaskGrid row 1", "stage", grid.get(0)).size();
    TaskGraph.Builder b = TaskGraph.builder(name);
    for (int i = 0; i < grid.size(); i++) {
      if (grid.get(i).size() != columns) {
        throw new GraphDefinitionException(
            "TaskGrid must be rectangular: row "
                + (i + 1)
                + " has "
                + grid.get(i).size()
                + " stages, row 1 has "
                + columns);
      }
      b.stages(grid.get(i));
    }
    for (int i = 0; i < grid.size(); i++) {
      for (int j = 0; j < columns; j++) {
        TaskStage<? super T, ? extends T> here = grid.get(i).get(j);
        if (j + 1 < columns) {
          b.<T>edge(here, grid.get(i).get(j + 1));
        }
        if (i + 1 < grid.size()) {
          b.<T>edge(here, grid.get(i + 1).get(j));
        }
      }
    }
    return b;
  }
}
