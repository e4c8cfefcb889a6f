package io.celestialflow.benchmarks;

import io.celestialflow.Execution;
import io.celestialflow.GraphResult;
import io.celestialflow.RunBuilder;
import io.celestialflow.TaskGraph;
import io.celestialflow.TaskStage;
import io.celestialflow.progress.ConsoleProgress;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
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
 * The cost of console progress: the same run of a three-stage {@code SERIAL} chain over a million
 * trivial tasks, without progress ({@code baseline}) and with {@link ConsoleProgress} drawing bars
 * at its 4 Hz into a stream that discards them ({@code celestialFlow}), so the drawing is real but
 * no terminal's speed is measured. Target: at most 3% slower. The score is the time per task.
 *
 * <p>The two sides run in turn in one benchmark ({@link InterleavedSides}): what progress costs is
 * a few hundred microseconds per run, less than a JVM's JIT moves a 45 ms run of three threads on
 * two cores from one fork to the next.
 */
@State(Scope.Benchmark)
@Fork(3) // three stage threads on two cores: scheduling varies from one JVM to the next
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@OperationsPerInvocation(2 * ProgressBenchmark.TASKS)
public class ProgressBenchmark {
  /** Tasks per invocation. */
  public static final int TASKS = 1_000_000;

  private List<Long> tasks = List.of();

  @SuppressWarnings("NullAway.Init")
  private TaskStage<Long, Long> first;

  @SuppressWarnings("NullAway.Init")
  private TaskStage<Long, Long> last;

  @SuppressWarnings("NullAway.Init")
  private TaskGraph graph;

  private final PrintStream nowhere =
      new PrintStream(OutputStream.nullOutputStream(), false, StandardCharsets.UTF_8);

  /** Creates the benchmark state; JMH calls {@link #setUp()} before use. */
  public ProgressBenchmark() {}

  /** Builds the task list and the three-stage graph (reused by every invocation). */
  @Setup(Level.Trial)
  public void setUp() {
    tasks = Workloads.tasks(TASKS);
    first = TaskStage.map("plus-one", Workloads::chainFirst).execution(Execution.serial()).build();
    TaskStage<Long, Long> second =
        TaskStage.map("times-two", Workloads::chainSecond).execution(Execution.serial()).build();
    last = TaskStage.map("minus-one", Workloads::chainThird).execution(Execution.serial()).build();
    graph =
        TaskGraph.builder("progress-bench")
            .stages(first, second, last)
            .edge(first, second)
            .edge(second, last)
            .build();
  }

  /** Closes the graph. */
  @TearDown(Level.Trial)
  public void tearDown() {
    graph.close();
  }

  /**
   * One run without progress and one with, in turn.
   *
   * @param sides the counters of each side's time
   * @return the sum of both runs' verified sums
   */
  @Benchmark
  public long interleaved(InterleavedSides sides) {
    return sides.both(TASKS, this::baseline, this::celestialFlow);
  }

  /**
   * The run without progress.
   *
   * @return the verified sum of the results
   */
  public long baseline() {
    return run(false);
  }

  /**
   * The same run with console progress.
   *
   * @return the verified sum of the results
   */
  public long celestialFlow() {
    return run(true);
  }

  private long run(boolean progress) {
    LongAdder sum = new LongAdder();
    RunBuilder run = graph.newRun().input(first, tasks).discardOutputs().onOutput(last, sum::add);
    if (progress) {
      run.listener(
          ConsoleProgress.builder()
              .output(nowhere)
              .mode(ConsoleProgress.Mode.TERMINAL)
              .width(100)
              .captureSystemStreams(false)
              .build());
    }
    GraphResult result = run.run();
    String what = progress ? "progress on" : "progress off";
    Workloads.verify(what, result, last, TASKS);
    return Workloads.verify(what, Workloads.sumOfChain(TASKS), sum.sum());
  }
}
