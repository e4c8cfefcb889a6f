package io.celestialflow.benchmarks;

import io.celestialflow.Execution;
import io.celestialflow.GraphResult;
import io.celestialflow.TaskGraph;
import io.celestialflow.TaskStage;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Figure 3: 10,000 tasks that each sleep 10 ms, on a stage with {@code virtualThreads(10_000)} (all
 * of them in flight at once), against {@link Executors#newVirtualThreadPerTaskExecutor()} with
 * every task submitted, then every future read. The score is the time of the whole batch.
 */
@State(Scope.Benchmark)
@Fork(1)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class VirtualThreadStageBenchmark {
  /** Tasks per invocation (one batch). */
  public static final int TASKS = 10_000;

  /** How long each task sleeps. */
  public static final long SLEEP_MILLIS = 10;

  private List<Long> tasks = List.of();

  @SuppressWarnings("NullAway.Init")
  private TaskStage<Long, Long> stage;

  @SuppressWarnings("NullAway.Init")
  private TaskGraph graph;

  /** Creates the benchmark state; JMH calls {@link #setUp()} before use. */
  public VirtualThreadStageBenchmark() {}

  /** The blocking task: sleeps, then increments. */
  static Long sleepThenIncrement(Long x) throws InterruptedException {
    Thread.sleep(SLEEP_MILLIS);
    return x + 1;
  }

  /** Builds the task list and the graph (reused by every invocation). */
  @Setup(Level.Trial)
  public void setUp() {
    tasks = Workloads.tasks(TASKS);
    stage =
        TaskStage.map("sleep", VirtualThreadStageBenchmark::sleepThenIncrement)
            .execution(Execution.virtualThreads(TASKS))
            .build();
    graph = TaskGraph.builder("virtual-thread-bench").stage(stage).build();
  }

  /** Closes the graph. */
  @TearDown(Level.Trial)
  public void tearDown() {
    graph.close();
  }

  /**
   * Plain Java: a virtual thread per task, every future read at the end.
   *
   * @return the verified sum of the results
   * @throws InterruptedException if the wait was interrupted
   * @throws ExecutionException if a task failed
   */
  @Benchmark
  public long baseline() throws InterruptedException, ExecutionException {
    LongAdder sum = new LongAdder();
    try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<Long>> futures = new ArrayList<>(TASKS);
      for (Long x : tasks) {
        futures.add(executor.submit(() -> sleepThenIncrement(x)));
      }
      for (Future<Long> f : futures) {
        sum.add(f.get());
      }
    }
    return Workloads.verify("virtual-thread baseline", Workloads.sumOfIncrements(TASKS), sum.sum());
  }

  /**
   * CelestialFlow: a run of the virtual-thread stage, results to an output callback.
   *
   * @return the verified sum of the results
   */
  @Benchmark
  public long celestialFlow() {
    LongAdder sum = new LongAdder();
    GraphResult result =
        graph.newRun().input(stage, tasks).discardOutputs().onOutput(stage, sum::add).run();
    Workloads.verify("virtual-thread celestialFlow", result, stage, TASKS);
    return Workloads.verify(
        "virtual-thread celestialFlow", Workloads.sumOfIncrements(TASKS), sum.sum());
  }
}
