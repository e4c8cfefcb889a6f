package io.celestialflow.benchmarks;

import io.celestialflow.Execution;
import io.celestialflow.GraphResult;
import io.celestialflow.TaskGraph;
import io.celestialflow.TaskStage;
import java.util.List;
import java.util.concurrent.CompletableFuture;
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
 * Figure 4a: an {@code ASYNC} stage ({@code workers(64)}) whose function returns an already
 * completed future ({@code completedFuture(x + 1)}), over a million tasks, against a hand-written
 * loop that acquires a {@code Semaphore(64)}, calls the same function and releases in {@code
 * whenComplete}. Both sides add each result to a {@link LongAdder}; the score is the time per task.
 */
@State(Scope.Benchmark)
@Fork(1)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@OperationsPerInvocation(AsyncCompletedBenchmark.TASKS)
public class AsyncCompletedBenchmark {
  /** Tasks per invocation. */
  public static final int TASKS = 1_000_000;

  /** The most results outstanding, on both sides. */
  public static final int LIMIT = 64;

  /** The function of both sides: an already completed future of {@code x + 1}. */
  static CompletableFuture<Long> completedIncrement(Long x) {
    return CompletableFuture.completedFuture(Workloads.increment(x));
  }

  private List<Long> tasks = List.of();

  @SuppressWarnings("NullAway.Init")
  private TaskStage<Long, Long> stage;

  @SuppressWarnings("NullAway.Init")
  private TaskGraph graph;

  /** Creates the benchmark state; JMH calls {@link #setUp()} before use. */
  public AsyncCompletedBenchmark() {}

  /** Builds the task list and the graph (reused by every invocation). */
  @Setup(Level.Trial)
  public void setUp() {
    tasks = Workloads.tasks(TASKS);
    stage =
        TaskStage.<Long, Long>async("increment", AsyncCompletedBenchmark::completedIncrement)
            .execution(Execution.async(LIMIT))
            .build();
    graph = TaskGraph.builder("async-completed-bench").stage(stage).build();
  }

  /** Closes the graph. */
  @TearDown(Level.Trial)
  public void tearDown() {
    graph.close();
  }

  /**
   * Plain Java: the semaphore loop.
   *
   * @return the verified sum of the results
   * @throws InterruptedException if interrupted while waiting for a permit
   */
  @Benchmark
  public long baseline() throws InterruptedException {
    LongAdder sum = new LongAdder();
    Workloads.semaphoreLoop(tasks, AsyncCompletedBenchmark::completedIncrement, LIMIT, sum);
    return Workloads.verify(
        "async-completed baseline", Workloads.sumOfIncrements(TASKS), sum.sum());
  }

  /**
   * CelestialFlow: a run of the asynchronous stage, results to an output callback.
   *
   * @return the verified sum of the results
   */
  @Benchmark
  public long celestialFlow() {
    LongAdder sum = new LongAdder();
    GraphResult result =
        graph.newRun().input(stage, tasks).discardOutputs().onOutput(stage, sum::add).run();
    Workloads.verify("async-completed celestialFlow", result, stage, TASKS);
    return Workloads.verify(
        "async-completed celestialFlow", Workloads.sumOfIncrements(TASKS), sum.sum());
  }
}
