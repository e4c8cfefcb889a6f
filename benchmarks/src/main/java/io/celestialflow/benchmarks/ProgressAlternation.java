package io.celestialflow.benchmarks;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * {@link ProgressBenchmark}'s two sides again, alternating run by run in one JVM: medians of many
 * runs without and with console progress, taken turn about so that whatever drifts while they run
 * (the JIT, the garbage collector's sizing, the machine's other load) falls on both alike. The JMH
 * pair runs each side in its own forks, one after the other, and on two cores its score moves from
 * one JVM to the next by more than the 3% it is to show. Run by {@link BenchmarkReport} after the
 * JMH pairs.
 */
final class ProgressAlternation {
  /** Runs of each side measured, after as many of each to warm up. */
  static final int RUNS = 40;

  /** The target: progress costs at most 3%. */
  static final double TARGET = 1.03;

  private ProgressAlternation() {}

  /** The medians of each side, their ratio and whether it meets the target, in a line. */
  static String measure() {
    ProgressBenchmark bench = new ProgressBenchmark();
    bench.setUp();
    try {
      List<Long> without = new ArrayList<>();
      List<Long> with = new ArrayList<>();
      for (int i = 0; i < 2 * RUNS; i++) {
        for (int side = 0; side < 2; side++) {
          // Turn about, the side that goes first changing each round.
          boolean progress = (side == 0) == (i % 2 == 0);
          long t0 = System.nanoTime();
          if (progress) {
            bench.celestialFlow();
          } else {
            bench.baseline();
          }
          long t = System.nanoTime() - t0;
          if (i >= RUNS) {
            (progress ? with : without).add(t);
          }
        }
      }
      double off = median(without) / ProgressBenchmark.TASKS;
      double on = median(with) / ProgressBenchmark.TASKS;
      double ratio = on / off;
      return String.format(
          Locale.ROOT,
          "progress, alternating in one JVM (%d runs a side): median %.2f ns/task without, %.2f"
              + " with = %.3fx (target <= %.2f: %s)",
          RUNS,
          off,
          on,
          ratio,
          TARGET,
          ratio <= TARGET ? "PASS" : "MISS");
    } finally {
      bench.tearDown();
    }
  }

  private static double median(List<Long> times) {
    List<Long> sorted = new ArrayList<>(times);
    Collections.sort(sorted);
    return sorted.get(sorted.size() / 2);
  }
}
