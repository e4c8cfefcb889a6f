package io.celestialflow.benchmarks;

import io.celestialflow.Execution;
import io.celestialflow.GraphResult;
import io.celestialflow.RunBuilder;
import io.celestialflow.TaskGraph;
import io.celestialflow.TaskStage;
import io.celestialflow.micrometer.CelestialFlowMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * The run both metrics pairs measure: the three-stage {@code SERIAL} chain of {@link
 * ProgressBenchmark} over a million trivial tasks, with or without a {@link CelestialFlowMetrics}
 * bound to a {@link SimpleMeterRegistry} that lives as long as the trial (as an application's
 * registry does). After each metered run the registry is read like a scrape, and its counts are
 * checked: the meters must have seen every task.
 */
final class MeteredChain implements AutoCloseable {
  static final int TASKS = 1_000_000;
  static final String GRAPH = "metrics-bench";

  private final List<Long> tasks = Workloads.tasks(TASKS);
  private final TaskStage<Long, Long> first =
      TaskStage.map("plus-one", Workloads::chainFirst).execution(Execution.serial()).build();
  private final TaskStage<Long, Long> last =
      TaskStage.map("minus-one", Workloads::chainThird).execution(Execution.serial()).build();
  private final TaskGraph graph;
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final CelestialFlowMetrics metrics;
  private long metered;

  MeteredChain(boolean timeTasks) {
    TaskStage<Long, Long> second =
        TaskStage.map("times-two", Workloads::chainSecond).execution(Execution.serial()).build();
    graph =
        TaskGraph.builder(GRAPH)
            .stages(first, second, last)
            .edge(first, second)
            .edge(second, last)
            .build();
    CelestialFlowMetrics.Builder b = CelestialFlowMetrics.builder(registry);
    metrics = (timeTasks ? b.timeTasks() : b).build();
  }

  /** One run, metered or not; returns the verified sum of the results. */
  long run(boolean withMetrics) {
    LongAdder sum = new LongAdder();
    RunBuilder run = graph.newRun().input(first, tasks).discardOutputs().onOutput(last, sum::add);
    if (withMetrics) {
      metrics.bind(run);
    }
    GraphResult result = run.run();
    String what = withMetrics ? "metrics on" : "metrics off";
    Workloads.verify(what, result, last, TASKS);
    if (withMetrics) {
      metered += TASKS;
      double seen =
          registry
              .get(CelestialFlowMetrics.COMPLETED)
              .tags("graph", GRAPH, "stage", "minus-one", "outcome", "succeeded")
              .functionCounter()
              .count();
      Workloads.verify("metered tasks", metered, (long) seen);
    }
    return Workloads.verify(what, Workloads.sumOfChain(TASKS), sum.sum());
  }

  @Override
  public void close() {
    graph.close();
    metrics.close();
    registry.close();
  }
}
