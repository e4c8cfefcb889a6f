package io.celestialflow.benchmarks;

import io.celestialflow.Execution;
import io.celestialflow.GraphResult;
import io.celestialflow.RunBuilder;
import io.celestialflow.TaskGraph;
import io.celestialflow.TaskStage;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * A run where every task fails: 1,000,000 tasks whose function throws a new exception each time,
 * through a {@code SERIAL} stage that keeps the first {@value RunBuilder#DEFAULT_KEEP_FAILURES}
 * failures and counts the rest. The baseline is the loop one writes by hand: call, catch, keep the
 * first ten thousand exceptions, count. The score is the time per task; {@link FailureHeapProbe}
 * reports the peak heap of each side.
 */
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = "-Xmx256m")
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@OperationsPerInvocation(FailureBenchmark.TASKS)
public class FailureBenchmark {
  /** Tasks per invocation. */
  public static final int TASKS = 1_000_000;

  private List<Long> tasks = List.of();

  @SuppressWarnings("NullAway.Init")
  private TaskStage<Long, Long> stage;

  @SuppressWarnings("NullAway.Init")
  private TaskGraph graph;

  /** Creates the benchmark state; JMH calls {@link #setUp()} before use. */
  public FailureBenchmark() {}

  /** The failing function: a new exception per task, as user code would throw. */
  static Long fail(Long x) {
    throw new IllegalStateException("task " + x + " failed");
  }

  /** Builds the task list and the graph. */
  @Setup(Level.Trial)
  public void setUp() {
    tasks = Workloads.tasks(TASKS);
    stage = TaskStage.map("fail", FailureBenchmark::fail).execution(Execution.serial()).build();
    graph = TaskGraph.builder("failure-bench").stage(stage).build();
  }

  /** Closes the graph. */
  @TearDown(Level.Trial)
  public void tearDown() {
    graph.close();
  }

  /**
   * Plain Java: call, catch, keep the first ten thousand, count.
   *
   * @return the number of failures
   */
  @Benchmark
  public long baseline() {
    return baselineLoop(tasks);
  }

  static long baselineLoop(List<Long> tasks) {
    List<Throwable> kept = new ArrayList<>();
    long failed = 0;
    for (Long x : tasks) {
      try {
        fail(x);
      } catch (IllegalStateException e) {
        if (kept.size() < RunBuilder.DEFAULT_KEEP_FAILURES) {
          kept.add(e);
        }
        failed++;
      }
    }
    return Workloads.verify("failure baseline", tasks.size(), failed);
  }

  /**
   * CelestialFlow: a run where every task fails.
   *
   * @return the number of failures
   */
  @Benchmark
  public long celestialFlow() {
    return runOnce(graph, stage, tasks);
  }

  static long runOnce(TaskGraph graph, TaskStage<Long, Long> stage, List<Long> tasks) {
    GraphResult result = graph.newRun().input(stage, tasks).discardOutputs().run();
    if (result.failures().size() != RunBuilder.DEFAULT_KEEP_FAILURES) {
      throw new IllegalStateException("failures kept: " + result.failures().size());
    }
    return Workloads.verify("failure celestialFlow", tasks.size(), result.failureCount());
  }
}
