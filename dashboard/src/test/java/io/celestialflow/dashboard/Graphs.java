package io.celestialflow.dashboard;

import io.celestialflow.Execution;
import io.celestialflow.TaskGraph;
import io.celestialflow.TaskStage;
import java.io.IOException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Small real graphs for the tests; every stage declares its task type. */
final class Graphs {
  private Graphs() {}

  /** A task with two fields, for strict record decoding. */
  record Point(int x, int y) {}

  /** double (2 threads) → sink; doubles integers. */
  static TaskGraph numbers(String name) {
    TaskStage<Integer, Integer> twice =
        TaskStage.<Integer, Integer>map("double", x -> x * 2)
            .taskType(Integer.class)
            .execution(Execution.threads(2))
            .build();
    TaskStage<Integer, Integer> sink =
        TaskStage.<Integer, Integer>map("sink", x -> x).taskType(Integer.class).build();
    return TaskGraph.builder(name).stages(twice, sink).edge(twice, sink).build();
  }

  /** points → norm; a record task type. */
  static TaskGraph points() {
    TaskStage<Point, Integer> points =
        TaskStage.<Point, Integer>map("points", p -> p.x() * p.x() + p.y() * p.y())
            .taskType(Point.class)
            .build();
    TaskStage<Integer, Integer> norm =
        TaskStage.<Integer, Integer>map("norm", x -> x).taskType(Integer.class).build();
    TaskStage<String, String> untyped = TaskStage.<String, String>map("untyped", s -> s).build();
    return TaskGraph.builder("points").stages(points, norm, untyped).edge(points, norm).build();
  }

  /**
   * check → done; multiples of 3 fail with IllegalArgumentException, multiples of 5 with
   * IOException, in check; in done, values above 1000 fail with IllegalStateException.
   */
  static TaskGraph failing() {
    TaskStage<Integer, Integer> check =
        TaskStage.<Integer, Integer>map("check", Graphs::check).taskType(Integer.class).build();
    TaskStage<Integer, Integer> done =
        TaskStage.<Integer, Integer>map(
                "done",
                x -> {
                  if (x > 1000) {
                    throw new IllegalStateException("too big: " + x);
                  }
                  return x;
                })
            .taskType(Integer.class)
            .build();
    return TaskGraph.builder("failing").stages(check, done).edge(check, done).build();
  }

  private static int check(int x) throws IOException {
    if (x % 3 == 0) {
      throw new IllegalArgumentException("multiple of three: " + x);
    }
    if (x % 5 == 0) {
      throw new IOException("multiple of five: " + x);
    }
    return x;
  }

  /** flaky → out; each value fails the first time it is seen, then succeeds. */
  static TaskGraph flaky() {
    Set<Integer> seen = ConcurrentHashMap.newKeySet();
    TaskStage<Integer, Integer> flaky =
        TaskStage.<Integer, Integer>map(
                "flaky",
                x -> {
                  if (seen.add(x)) {
                    throw new IllegalStateException("first attempt of " + x);
                  }
                  return x;
                })
            .taskType(Integer.class)
            .build();
    TaskStage<Integer, Integer> out =
        TaskStage.<Integer, Integer>map("out", x -> x).taskType(Integer.class).build();
    return TaskGraph.builder("flaky").stages(flaky, out).edge(flaky, out).build();
  }

  /** a ⇄ b: a loop that counts down to zero; plus an exit stage. */
  static TaskGraph loop() {
    TaskStage<Integer, Integer> a =
        TaskStage.<Integer, Integer>router(
                "a",
                x ->
                    x > 0
                        ? io.celestialflow.Routed.to("b", x - 1)
                        : io.celestialflow.Routed.to("end", x))
            .taskType(Integer.class)
            .build();
    TaskStage<Integer, Integer> b =
        TaskStage.<Integer, Integer>map("b", x -> x).taskType(Integer.class).build();
    TaskStage<Integer, Void> end =
        TaskStage.<Integer>consumer("end", x -> {}).taskType(Integer.class).build();
    return TaskGraph.builder("loop").stages(a, b, end).edge(a, b).edge(b, a).edge(a, end).build();
  }
}
