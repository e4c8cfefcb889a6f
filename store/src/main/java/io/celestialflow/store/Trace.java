package io.celestialflow.store;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where a task came from and what came of it: the lineage events of the task, of its ancestors (up
 * to the input it descends from) and of its descendants.
 *
 * @param runId the run
 * @param taskId the task traced
 * @param ancestors events of the task's ancestors, the input first
 * @param task events of the task itself
 * @param descendants events of every task descending from it, in id order
 * @param truncated whether descendants were left out beyond {@link RunStore#TRACE_LIMIT} events
 */
public record Trace(
    String runId,
    long taskId,
    List<LineageEvent> ancestors,
    List<LineageEvent> task,
    List<LineageEvent> descendants,
    boolean truncated) {
  /**
   * Copies the lists.
   *
   * @param runId the run
   * @param taskId the task
   * @param ancestors ancestors' events
   * @param task the task's events
   * @param descendants descendants' events
   * @param truncated whether descendants were cut
   */
  public Trace {
    ancestors = List.copyOf(ancestors);
    task = List.copyOf(task);
    descendants = List.copyOf(descendants);
  }

  /**
   * Whether the store knows the task.
   *
   * @return false when no event of it was recorded
   */
  public boolean found() {
    return !task.isEmpty();
  }

  /**
   * The trace as an indented tree, one task per line with its events: {@code #12 parse
   * task.success}.
   *
   * @return the text
   */
  public String render() {
    Map<Long, List<LineageEvent>> byTask = new LinkedHashMap<>();
    Map<Long, List<Long>> children = new LinkedHashMap<>();
    List<LineageEvent> all = new ArrayList<>(ancestors);
    all.addAll(task);
    all.addAll(descendants);
    for (LineageEvent e : all) {
      if (byTask.computeIfAbsent(e.taskId(), k -> new ArrayList<>()).isEmpty()) {
        children.computeIfAbsent(e.parentId(), k -> new ArrayList<>()).add(e.taskId());
      }
      byTask.get(e.taskId()).add(e);
    }
    long root = taskId;
    for (LineageEvent e : ancestors) {
      if (e.parentId() == 0) {
        root = e.taskId();
        break;
      }
    }
    StringBuilder out = new StringBuilder();
    render(root, 0, byTask, children, out);
    if (truncated) {
      out.append("... (more descendants not shown)\n");
    }
    return out.toString();
  }

  private void render(
      long id,
      int depth,
      Map<Long, List<LineageEvent>> byTask,
      Map<Long, List<Long>> children,
      StringBuilder out) {
    out.append("  ".repeat(depth)).append('#').append(id);
    for (LineageEvent e : byTask.getOrDefault(id, List.of())) {
      out.append(' ').append(e.stage()).append(':').append(e.kind().label());
      if (e.attempt() > 1) {
        out.append("(attempt ").append(e.attempt()).append(')');
      }
    }
    if (id == taskId) {
      out.append("   <- traced");
    }
    out.append('\n');
    for (long child : children.getOrDefault(id, List.of())) {
      if (child != id) {
        render(child, depth + 1, byTask, children, out);
      }
    }
  }
}
