package demo;

import io.celestialflow.Edge;
import io.celestialflow.ExecutionMode;
import io.celestialflow.Stage;
import java.util.List;

/** Static stages, one with several arguments, fanning in to a consumer. */
class Labels {
  @Stage
  @Edge(to = "print")
  static String label(String name, double weight, List<String> tags) {
    return name + " " + weight + " " + tags;
  }

  @Stage
  @Edge(to = "print")
  static String joined(List<String> words) {
    return String.join(" ", words);
  }

  @Stage(mode = ExecutionMode.THREAD, workers = 2)
  static void print(String line) {
    System.out.println(line);
  }
}
