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
import java.util.concurrent.Semaphore;
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
 * Fan-out onto virtual threads: 50 tasks, each split into 200 sub-tasks that sleep 5 ms on a
 * virtual-threads stage with at most 2,000 in flight (a crawler's page → links → downloads). The
 * baseline does the same by hand: a virtual-thread executor, a semaphore of 2,000 permits, every
 * future read. The score is the time of the whole batch (10,000 sleeps of 5 ms).
 */
@State(Scope.Benchmark)
@Fork(1)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class VirtualFanOutBenchmark {
  /** Tasks per batch. */
  public static final int TASKS = 50;

  /** Sub-tasks per task. */
  public static final int FAN_OUT = 200;

  /** Sub-tasks in flight at most. */
  public static final int IN_FLIGHT = 2_000;

  /** How long each sub-task sleeps. */
  public static final long SLEEP_MILLIS = 5;

  private List<Long> tasks = List.of();

  @SuppressWarnings("NullAway.Init")
  private TaskStage<Long, Long> split;

  @SuppressWarnings("NullAway.Init")
  private TaskStage<Long, Long> fetch;

  @SuppressWarnings("NullAway.Init")
  private TaskGraph graph;

  @SuppressWarnings("NullAway.Init")
  private ExecutorService virtual;

  /** Creates the benchmark state; JMH calls {@link #setUp()} before use. */
  public VirtualFanOutBenchmark() {}

  static List<Long> children(Long x) {
    List<Long> out = new ArrayList<>(FAN_OUT);
    for (long i = 0; i < FAN_OUT; i++) {
      out.add(x * FAN_OUT + i);
    }
    return out;
  }

  static Long sleepThenIncrement(Long x) throws InterruptedException {
    Thread.sleep(SLEEP_MILLIS);
    return x + 1;
  }

  /** Builds the graph and the baseline's executor. */
  @Setup(Level.Trial)
  public void setUp() {
    tasks = Workloads.tasks(TASKS);
    split = TaskStage.splitter("split", VirtualFanOutBenchmark::children).build();
    fetch =
        TaskStage.map("fetch", VirtualFanOutBenchmark::sleepThenIncrement)
            .execution(Execution.virtualThreads(IN_FLIGHT))
            .build();
    graph = TaskGraph.builder("fan-out-bench").stages(split, fetch).edge(split, fetch).build();
    virtual = Executors.newVirtualThreadPerTaskExecutor();
  }

  /** Closes the graph and the executor. */
  @TearDown(Level.Trial)
  public void tearDown() {
    graph.close();
    virtual.shutdownNow();
  }

  private static long expectedSum() {
    long n = (long) TASKS * FAN_OUT;
    return n * (n + 1) / 2;
  }

  /**
   * Plain Java: every sub-task submitted under a semaphore, every future read.
   *
   * @return the verified sum of the results
   */
  @Benchmark
  public long baseline() throws InterruptedException, ExecutionException {
    Semaphore permits = new Semaphore(IN_FLIGHT);
    List<Future<Long>> futures = new ArrayList<>(TASKS * FAN_OUT);
    for (Long x : tasks) {
      for (Long child : children(x)) {
        permits.acquire();
        futures.add(
            virtual.submit(() -> {
              try {
                return sleepThenIncrement(child);
              } finally {
                permits.release();
              }
            }));
      }
    }
    long sum = 0;
    for (Future<Long> f : futures) {
      sum += f.get();
    }
    return Workloads.verify("fan-out baseline", expectedSum(), sum);
  }

  /**
   * CelestialFlow: the splitter feeding the virtual-threads stage.
   *
   * @return the verified sum of the results
   */
  @Benchmark
  public long celestialFlow() {
    LongAdder sum = new LongAdder();
    GraphResult result =
        graph.newRun().input(split, tasks).discardOutputs().onOutput(fetch, sum::add).run();
    Workloads.verify("fan-out celestialFlow", result, fetch, (long) TASKS * FAN_OUT);
    return Workloads.verify("fan-out celestialFlow", expectedSum(), sum.sum());
  }
}
