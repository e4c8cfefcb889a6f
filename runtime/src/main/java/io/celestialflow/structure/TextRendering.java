package io.celestialflow.structure;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * The original library's text rendering of a graph's structure; see {@link
 * GraphAnalysis#renderText()}.
 */
final class TextRendering {
  private static final String ARROW = "╘-->";
  private static final String INDENT = "    ";
  private static final String VISITED = " [Visited]";

  private TextRendering() {}

  static String render(GraphAnalysis a) {
    if (a.size() == 0) {
      return "+ No stages defined +";
    }
    List<String> lines = new ArrayList<>();
    boolean[] expanded = new boolean[a.size()];
    // Depth-first, pre-order, with an explicit stack so that a chain of thousands of stages
    // cannot overflow the call stack. Each frame is {stage, depth}.
    Deque<int[]> stack = new ArrayDeque<>();
    for (int root : a.sourceRoots()) {
      if (!lines.isEmpty()) {
        lines.add("");
      }
      stack.push(new int[] {root, 0});
      while (!stack.isEmpty()) {
        int[] frame = stack.pop();
        int stage = frame[0];
        int depth = frame[1];
        String prefix = depth == 0 ? "" : INDENT.repeat(depth - 1) + ARROW;
        if (expanded[stage]) {
          lines.add(prefix + label(a, stage) + VISITED);
          continue;
        }
        expanded[stage] = true;
        lines.add(prefix + label(a, stage));
        int[] next = a.successorsOf(stage);
        for (int k = next.length - 1; k >= 0; k--) {
          stack.push(new int[] {next[k], depth + 1});
        }
      }
    }
    return box(lines);
  }

  private static String label(GraphAnalysis a, int stage) {
    StringBuilder b = new StringBuilder(a.name(stage)).append(" (layout: ").append(a.layout());
    StageInfo info = a.info(stage);
    if (info != null) {
      b.append(", kind: ").append(info.kind()).append(", mode: ").append(info.execution());
    }
    return b.append(')').toString();
  }

  private static String box(List<String> lines) {
    int width = 0;
    for (String line : lines) {
      width = Math.max(width, columns(line));
    }
    String border = "+" + "-".repeat(width + 2) + "+";
    StringBuilder out = new StringBuilder(border).append('\n');
    for (String line : lines) {
      out.append("| ").append(line).append(" ".repeat(width - columns(line))).append(" |\n");
    }
    return out.append(border).toString();
  }

  /** Characters, not UTF-16 units, so that names outside the BMP line up as in the original. */
  private static int columns(String line) {
    return line.codePointCount(0, line.length());
  }
}
