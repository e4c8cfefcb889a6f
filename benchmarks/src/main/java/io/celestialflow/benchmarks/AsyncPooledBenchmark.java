package io.celestialflow.benchmarks;

import io.celestialflow.Execution;
import io.celestialflow.GraphResult;
import io.celestialflow.TaskGraph;
import io.celestialflow.TaskStage;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
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
 * Figure 4b: an {@code ASYNC} stage ({@code workers(64)}) whose function returns {@code
 * supplyAsync(() -> x + 1, pool)} on a fixed pool of 4 threads, over 100,000 tasks, against the
 * same hand-written semaphore loop as {@link AsyncCompletedBenchmark}. Results complete on the
 * pool's threads; the score is the time per task.
 */
@State(Scope.Benchmark)
@Fork(2) // more threads than cores: scheduling varies from one JVM to the next
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@OperationsPerInvocation(AsyncPooledBenchmark.TASKS)
public class AsyncPooledBenchmark {
  /** Tasks per invocation. */
  public static final int TASKS = 100_000;

  /** The most results outstanding, on both sides. */
  public static final int LIMIT = 64;

  /** Threads of the pool the function submits to. */
  public static final int POOL_THREADS = 4;

  private List<Long> tasks = List.of();

  @SuppressWarnings("NullAway.Init")
  private ExecutorService pool;

  @SuppressWarnings("NullAway.Init")
  private Function<Long, CompletableFuture<Long>> function;

  @SuppressWarnings("NullAway.Init")
  private TaskStage<Long, Long> stage;

  @SuppressWarnings("NullAway.Init")
  private TaskGraph graph;

  /** Creates the benchmark state; JMH calls {@link #setUp()} before use. */
  public AsyncPooledBenchmark() {}

  /** Builds the task list, the pool and the graph (reused by every invocation). */
  @Setup(Level.Trial)
  public void setUp() {
    tasks = Workloads.tasks(TASKS);
    pool =
        Executors.newFixedThreadPool(
            POOL_THREADS, Thread.ofPlatform().name("async-pool-", 0).daemon(true).factory());
    ExecutorService p = pool;
    function = x -> CompletableFuture.supplyAsync(() -> Workloads.increment(x), p);
    stage =
        TaskStage.<Long, Long>async("increment", function::apply)
            .execution(Execution.async(LIMIT))
            .build();
    graph = TaskGraph.builder("async-pooled-bench").stage(stage).build();
  }

  /**
   * Closes the graph and stops the pool.
   *
   * @throws InterruptedException if interrupted while waiting for the pool
   */
  @TearDown(Level.Trial)
  public void tearDown() throws InterruptedException {
    graph.close();
    pool.shutdown();
    if (!pool.awaitTermination(10, TimeUnit.SECONDS)) {
      pool.shutdownNow();
    }
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
    Workloads.semaphoreLoop(tasks, function, LIMIT, sum);
    return Workloads.verify("async-pooled baseline", Workloads.sumOfIncrements(TASKS), sum.sum());
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
    Workloads.verify("async-pooled celestialFlow", result, stage, TASKS);
    return Workloads.verify(
        "async-pooled celestialFlow", Workloads.sumOfIncrements(TASKS), sum.sum());
  }
}
