package io.celestialflow.benchmarks;

import io.celestialflow.Execution;
import io.celestialflow.GraphRun;
import io.celestialflow.TaskFunction;
import io.celestialflow.TaskGraph;
import io.celestialflow.TaskStage;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * PROCESS mode, each figure beside its baseline:
 *
 * <ul>
 *   <li><b>per-task overhead</b> of a trivial function ({@code x + 1}) with 2 worker JVMs, tasks
 *       batched, workers already running — beside a plain loop and the same stage in THREAD mode
 *       with 2 threads. Both modes are fed the same way (tasks injected into a kept-open run);
 *   <li><b>scaling</b> of a CPU-heavy stage (about 5 ms of pure computation per task): 2 worker
 *       JVMs against 1;
 *   <li><b>start-up</b>: from starting a run (the worker JVM is launched) to the first result.
 * </ul>
 *
 * <p>Run standalone (prints the figures and ratios at the end):
 *
 * <pre>
 * mvn -B -ntp -pl benchmarks -am package -DskipTests
 * java -cp 'benchmarks/target/celestialflow-benchmarks-0.1.0-SNAPSHOT.jar:benchmarks/target/lib/*' \
 *     io.celestialflow.benchmarks.ProcessModeBenchmark
 * </pre>
 */
@Fork(value = 1, jvmArgsAppend = "-Xmx1g")
public class ProcessModeBenchmark {
  /** Tasks per invocation of the per-task benchmarks. */
  static final int TASKS = 100_000;

  /** Tasks per invocation of the CPU-heavy benchmarks. */
  static final int HEAVY_TASKS = 40;

  /** The target cost of one CPU-heavy task. */
  static final long HEAVY_NANOS = 5_000_000;

  /** The trivial work. */
  public static final class Increment implements TaskFunction<Integer, Integer> {
    /** Creates the function (worker JVMs call this). */
    public Increment() {}

    @Override
    public Integer apply(Integer x) {
      return x + 1;
    }
  }

  /** Pure computation: {@code rounds} steps of a xorshift generator. */
  public static final class Spin implements TaskFunction<Long, Long> {
    /** Creates the function (worker JVMs call this). */
    public Spin() {}

    @Override
    public Long apply(Long rounds) {
      return spin(rounds);
    }

    static long spin(long rounds) {
      long x = 0x9E3779B97F4A7C15L;
      for (long i = 0; i < rounds; i++) {
        x ^= x << 13;
        x ^= x >>> 7;
        x ^= x << 17;
      }
      return x;
    }
  }

  /**
   * A kept-open run of one stage, and a count of its outputs. The feeding thread sleeps until the
   * last output of its batch wakes it: a polling waiter would steal a core from the workers.
   */
  abstract static class OpenRun {
    @Nullable TaskGraph graph;
    @Nullable GraphRun run;
    @Nullable TaskStage<Object, ?> stage;
    final AtomicLong outputs = new AtomicLong();
    volatile long goal = Long.MAX_VALUE;
    volatile @Nullable Thread waiter;

    private void counted() {
      if (outputs.incrementAndGet() == goal) {
        LockSupport.unpark(waiter);
      }
    }

    @SuppressWarnings("unchecked")
    <I> void open(TaskStage<I, ?> s) {
      stage = (TaskStage<Object, ?>) (TaskStage<?, ?>) s;
      graph = TaskGraph.builder("bench-" + s.name()).stage(s).build();
      run = graph.newRun().keepOpen().discardOutputs().onOutput(s, o -> counted()).start();
    }

    /** Injects the tasks and waits until each has produced its output. */
    void feed(Collection<?> tasks) {
      GraphRun r = java.util.Objects.requireNonNull(run);
      TaskStage<Object, ?> s = java.util.Objects.requireNonNull(stage);
      waiter = Thread.currentThread();
      long target = outputs.get() + tasks.size();
      goal = target;
      for (Object t : tasks) {
        r.inject(s, t);
      }
      while (outputs.get() < target) {
        LockSupport.park(this);
      }
      goal = Long.MAX_VALUE;
    }

