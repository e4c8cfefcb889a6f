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
 * The cost of Micrometer metrics ({@code celestialflow-micrometer}, default meters: counters by
 * outcome, queued and active gauges): the same three-stage {@code SERIAL} chain over a million
 * trivial tasks without metrics ({@code baseline}) and with a registry attached ({@code
 * celestialFlow}), read and checked after each run. Target: at most 2% slower. The score is the
 * time per task.
 *
 * <p>The two sides run in turn in one benchmark ({@link InterleavedSides}), as {@link
 * ProgressBenchmark}'s do: a 2% target is less than a JVM's JIT moves this run from one fork to the
 * next.
 */
@State(Scope.Benchmark)
@Fork(3) // three stage threads on two cores: scheduling varies from one JVM to the next
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@OperationsPerInvocation(2 * MeteredChain.TASKS)
public class MetricsBenchmark {
  @SuppressWarnings("NullAway.Init")
  private MeteredChain chain;

  /** Creates the benchmark state; JMH calls {@link #setUp()} before use. */
  public MetricsBenchmark() {}

  /** Builds the tasks, the graph and the registry (reused by every invocation). */
  @Setup(Level.Trial)
  public void setUp() {
    chain = new MeteredChain(false);
  }

  /** Closes the graph and the registry. */
  @TearDown(Level.Trial)
  public void tearDown() {
    chain.close();
  }

  /**
   * One run without metrics and one with, in turn.
   *
   * @param sides the counters of each side's time
   * @return the sum of both runs' verified sums
   */
  @Benchmark
  public long interleaved(InterleavedSides sides) {
    return sides.both(MeteredChain.TASKS, this::baseline, this::celestialFlow);
  }

  /**
   * The run without metrics.
   *
   * @return the verified sum of the results
   */
  public long baseline() {
    return chain.run(false);
  }

  /**
   * The same run with the registry attached.
   *
   * @return the verified sum of the results
   */
  public long celestialFlow() {
    return chain.run(true);
  }
}
