package io.celestialflow.benchmarks;

import io.celestialflow.Execution;
import io.celestialflow.GraphResult;
import io.celestialflow.TaskGraph;
import io.celestialflow.TaskStage;
import io.celestialflow.store.RecordOptions;
import io.celestialflow.store.RunStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
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
 * The cost of lineage for trivial tasks: a million tasks through a three-stage chain (the first
 * stage on 4 threads, as the store's {@code JournalCostBench} runs it) recorded in a run store
 * without lineage ({@code baseline}) and with it ({@code celestialFlow}: every task's id, parent
 * and outcome at every stage appended to the run's lineage log). Target: at most 2× the time. The
 * score is the time per task.
 *
 * <p>The two sides run in turn in one benchmark ({@link InterleavedSides}), their ratio the median
 * of each invocation's: a run of three stages on six threads on two cores swings by half from one
 * run to the next on either side. Each iteration writes to a store of its own, deleted after it (a
 * million events take about 3 MB of log).
 */
@State(Scope.Benchmark)
@Fork(3) // six threads on two cores: scheduling and the JIT vary from one JVM to the next
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@OperationsPerInvocation(2 * LineageBenchmark.TASKS)
public class LineageBenchmark {
  /** Tasks per run of either side. */
  public static final int TASKS = 1_000_000;

  private static final RecordOptions WITHOUT =
      RecordOptions.defaults().withStatsInterval(Duration.ZERO);

  private static final RecordOptions WITH = WITHOUT.withLineage(true);

  private List<Integer> tasks = List.of();

  @SuppressWarnings("NullAway.Init")
  private TaskStage<Integer, Void> last;

  @SuppressWarnings("NullAway.Init")
  private TaskGraph graph;

  private @Nullable Path directory;

  private @Nullable RunStore store;

  /** Creates the benchmark state; JMH calls {@link #setUp()} before use. */
  public LineageBenchmark() {}

  /** Builds the task list and the graph, reused by every invocation. */
  @Setup(Level.Trial)
  public void setUp() {
    tasks = IntStream.range(0, TASKS).boxed().toList();
    TaskStage<Integer, Integer> a =
        TaskStage.map("a", (Integer x) -> x)
            .taskType(Integer.class)
            .execution(Execution.threads(4))
            .build();
    TaskStage<Integer, Integer> b =
        TaskStage.map("b", (Integer x) -> x).taskType(Integer.class).build();
    last = TaskStage.consumer("c", (Integer x) -> {}).taskType(Integer.class).build();
    graph =
        TaskGraph.builder("lineage-bench")
            .stage(a)
            .stage(b)
            .stage(last)
            .edge(a, b)
            .edge(b, last)
            .build();
  }

  /** Opens a store of the iteration's own in a new directory. */
  @Setup(Level.Iteration)
  public void openStore() throws IOException {
    directory = Files.createTempDirectory("cf-bench-lineage");
    store = RunStore.open(directory);
  }

  /** Closes the iteration's store and deletes its directory. */
  @TearDown(Level.Iteration)
  public void deleteStore() throws IOException {
    RunStore s = store;
    Path dir = directory;
    store = null;
    directory = null;
    if (s != null) {
      s.close();
    }
    if (dir != null) {
      try (Stream<Path> paths = Files.walk(dir)) {
        for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  /** The iteration's store (for tests), or null between iterations. */
  @Nullable RunStore store() {
    return store;
  }

  /** The iteration's store directory (for tests), or null between iterations. */
  @Nullable Path directory() {
    return directory;
  }

  /** Closes the graph. */
  @TearDown(Level.Trial)
  public void tearDown() {
    graph.close();
  }

  /**
   * One run without lineage and one with, in turn.
   *
   * @param sides the counters of each side's time
   * @return the tasks both runs completed
   */
  @Benchmark
  public long interleaved(InterleavedSides sides) {
    return sides.both(TASKS, this::baseline, this::celestialFlow);
  }

  /**
   * The run recorded without lineage.
   *
   * @return the tasks the last stage completed
   */
  public long baseline() {
    return run(WITHOUT, "lineage off");
  }

  /**
   * The same run with lineage.
   *
   * @return the tasks the last stage completed
   */
  public long celestialFlow() {
    return run(WITH, "lineage on");
  }

  private long run(RecordOptions options, String what) {
    RunStore s = store;
    if (s == null) {
      throw new UncheckedIOException(new IOException("no store open for this iteration"));
    }
    GraphResult result = s.newRun(graph, options).input("a", tasks).run();
    Workloads.verify(what, result, last, TASKS);
    return TASKS;
  }
}
