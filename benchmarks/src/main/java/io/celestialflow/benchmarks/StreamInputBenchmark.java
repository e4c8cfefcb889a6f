package io.celestialflow.benchmarks;

import io.celestialflow.Execution;
import io.celestialflow.GraphResult;
import io.celestialflow.TaskGraph;
import io.celestialflow.TaskStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.LongStream;
import java.util.stream.Stream;
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
 * A lazy input: a million tasks from a {@link Stream} (read by the feeder as they are produced,
 * under the linger hand-over that a source slower than a chunk needs), through one {@code SERIAL}
 * stage, against a plain loop over the same kind of stream. Both sides add each result to a {@link
 * LongAdder}; the score is the time per task.
 */
@State(Scope.Benchmark)
@Fork(1)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@OperationsPerInvocation(StreamInputBenchmark.TASKS)
public class StreamInputBenchmark {
  /** Tasks per invocation. */
  public static final int TASKS = 1_000_000;

  @SuppressWarnings("NullAway.Init")
  private TaskStage<Long, Long> stage;

  @SuppressWarnings("NullAway.Init")
  private TaskGraph graph;

  /** Creates the benchmark state; JMH calls {@link #setUp()} before use. */
  public StreamInputBenchmark() {}

  /** The source: boxed longs made as they are read. */
  static Stream<Long> source() {
    return LongStream.range(0, TASKS).boxed();
  }

  /** Builds the one-stage graph (reused by every invocation). */
  @Setup(Level.Trial)
  public void setUp() {
    stage = TaskStage.map("increment", Workloads::increment).execution(Execution.serial()).build();
    graph = TaskGraph.builder("stream-bench").stage(stage).build();
  }

  /** Closes the graph. */
  @TearDown(Level.Trial)
  public void tearDown() {
    graph.close();
  }

  /**
   * Plain Java: a loop over the stream.
   *
   * @return the verified sum of the results
   */
  @Benchmark
  public long baseline() {
    LongAdder sum = new LongAdder();
    try (Stream<Long> s = source()) {
      s.forEach(x -> sum.add(Workloads.increment(x)));
    }
    return Workloads.verify("stream baseline", Workloads.sumOfIncrements(TASKS), sum.sum());
  }

  /**
   * CelestialFlow: a run fed by the stream, results to an output callback.
   *
   * @return the verified sum of the results
   */
  @Benchmark
  public long celestialFlow() {
    LongAdder sum = new LongAdder();
    GraphResult result =
        graph.newRun().input(stage, source()).discardOutputs().onOutput(stage, sum::add).run();
    Workloads.verify("stream celestialFlow", result, stage, TASKS);
    return Workloads.verify("stream celestialFlow", Workloads.sumOfIncrements(TASKS), sum.sum());
  }
}
