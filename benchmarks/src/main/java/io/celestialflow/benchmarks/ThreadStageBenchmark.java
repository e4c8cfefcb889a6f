package io.celestialflow.benchmarks;

import io.celestialflow.Execution;
import io.celestialflow.GraphResult;
import io.celestialflow.TaskGraph;
import io.celestialflow.TaskStage;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
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
 * Figure 2: a {@code THREAD} stage with 4 platform workers running a trivial function over 100,000
 * tasks, against a {@link ThreadPoolExecutor} of 4 threads fed by {@code submit} for every task,
 * then {@code get} of every future. The score is the time per task.
 */
@State(Scope.Benchmark)
@Fork(2) // more threads than cores: scheduling varies from one JVM to the next
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@OperationsPerInvocation(ThreadStageBenchmark.TASKS)
public class ThreadStageBenchmark {
  /** Tasks per invocation. */
  public static final int TASKS = 100_000;

  /** Worker threads on both sides. */
  public static final int WORKERS = 4;

  private List<Long> tasks = List.of();

  @SuppressWarnings("NullAway.Init")
  private TaskStage<Long, Long> stage;

  @SuppressWarnings("NullAway.Init")
  private TaskGraph graph;

  @SuppressWarnings("NullAway.Init")
  private ThreadPoolExecutor pool;

  /** Creates the benchmark state; JMH calls {@link #setUp()} before use. */
  public ThreadStageBenchmark() {}

  /** Builds the task list, the graph and the baseline's pool (reused by every invocation). */
  @Setup(Level.Trial)
  public void setUp() {
    tasks = Workloads.tasks(TASKS);
    stage =
        TaskStage.map("increment", Workloads::increment)
            .execution(Execution.threads(WORKERS))
            .build();
    graph = TaskGraph.builder("thread-bench").stage(stage).build();
    pool =
        new ThreadPoolExecutor(
            WORKERS,
            WORKERS,
            0L,
            TimeUnit.MILLISECONDS,
            new LinkedBlockingQueue<>(),
            Thread.ofPlatform().name("baseline-pool-", 0).daemon(true).factory());
    pool.prestartAllCoreThreads();
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
   * Plain Java: submit every task to the pool, then get every future.
   *
   * @return the verified sum of the results
   * @throws InterruptedException if the wait was interrupted
   * @throws ExecutionException if a task failed
   */
  @Benchmark
  public long baseline() throws InterruptedException, ExecutionException {
    List<Future<Long>> futures = new ArrayList<>(TASKS);
    for (Long x : tasks) {
      futures.add(pool.submit(() -> Workloads.increment(x)));
    }
    LongAdder sum = new LongAdder();
    for (Future<Long> f : futures) {
      sum.add(f.get());
    }
    return Workloads.verify("thread baseline", Workloads.sumOfIncrements(TASKS), sum.sum());
  }

  /**
   * CelestialFlow: a run of the 4-thread stage, results to an output callback.
   *
   * @return the verified sum of the results
   */
  @Benchmark
  public long celestialFlow() {
    LongAdder sum = new LongAdder();
    GraphResult result =
        graph.newRun().input(stage, tasks).discardOutputs().onOutput(stage, sum::add).run();
    Workloads.verify("thread celestialFlow", result, stage, TASKS);
    return Workloads.verify("thread celestialFlow", Workloads.sumOfIncrements(TASKS), sum.sum());
  }
}