    @TearDown(Level.Trial)
    public void close() {
      if (run != null) {
        run.closeInputs();
        run.close();
      }
      if (graph != null) {
        graph.close();
      }
    }
  }

  static List<Integer> ints(int n) {
    List<Integer> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(i);
    }
    return out;
  }

  // ------------------------------------------------------------------ per-task overhead

  /** The trivial stage with 2 worker JVMs. */
  @State(Scope.Benchmark)
  public static class ProcessTrivial extends OpenRun {
    final List<Integer> tasks = ints(TASKS);

    @Setup(Level.Trial)
    public void setUp() {
      open(TaskStage.process("inc", Increment.class).execution(Execution.processes(2)).build());
    }
  }

  /** The trivial stage with 2 platform threads. */
  @State(Scope.Benchmark)
  public static class ThreadTrivial extends OpenRun {
    final List<Integer> tasks = ints(TASKS);

    @Setup(Level.Trial)
    public void setUp() {
      open(TaskStage.map("inc", new Increment()).execution(Execution.threads(2)).build());
    }
  }

  /**
   * Baseline: the function in a plain loop.
   *
   * @param bh sink
   */
  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  @OperationsPerInvocation(TASKS)
  @Warmup(iterations = 3, time = 1)
  @Measurement(iterations = 5, time = 1)
  public void trivialPlainLoop(Blackhole bh) {
    Increment f = new Increment();
    for (int i = 0; i < TASKS; i++) {
      bh.consume(f.apply(i));
    }
  }

  /**
   * The trivial stage in THREAD mode, 2 threads.
   *
   * @param state the open run
   */
  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  @OperationsPerInvocation(TASKS)
  @Warmup(iterations = 3, time = 2)
  @Measurement(iterations = 5, time = 2)
  public void trivialThreadMode(ThreadTrivial state) {
    state.feed(state.tasks);
  }

  /**
   * The trivial stage in PROCESS mode, 2 worker JVMs (already started).
   *
   * @param state the open run
   */
  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  @OperationsPerInvocation(TASKS)
  @Warmup(iterations = 3, time = 2)
  @Measurement(iterations = 5, time = 2)
  public void trivialProcessMode(ProcessTrivial state) {
    state.feed(state.tasks);
  }

  // ------------------------------------------------------------------ CPU-heavy scaling

  /**
   * About 5 ms of computation per task, with 1 or 2 worker JVMs — or, as the baseline of what this
   * machine can scale to at the moment, 1 or 2 platform threads in THREAD mode.
   */
  @State(Scope.Benchmark)
  public static class Heavy extends OpenRun {
    @Param({"PROCESS", "THREAD"})
    public String mode = "PROCESS";

    @Param({"1", "2"})
    public int workers;

    final List<Long> tasks = new ArrayList<>();

    @Setup(Level.Trial)
    public void setUp() {
      long rounds = calibrate();
      for (int i = 0; i < HEAVY_TASKS; i++) {
        tasks.add(rounds);
      }
      open(
          mode.equals("PROCESS")
              ? TaskStage.process("spin", Spin.class)
                  .execution(Execution.processes(workers))
                  .build()
              : TaskStage.map("spin", new Spin()).execution(Execution.threads(workers)).build());
    }

    /** The rounds that take about {@link #HEAVY_NANOS} on this machine, once compiled. */
    static long calibrate() {
      long rounds = 100_000;
      long sink = 0;
      for (int i = 0; i < 30; i++) {
        long t0 = System.nanoTime();
        sink += Spin.spin(rounds);
        long took = Math.max(1, System.nanoTime() - t0);
        rounds = Math.max(1000, rounds * HEAVY_NANOS / took);
      }
      return sink == 42 ? rounds + 1 : rounds;
    }
  }

  /**
   * CPU-heavy tasks through 1 or 2 worker JVMs (or threads, the baseline).
   *
   * @param state the open run
   */
  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  @OperationsPerInvocation(HEAVY_TASKS)
  @Warmup(iterations = 3, time = 2)
  @Measurement(iterations = 5, time = 2)
  public void cpuHeavy(Heavy state) {
    state.feed(state.tasks);
  }

  // ------------------------------------------------------------------ start-up

  /** A fresh run (and so a fresh worker JVM) per invocation; closed outside the measurement. */
  @State(Scope.Thread)
  public static class Fresh extends OpenRun {
    @Setup(Level.Invocation)
    public void setUp() {
      outputs.set(0);
    }

    @TearDown(Level.Invocation)
    public void closeRun() {
      close();
      run = null;
      graph = null;
    }
  }

  /**
   * From starting a run with one worker JVM to its first result.
   *
   * @param state receives the run so it is closed after the measurement
   */
  @Benchmark
  @BenchmarkMode(Mode.SingleShotTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  @Warmup(iterations = 3)
  @Measurement(iterations = 10)
  public void startupToFirstResult(Fresh state) {
    state.open(TaskStage.process("inc", Increment.class).build());
    state.feed(List.of(1));
  }

  // ------------------------------------------------------------------ report

  /**
   * Runs the benchmarks of this class and prints each figure with its ratio.
   *
   * @param args optional benchmark method names (for example {@code cpuHeavy}) to run only those;
   *     by default all run
   * @throws RunnerException if JMH fails
   */
  public static void main(String[] args) throws RunnerException {
    OptionsBuilder builder = new OptionsBuilder();
    if (args.length == 0) {
      builder.include(ProcessModeBenchmark.class.getName() + "\\.");
    }
    for (String method : args) {
      builder.include(ProcessModeBenchmark.class.getName() + "\\." + method + "$");
    }
    Options options = builder.build();
    Collection<RunResult> results = new Runner(options).run();
    double plain = score(results, "trivialPlainLoop", null, null);
    double thread = score(results, "trivialThreadMode", null, null);
    double process = score(results, "trivialProcessMode", null, null);
    double one = score(results, "cpuHeavy", "PROCESS", "1");
    double two = score(results, "cpuHeavy", "PROCESS", "2");
    double threadOne = score(results, "cpuHeavy", "THREAD", "1");
    double threadTwo = score(results, "cpuHeavy", "THREAD", "2");
    double startup = score(results, "startupToFirstResult", null, null);
    System.out.println();
    System.out.println("PROCESS mode (" + Runtime.getRuntime().availableProcessors() + " cores)");
    System.out.printf(Locale.ROOT, "  trivial task, plain loop        %10.4f us/task%n", plain);
    System.out.printf(Locale.ROOT, "  trivial task, THREAD x2         %10.4f us/task%n", thread);
    System.out.printf(
        Locale.ROOT,
        "  trivial task, PROCESS x2        %10.4f us/task  (%.1fx THREAD; target <= 20 us)%n",
        process,
        process / thread);
    System.out.printf(Locale.ROOT, "  ~5 ms CPU task, THREAD x1       %10.3f ms/task%n", threadOne);
    System.out.printf(
        Locale.ROOT,
        "  ~5 ms CPU task, THREAD x2       %10.3f ms/task  (speed-up %.2fx: the machine's)%n",
        threadTwo,
        threadOne / threadTwo);
    System.out.printf(Locale.ROOT, "  ~5 ms CPU task, PROCESS x1      %10.3f ms/task%n", one);
    System.out.printf(
        Locale.ROOT,
        "  ~5 ms CPU task, PROCESS x2      %10.3f ms/task  (speed-up %.2fx; target >= 1.8x)%n",
        two,
        one / two);
    System.out.printf(Locale.ROOT, "  start-up, run start to 1st result %8.1f ms%n", startup);
  }

  private static double score(
      Collection<RunResult> results,
      String method,
      @Nullable String mode,
      @Nullable String workers) {
    for (RunResult r : results) {
      String label = r.getParams().getBenchmark();
      if (label.endsWith("." + method)
          && (mode == null || mode.equals(r.getParams().getParam("mode")))
          && (workers == null || workers.equals(r.getParams().getParam("workers")))) {
        return r.getPrimaryResult().getScore();
      }
    }
    return Double.NaN;
  }
}
