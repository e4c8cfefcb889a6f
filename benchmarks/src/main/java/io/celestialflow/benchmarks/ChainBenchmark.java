package io.celestialflow.benchmarks;

import io.celestialflow.Execution;
import io.celestialflow.GraphResult;
import io.celestialflow.TaskGraph;
import io.celestialflow.TaskStage;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
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
 * Figure 5: a chain of three {@code SERIAL} stages ({@code x + 1}, {@code x * 2}, {@code x - 1}) in
 * the default streaming layout, over a million tasks, against a plain loop composing the three
 * functions. Both sides add each final result to a {@link LongAdder}; the score is tasks per second
 * end to end (a task counts once, however many stages it passes).
 */
@State(Scope.Benchmark)
@Fork(1)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@OperationsPerInvocation(ChainBenchmark.TASKS)
public class ChainBenchmark {
  /** Tasks per invocation. */
  public static final int TASKS = 1_000_000;

  private List<Long> tasks = List.of();

  @SuppressWarnings("NullAway.Init")
  private TaskStage<Long, Long> first;

  @SuppressWarnings("NullAway.Init")
  private TaskStage<Long, Long> last;

  @SuppressWarnings("NullAway.Init")
  private TaskGraph graph;

  /** Creates the benchmark state; JMH calls {@link #setUp()} before use. */
  public ChainBenchmark() {}

  /** Builds the task list and the three-stage graph (reused by every invocation). */
  @Setup(Level.Trial)
  public void setUp() {
    tasks = Workloads.tasks(TASKS);
    first = TaskStage.map("plus-one", Workloads::chainFirst).execution(Execution.serial()).build();
    TaskStage<Long, Long> second =
        TaskStage.map("times-two", Workloads::chainSecond).execution(Execution.serial()).build();
    last = TaskStage.map("minus-one", Workloads::chainThird).execution(Execution.serial()).build();
    graph =
        TaskGraph.builder("chain-bench")
            .stages(first, second, last)
            .edge(first, second)
            .edge(second, last)
            .build();
  }

  /** Closes the graph. */
  @TearDown(Level.Trial)
  public void tearDown() {
    graph.close();
  }

  /**
   * Plain Java: one loop composing the three functions.
   *
   * @return the verified sum of the results
   */
  @Benchmark
  public long baseline() {
    LongAdder sum = new LongAdder();
    for (Long x : tasks) {
      sum.add(Workloads.chainThird(Workloads.chainSecond(Workloads.chainFirst(x))));
    }
    return Workloads.verify("chain baseline", Workloads.sumOfChain(TASKS), sum.sum());
  }

  /**
   * CelestialFlow: a run of the three-stage chain, final results to an output callback.
   *
   * @return the verified sum of the results
   */
  @Benchmark
  public long celestialFlow() {
    LongAdder sum = new LongAdder();
    GraphResult result =
        graph.newRun().input(first, tasks).discardOutputs().onOutput(last, sum::add).run();
    Workloads.verify("chain celestialFlow", result, last, TASKS);
    return Workloads.verify("chain celestialFlow", Workloads.sumOfChain(TASKS), sum.sum());
  }
}
