package io.celestialflow.structure;

import io.celestialflow.EdgeSpec;
import io.celestialflow.StageKind;
import java.util.List;

/** A graph's structure as a Mermaid flowchart; see {@link GraphAnalysis#toMermaid()}. */
final class MermaidRendering {
  private MermaidRendering() {}

  static String render(GraphAnalysis a) {
    StringBuilder out = new StringBuilder("flowchart LR\n");
    List<List<String>> components = a.stronglyConnectedComponents();
    for (int c = 0; c < components.size(); c++) {
      List<String> members = components.get(c);
      if (members.size() > 1) {
        out.append("    subgraph c").append(c).append(" [cycle]\n");
        for (String name : members) {
          out.append("        ").append(node(a, a.indexOf(name))).append('\n');
        }
        out.append("    end\n");
      } else {
        out.append("    ").append(node(a, a.indexOf(members.get(0)))).append('\n');
      }
    }
    for (EdgeSpec e : a.edges()) {
      out.append("    s")
          .append(a.indexOf(e.from()))
          .append(" --> s")
          .append(a.indexOf(e.to()))
          .append('\n');
    }
    return out.toString();
  }

  private static String node(GraphAnalysis a, int stage) {
    String text = "\"" + escape(a.name(stage)) + "\"";
    StageInfo info = a.info(stage);
    StageKind kind = info == null ? StageKind.MAP : info.kind();
    String shaped;
    if (kind == StageKind.SPLITTER) {
      shaped = "[[" + text + "]]";
    } else if (kind == StageKind.ROUTER) {
      shaped = "{" + text + "}";
    } else if (kind == StageKind.CONSUMER) {
      shaped = "([" + text + "])";
    } else {
      shaped = "[" + text + "]";
    }
    return "s" + stage + shaped;
  }

  /**
   * Escapes text for a quoted Mermaid label with Mermaid's numeric entity codes ({@code #35;} is
   * shown as {@code #}): quotes, the entity marker {@code #} itself, the HTML specials ampersand
   * and angle brackets, the backtick that would start a Markdown string, and control characters.
   */
  static String escape(String text) {
    StringBuilder b = new StringBuilder(text.length() + 8);
    text.codePoints()
        .forEach(cp -> {
          if (cp == '"'
              || cp == '#'
              || cp == '&'
              || cp == '<'
              || cp == '>'
              || cp == '`'
              || Character.isISOControl(cp)) {
            b.append('#').append(cp).append(';');
          } else {
            b.appendCodePoint(cp);
          }
        });
    return b.toString();
  }
}
