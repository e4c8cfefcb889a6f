package io.celestialflow.store.bench;

import io.celestialflow.Execution;
import io.celestialflow.GraphResult;
import io.celestialflow.RunBuilder;
import io.celestialflow.TaskGraph;
import io.celestialflow.TaskStage;
import io.celestialflow.spi.TaskObserver;
import io.celestialflow.spi.TaskOutcome;
import io.celestialflow.store.RecordOptions;
import io.celestialflow.store.RunStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
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
 * <p>The runs alternate, {@code -Dpairs=N} rounds of them (default 5): without, the engine floor
 * (task ids tracked and an observer that does nothing: what the engine's own observation costs,
 * which no store can avoid), and with; costs are medians over the rounds, of wall-clock time and of
 * the process's CPU time (which a loaded machine disturbs less).
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
    Path dir = Scratch.directory("cf-bench-journal");
    RecordOptions plain = RecordOptions.defaults().withStatsInterval(Duration.ZERO);
    RecordOptions journal =
        what.equals("journal") ? plain.withJournal(true) : plain.withLineage(true);
    int pairs = Integer.getInteger("pairs", 5);
    List<Integer> inputs = IntStream.range(0, n).boxed().toList();
    try (RunStore store = RunStore.open(dir)) {
      for (int warm = 0; warm < 2; warm++) { // until the JIT has compiled all three paths
        run(store.newRun(graph, plain), inputs);
        run(store.newRun(graph, plain).trackLineage().observer(NOTHING), inputs);
        run(store.newRun(graph, journal), inputs);
      }
      double[] wall = new double[pairs];
      double[] cpu = new double[pairs];
      double[] floorWall = new double[pairs];
      double[] floorCpu = new double[pairs];
      double[] rates = new double[3];
      for (int p = 0; p < pairs; p++) {
        double[] without = run(store.newRun(graph, plain), inputs);
        double[] floor = run(store.newRun(graph, plain).trackLineage().observer(NOTHING), inputs);
        double[] with = run(store.newRun(graph, journal), inputs);
        wall[p] = without[0] / with[0];
        cpu[p] = with[1] / without[1];
        floorWall[p] = without[0] / floor[0];
        floorCpu[p] = floor[1] / without[1];
        rates[0] += without[0] / pairs;
        rates[1] += with[0] / pairs;
        rates[2] += floor[0] / pairs;
        System.out.printf(
            Locale.ROOT,
            "round %d: without %,.0f tasks/s (%.0f ms CPU), engine floor %,.0f tasks/s (%.0f ms"
                + " CPU), with %,.0f tasks/s (%.0f ms CPU)%n",
            p + 1,
            without[0],
            without[1] / 1e6,
            floor[0],
            floor[1] / 1e6,
            with[0],
            with[1] / 1e6);
      }
      System.out.printf(
          Locale.ROOT,
          "engine floor (task ids tracked, an observer that does nothing): %,.0f tasks/s (mean);"
              + " cost %.2fx wall clock, %.2fx process CPU%n",
          rates[2],
          Median.of(floorWall),
          Median.of(floorCpu));
      System.out.printf(
          Locale.ROOT,
          "tasks per run: %,d (3 stages, %d us of work per task and stage), %d pairs of runs%n"
              + "store without %s: %,.0f tasks/s (mean)%n"
              + "store with %s:    %,.0f tasks/s (mean)%n"
              + "cost (median over rounds): %.2fx wall clock, %.2fx process CPU%n",
          n,
          micros,
          pairs,
          what,
          rates[0],
          what,
          rates[1],
          Median.of(wall),
          Median.of(cpu));
    } finally {
      Scratch.deleteTree(dir); // at once: a 1,000,000-task run leaves about a gigabyte of logs
    }
  }

  /**
   * Observes every task and does nothing, the way the store's recorder observes a run with lineage
   * (untimed, identities only): what the engine's observation costs by itself.
   */
  private static final TaskObserver NOTHING =
      new TaskObserver() {
        @Override
        public boolean wantsTimes(io.celestialflow.TaskStage<?, ?> stage) {
          return false;
        }

        @Override
        public boolean identityOnly(io.celestialflow.TaskStage<?, ?> stage) {
          return true;
        }

        @Override
        public void settled(
            String runId, String stage, long id, long parentId, int attempt, TaskOutcome outcome) {}
      };

  private static Integer work(Integer x, long micros) {
    if (micros > 0) {
      long end = System.nanoTime() + micros * 1000;
      while (System.nanoTime() < end) {
        Thread.onSpinWait();
      }
    }
    return x;
  }

  /**
   * Runs once over {@code inputs}: tasks per second, and the CPU time the process used meanwhile
   * (ns). Every run reads the same list, built once before any clock starts: a million boxed
   * integers take 5–7 ms to build, and a list built for each run was still young when a collection
   * fell into a later run, which then copied it (-Xlog:gc: pauses of 45–125 ms, the heap after them
   * growing to 400 MB, in runs of 60–140 ms; with one list, 8–20 ms and 30 MB).
   */
  private static double[] run(RunBuilder run, List<Integer> inputs) {
    com.sun.management.OperatingSystemMXBean os =
        (com.sun.management.OperatingSystemMXBean)
            java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    int n = inputs.size();
    long cpu0 = os.getProcessCpuTime();
    long t0 = System.nanoTime();
    GraphResult r = run.input("a", inputs).run();
    double rate = n / ((System.nanoTime() - t0) / 1e9);
    long cpu = os.getProcessCpuTime() - cpu0;
    if (r.stats().get(2).succeeded() != n) {
      throw new IllegalStateException("expected " + n + " tasks at the sink: " + r);
    }
    return new double[] {rate, cpu};
  }
}
