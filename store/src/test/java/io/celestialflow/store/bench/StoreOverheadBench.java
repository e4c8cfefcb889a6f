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
 * The cost of recording a run when nothing fails: a 3-stage chain of trivial tasks run with and
 * without the store (default options: a stats snapshot every second, no lineage), alternating, in
 * the same JVM. Prints the median tasks/s of each and their ratio. Target: the store costs less
 * than 5% (ratio above 0.95).
 *
 * <p>Run: {@code java -cp <test class path> io.celestialflow.store.bench.StoreOverheadBench [tasks]
 * [rounds]} (defaults 2,000,000 and 7).
 */
public final class StoreOverheadBench {
  private StoreOverheadBench() {}

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 2_000_000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 7;
    TaskGraph graph = chain();
    Path dir = Scratch.directory("cf-bench-overhead");
    try (RunStore store = RunStore.open(dir)) {
      run(graph.newRun(), n); // warm up both
      run(store.newRun(graph), n);
      double[] plain = new double[rounds];
      double[] recorded = new double[rounds];
      for (int i = 0; i < rounds; i++) {
        plain[i] = run(graph.newRun(), n);
        recorded[i] = run(store.newRun(graph), n);
      }
      double p = Median.of(plain);
      double r = Median.of(recorded);
      System.out.printf(
          Locale.ROOT,
          "tasks per run: %,d (3 stages, nothing fails), rounds: %d%n"
              + "without store (baseline): %,.0f tasks/s%n"
              + "with store:               %,.0f tasks/s%n"
              + "ratio: %.3f (target > 0.95)%n",
          n,
          rounds,
          p,
          r,
          r / p);
    }
  }

  private static TaskGraph chain() {
    TaskStage<Integer, Integer> a = TaskStage.map("a", (Integer x) -> x + 1).build();
    TaskStage<Integer, Integer> b = TaskStage.map("b", (Integer x) -> x * 2).build();
    TaskStage<Integer, Integer> c = TaskStage.map("c", (Integer x) -> x - 1).build();
    return TaskGraph.builder("chain").stages(a, b, c).chain(a, b, c).build();
  }

  private static double run(RunBuilder run, int n) {
    Iterable<Integer> tasks = () -> IntStream.range(0, n).iterator();
    long t0 = System.nanoTime();
    GraphResult result = run.input("a", tasks).discardOutputs().run();
    double rate = n / ((System.nanoTime() - t0) / 1e9);
    if (result.stats("c").succeeded() != n) {
      throw new IllegalStateException("lost tasks: " + result);
    }
    return rate;
  }
}
