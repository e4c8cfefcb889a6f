package io.celestialflow.benchmarks;

import io.celestialflow.Execution;
import io.celestialflow.GraphResult;
import io.celestialflow.TaskGraph;
import io.celestialflow.TaskStage;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
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
 * An {@code ASYNC} stage with a timeout, results completed on a pool, at most 64 outstanding. The
 * baseline holds 64 permits by hand and puts the JDK's own timeout on each future ({@link
 * CompletableFuture#orTimeout}, one timer entry per task). 200,000 tasks; time per task.
 */
@State(Scope.Benchmark)
@Fork(1)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@OperationsPerInvocation(AsyncTimeoutBenchmark.TASKS)
public class AsyncTimeoutBenchmark {
  /** Tasks per invocation. */
  public static final int TASKS = 200_000;

  private static final int LIMIT = 64;
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private List<Long> tasks = List.of();

  @SuppressWarnings("NullAway.Init")
  private TaskStage<Long, Long> stage;

  @SuppressWarnings("NullAway.Init")
  private TaskGraph graph;

  @SuppressWarnings("NullAway.Init")
  private ExecutorService pool;

  /** Creates the benchmark state; JMH calls {@link #setUp()} before use. */
  public AsyncTimeoutBenchmark() {}

  /** Builds the task list, the pool and the graph. */
  @Setup(Level.Trial)
  public void setUp() {
    tasks = Workloads.tasks(TASKS);
    pool = Executors.newFixedThreadPool(2);
    stage =
        TaskStage.<Long, Long>async(
                "increment", x -> CompletableFuture.supplyAsync(() -> Workloads.increment(x), pool))
            .execution(Execution.async(LIMIT))
            .timeout(TIMEOUT)
            .build();
    graph = TaskGraph.builder("async-timeout-bench").stage(stage).build();
  }

  /** Closes the graph and the pool. */
  @TearDown(Level.Trial)
  public void tearDown() {
    graph.close();
    pool.shutdownNow();
  }

  /**
   * Plain Java: a semaphore of 64 permits and {@code orTimeout} on every future.
   *
   * @return the verified sum of the results
   */
  @Benchmark
  public long baseline() throws InterruptedException {
    LongAdder sum = new LongAdder();
    Workloads.semaphoreLoop(
        tasks,
        x ->
            CompletableFuture.supplyAsync(() -> Workloads.increment(x), pool)
                .orTimeout(TIMEOUT.toNanos(), TimeUnit.NANOSECONDS),
        LIMIT,
        sum);
    return Workloads.verify("async timeout baseline", Workloads.sumOfIncrements(TASKS), sum.sum());
  }

  /**
   * CelestialFlow: a run of the async stage with its timeout.
   *
   * @return the verified sum of the results
   */
  @Benchmark
  public long celestialFlow() {
    LongAdder sum = new LongAdder();
    GraphResult result =
        graph.newRun().input(stage, tasks).discardOutputs().onOutput(stage, sum::add).run();
    Workloads.verify("async timeout celestialFlow", result, stage, TASKS);
    return Workloads.verify(
        "async timeout celestialFlow", Workloads.sumOfIncrements(TASKS), sum.sum());
  }
}
