package io.celestialflow.benchmarks;

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
 * The cost of Micrometer metrics with the execution timer ({@code timeTasks()}): the same run as
 * {@link MetricsBenchmark}, where every task of every stage is also timed (a per-task observer and
 * a Micrometer {@code Timer} per stage and outcome). Reported, no target: it shows what the timer
 * costs on tasks that do almost nothing.
 */
@State(Scope.Benchmark)
@Fork(1)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@OperationsPerInvocation(MeteredChain.TASKS)
public class MetricsTimedBenchmark {
  @SuppressWarnings("NullAway.Init")
  private MeteredChain chain;

  /** Creates the benchmark state; JMH calls {@link #setUp()} before use. */
  public MetricsTimedBenchmark() {}

  /** Builds the tasks, the graph and the registry (reused by every invocation). */
  @Setup(Level.Trial)
  public void setUp() {
    chain = new MeteredChain(true);
  }

  /** Closes the graph and the registry. */
  @TearDown(Level.Trial)
  public void tearDown() {
    chain.close();
  }

  /**
   * The run without metrics.
   *
   * @return the verified sum of the results
   */
  @Benchmark
  public long baseline() {
    return chain.run(false);
  }

  /**
   * The same run with the registry attached and every task timed.
   *
   * @return the verified sum of the results
   */
  @Benchmark
  public long celestialFlow() {
    return chain.run(true);
  }
}
