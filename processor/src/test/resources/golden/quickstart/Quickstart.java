package demo;

import io.celestialflow.Edge;
import io.celestialflow.ExecutionMode;
import io.celestialflow.Stage;

/** The original's quick start: add(x, y), then square. */
public class Quickstart {
  @Stage(mode = ExecutionMode.THREAD, workers = 4)
  @Edge(to = "square")
  int add(int x, int y) {
    return x + y;
  }

  @Stage(mode = ExecutionMode.THREAD)
  int square(int x) {
    return x * x;
  }
}
