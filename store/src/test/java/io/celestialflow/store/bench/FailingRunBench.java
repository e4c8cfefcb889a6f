package io.celestialflow.store.bench;

import io.celestialflow.GraphResult;
import io.celestialflow.RunBuilder;
import io.celestialflow.TaskGraph;
import io.celestialflow.TaskStage;
import io.celestialflow.store.RunStore;
import java.nio.file.Path;
import java.util.Locale;
import java.util.stream.IntStream;

/**
 * A run where every task fails, with and without the store: tasks/s of each and their ratio. Every
 * failure is recorded with its task, types, message and stack trace (rendered on the store's writer
 * thread), so this is the store's heaviest load per task.
 *
 * <p>Run: {@code java -cp <test class path> io.celestialflow.store.bench.FailingRunBench [tasks]}
 * (default 500,000).
 */
public final class FailingRunBench {
  private FailingRunBench() {}

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 500_000;
    TaskStage<Integer, Integer> boom =
        TaskStage.<Integer, Integer>map(
                "boom",
                (Integer x) -> {
                  throw new IllegalStateException("boom " + x);
                })
            .taskType(Integer.class)
            .build();
    TaskGraph graph = TaskGraph.builder("failing").stage(boom).build();
    Path dir = Scratch.directory("cf-bench-failing");
    try (RunStore store = RunStore.open(dir)) {
      run(graph.newRun(), n / 5);
      run(store.newRun(graph), n / 5);
      double plain = run(graph.newRun(), n);
      double recorded = run(store.newRun(graph), n);
      System.out.printf(
          Locale.ROOT,
          "failing tasks per run: %,d%nwithout store (baseline): %,.0f failures/s%n"
              + "with store (all recorded, committed before the result): %,.0f failures/s%n"
              + "ratio: %.3f%n",
          n,
          plain,
          recorded,
          recorded / plain);
    }
  }

  private static double run(RunBuilder run, int n) {
    Iterable<Integer> tasks = () -> IntStream.range(0, n).iterator();
    long t0 = System.nanoTime();
    GraphResult r = run.input("boom", tasks).keepFailures(0).run();
    double rate = n / ((System.nanoTime() - t0) / 1e9);
    if (r.failureCount() != n) {
      throw new IllegalStateException("expected " + n + " failures: " + r);
    }
    return rate;
  }
}
