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
 * Figure 1: one {@code SERIAL} stage running a trivial function ({@code x -> x + 1}) over a million
 * tasks from a pre-built list, against a plain loop calling the same function over the same list.
 * Both sides hand every result to a {@link LongAdder}; the score is the time per task.
 */
@State(Scope.Benchmark)
@Fork(1)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@OperationsPerInvocation(SerialStageBenchmark.TASKS)
public class SerialStageBenchmark {
  /** Tasks per invocation. */
  public static final int TASKS = 1_000_000;

  private List<Long> tasks = List.of();

  @SuppressWarnings("NullAway.Init")
  private TaskStage<Long, Long> stage;

  @SuppressWarnings("NullAway.Init")
  private TaskGraph graph;

  /** Creates the benchmark state; JMH calls {@link #setUp()} before use. */
  public SerialStageBenchmark() {}

  /** Builds the task list and the one-stage graph (reused by every invocation). */
  @Setup(Level.Trial)
  public void setUp() {
    tasks = Workloads.tasks(TASKS);
    stage = TaskStage.map("increment", Workloads::increment).execution(Execution.serial()).build();
    graph = TaskGraph.builder("serial-bench").stage(stage).build();
  }

  /** Closes the graph. */
  @TearDown(Level.Trial)
  public void tearDown() {
    graph.close();
  }

  /**
   * Plain Java: a loop over the list.
   *
   * @return the verified sum of the results
   */
  @Benchmark
  public long baseline() {
    LongAdder sum = new LongAdder();
    for (Long x : tasks) {
      sum.add(Workloads.increment(x));
    }
    return Workloads.verify("serial baseline", Workloads.sumOfIncrements(TASKS), sum.sum());
  }

  /**
   * CelestialFlow: a run of the one-stage graph, results to an output callback.
   *
   * @return the verified sum of the results
   */
  @Benchmark
  public long celestialFlow() {
    LongAdder sum = new LongAdder();
    GraphResult result =
        graph.newRun().input(stage, tasks).discardOutputs().onOutput(stage, sum::add).run();
    Workloads.verify("serial celestialFlow", result, stage, TASKS);
    return Workloads.verify("serial celestialFlow", Workloads.sumOfIncrements(TASKS), sum.sum());
  }
}
