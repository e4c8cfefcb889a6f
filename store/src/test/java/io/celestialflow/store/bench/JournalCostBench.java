package io.celestialflow.store.bench;

import io.celestialflow.Execution;
import io.celestialflow.GraphResult;
import io.celestialflow.RunBuilder;
import io.celestialflow.TaskGraph;
import io.celestialflow.TaskStage;
import io.celestialflow.store.RecordOptions;
import io.celestialflow.store.RunStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.stream.IntStream;

/**
 * The cost of the durable journal: tasks/s of a 3-stage chain (the first on 4 threads) recorded in
 * the store without and with {@link RecordOptions#withJournal}, in the same run, and their ratio.
 * Each task's function spins for {@code micros} microseconds (default 0: the journal's whole cost
 * shows; with real work it hides behind it).
 *
 * <p>With {@code lineage} as third argument it measures lineage recording ({@link
 * RecordOptions#withLineage}) the same way instead of the journal (issue 9's targets: at most 2×
 * for trivial tasks, at most 10% for tasks of 100 µs).
 *
 * <p>Run: {@code java -cp <test class path> io.celestialflow.store.bench.JournalCostBench [tasks]
 * [micros] [journal|lineage]} (defaults 200,000, 0 and journal).
 */
public final class JournalCostBench {
  private JournalCostBench() {}

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
    long micros = args.length > 1 ? Long.parseLong(args[1]) : 0;
    String what = args.length > 2 ? args[2] : "journal";
    if (!what.equals("journal") && !what.equals("lineage")) {
      throw new IllegalArgumentException("journal or lineage, not " + what);
    }
    TaskStage<Integer, Integer> a =
        TaskStage.map("a", (Integer x) -> work(x, micros))
            .taskType(Integer.class)
            .execution(Execution.threads(4))
            .build();
    TaskStage<Integer, Integer> b =
        TaskStage.map("b", (Integer x) -> work(x, micros)).taskType(Integer.class).build();
    TaskStage<Integer, Void> c =
        TaskStage.consumer("c", (Integer x) -> work(x, micros)).taskType(Integer.class).build();
    TaskGraph graph =
        TaskGraph.builder("journal-cost").stage(a).stage(b).stage(c).edge(a, b).edge(b, c).build();
    Path dir = Files.createTempDirectory("cf-bench-journal");
    RecordOptions plain = RecordOptions.defaults().withStatsInterval(Duration.ZERO);
    RecordOptions journal =
        what.equals("journal") ? plain.withJournal(true) : plain.withLineage(true);
    try (RunStore store = RunStore.open(dir)) {
      run(store.newRun(graph, plain), n / 10);
      run(store.newRun(graph, journal), n / 10);
      double without = run(store.newRun(graph, plain), n);
      double with = run(store.newRun(graph, journal), n);
      System.out.printf(
          Locale.ROOT,
          "tasks per run: %,d (3 stages, %d us of work per task and stage)%n"
              + "store without %s: %,.0f tasks/s%n"
              + "store with %s:    %,.0f tasks/s%n"
              + "ratio: %.3f (cost: %.2fx)%n",
          n,
          micros,
          what,
          without,
          what,
          with,
          with / without,
          without / with);
    }
  }

  private static Integer work(Integer x, long micros) {
    if (micros > 0) {
      long end = System.nanoTime() + micros * 1000;
      while (System.nanoTime() < end) {
        Thread.onSpinWait();
      }
    }
    return x;
  }

  private static double run(RunBuilder run, int n) {
    long t0 = System.nanoTime();
    GraphResult r = run.input("a", IntStream.range(0, n).boxed().toList()).run();
    double rate = n / ((System.nanoTime() - t0) / 1e9);
    if (r.stats().get(2).succeeded() != n) {
      throw new IllegalStateException("expected " + n + " tasks at the sink: " + r);
    }
    return rate;
  }
}
