package io.celestialflow.samples;

import io.celestialflow.Edge;
import io.celestialflow.ExecutionMode;
import io.celestialflow.Pipeline;
import io.celestialflow.Routed;
import io.celestialflow.Stage;
import io.celestialflow.StageKind;

/**
 * A router graph, and a cycle: the Collatz walk of each number. The router {@code step} sends an
 * even value to {@code half}, an odd one to {@code triple}, and 1 to {@code done}; {@code half} and
 * {@code triple} feed {@code step} again, so every walk loops until it reaches 1, and the run ends
 * when the last one does. All stage methods are static, so the graph needs no instance.
 */
@Pipeline(name = "collatz")
public final class Collatz {
  private Collatz() {}

  /**
   * Where one walk is.
   *
   * @param start the number it started from
   * @param value the current value
   * @param steps the steps taken so far
   */
  public record Walk(long start, long value, int steps) {}

  @Stage
  @Edge(to = "step")
  static Walk start(long n) {
    return new Walk(n, n, 0);
  }

  @Stage(
      kind = StageKind.ROUTER,
      routes = {"half", "triple", "done"},
      mode = ExecutionMode.THREAD,
      workers = 4)
  @Edge(to = "half")
  @Edge(to = "triple")
  @Edge(to = "done")
  static Routed<Walk> step(Walk walk) {
    if (walk.value() == 1) {
      return Routed.to("done", walk);
    }
    return Routed.to(walk.value() % 2 == 0 ? "half" : "triple", walk);
  }

  @Stage
  @Edge(to = "step")
  static Walk half(Walk walk) {
    return new Walk(walk.start(), walk.value() / 2, walk.steps() + 1);
  }

  @Stage
  @Edge(to = "step")
  static Walk triple(Walk walk) {
    return new Walk(walk.start(), 3 * walk.value() + 1, walk.steps() + 1);
  }

  @Stage
  static String done(Walk walk) {
    return walk.start() + ": " + walk.steps() + " steps";
  }
}
