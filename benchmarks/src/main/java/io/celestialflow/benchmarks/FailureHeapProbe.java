package io.celestialflow.benchmarks;

import io.celestialflow.Execution;
import io.celestialflow.TaskGraph;
import io.celestialflow.TaskStage;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.List;
import java.util.Locale;

/**
 * The peak heap of {@link FailureBenchmark}'s two sides, each measured after a full GC with the
 * pools' peaks reset: what a run where a million tasks fail holds at most, against the hand-written
 * loop that keeps as many exceptions. Run by {@link BenchmarkReport} after the JMH pairs.
 */
final class FailureHeapProbe {
  private FailureHeapProbe() {}

  /** The peak heap in MiB of each side, in a line for the report. */
  static String measure() {
    List<Long> tasks = Workloads.tasks(FailureBenchmark.TASKS);
    double baseline = peakMiB(() -> FailureBenchmark.baselineLoop(tasks));
    TaskStage<Long, Long> stage =
        TaskStage.map("fail", FailureBenchmark::fail).execution(Execution.serial()).build();
    double celestialFlow;
    try (TaskGraph graph = TaskGraph.builder("failure-heap").stage(stage).build()) {
      celestialFlow = peakMiB(() -> FailureBenchmark.runOnce(graph, stage, tasks));
    }
    return String.format(
        Locale.ROOT,
        "peak heap, 1,000,000 failing tasks: baseline %.1f MiB, CelestialFlow %.1f MiB (%.2fx)",
        baseline,
        celestialFlow,
        celestialFlow / baseline);
  }

  private static double peakMiB(Runnable work) {
    System.gc();
    List<MemoryPoolMXBean> heap =
        ManagementFactory.getMemoryPoolMXBeans().stream()
            .filter(p -> p.getType() == MemoryType.HEAP)
            .toList();
    heap.forEach(MemoryPoolMXBean::resetPeakUsage);
    work.run();
    long peak = 0;
    for (MemoryPoolMXBean p : heap) {
      peak += p.getPeakUsage().getUsed();
    }
    return peak / (1024.0 * 1024.0);
  }
}
