package io.celestialflow.benchmarks;

import io.celestialflow.Execution;
import io.celestialflow.GraphResult;
import io.celestialflow.TaskGraph;
import io.celestialflow.TaskStage;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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
 * A synchronous stage with a timeout: each task runs on its own virtual thread while a worker waits
 * for it, at most the timeout (the worker is freed at once if it hangs). The baseline is what one
 * writes by hand for that: submit each task to a virtual-thread executor and {@code get} it with
 * the timeout. Two workers on each side; 100,000 tasks; the score is the time per task.
 */
@State(Scope.Benchmark)
@Fork(1)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@OperationsPerInvocation(TimeoutBenchmark.TASKS)
public class TimeoutBenchmark {
  /** Tasks per invocation. */
  public static final int TASKS = 100_000;

  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private List<Long> tasks = List.of();

  @SuppressWarnings("NullAway.Init")
  private TaskStage<Long, Long> stage;

  @SuppressWarnings("NullAway.Init")
  private TaskGraph graph;

  @SuppressWarnings("NullAway.Init")
  private ExecutorService virtual;

  @SuppressWarnings("NullAway.Init")
  private ExecutorService workers;

  /** Creates the benchmark state; JMH calls {@link #setUp()} before use. */
  public TimeoutBenchmark() {}

  /** Builds the task list, the graph and the baseline's executors. */
  @Setup(Level.Trial)
  public void setUp() {
    tasks = Workloads.tasks(TASKS);
    stage =
        TaskStage.map("increment", Workloads::increment)
            .execution(Execution.threads(2))
            .timeout(TIMEOUT)
            .build();
    graph = TaskGraph.builder("timeout-bench").stage(stage).build();
    virtual = Executors.newVirtualThreadPerTaskExecutor();
    workers = Executors.newFixedThreadPool(2);
  }

  /** Closes the graph and the executors. */
  @TearDown(Level.Trial)
  public void tearDown() {
    graph.close();
    virtual.shutdownNow();
    workers.shutdownNow();
  }

  /**
   * Plain Java: two workers, each submitting its half of the tasks to virtual threads and waiting
   * for each with the timeout.
   *
   * @return the verified sum of the results
   */
  @Benchmark
  public long baseline() throws InterruptedException, ExecutionException {
    LongAdder sum = new LongAdder();
    int half = TASKS / 2;
    Future<?> a = workers.submit(() -> timedLoop(tasks.subList(0, half), sum));
    Future<?> b = workers.submit(() -> timedLoop(tasks.subList(half, TASKS), sum));
    a.get();
    b.get();
    return Workloads.verify("timeout baseline", Workloads.sumOfIncrements(TASKS), sum.sum());
  }

  private Void timedLoop(List<Long> part, LongAdder sum)
      throws InterruptedException, ExecutionException, TimeoutException {
    for (Long x : part) {
      Future<Long> f = virtual.submit(() -> Workloads.increment(x));
      sum.add(f.get(TIMEOUT.toNanos(), TimeUnit.NANOSECONDS));
    }
    return null;
  }

  /**
   * CelestialFlow: a run of the two-thread stage with its timeout.
   *
   * @return the verified sum of the results
   */
  @Benchmark
  public long celestialFlow() {
    LongAdder sum = new LongAdder();
    GraphResult result =
        graph.newRun().input(stage, tasks).discardOutputs().onOutput(stage, sum::add).run();
    Workloads.verify("timeout celestialFlow", result, stage, TASKS);
    return Workloads.verify("timeout celestialFlow", Workloads.sumOfIncrements(TASKS), sum.sum());
  }
}
