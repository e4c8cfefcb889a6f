package demo;

import io.celestialflow.Edge;
import io.celestialflow.ExecutionMode;
import io.celestialflow.Layout;
import io.celestialflow.Pipeline;
import io.celestialflow.Routed;
import io.celestialflow.Stage;
import io.celestialflow.StageKind;
import java.util.List;

/** Splits a text into lines and routes each line by its first character. */
@Pipeline(name = "triage", layout = Layout.SERIAL)
public class Triage {
  @Stage(kind = StageKind.SPLITTER)
  @Edge(to = "classify")
  List<String> lines(String text) {
    return text.lines().toList();
  }

  @Stage(kind = StageKind.ROUTER, routes = {"urgent", "routine"})
  @Edge(to = "urgent")
  @Edge(to = "routine")
  Routed<String> classify(String line) {
    return Routed.to(line.startsWith("!") ? "urgent" : "routine", line);
  }

  @Stage(mode = ExecutionMode.THREAD, workers = 2)
  String urgent(String line) {
    return "URGENT: " + line.substring(1);
  }

  @Stage(kind = StageKind.SPLITTER)
  String[] routine(String line) {
    return line.split(" ");
  }
}
