package io.celestialflow.redis;

import io.celestialflow.Execution;
import io.celestialflow.GraphResult;
import io.celestialflow.TaskFunction;
import io.celestialflow.TaskGraph;
import io.celestialflow.TaskStage;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

/**
 * The speed benchmark of issue 12, a plain harness (not a test: surefire does not run it). In one
 * run, against a redis-server of its own on loopback, it computes the same CPU-heavy function —
 * naive recursive Fibonacci, the Go worker's built-in {@code fib} — in:
 *
 * <ol>
 *   <li>a Java THREAD stage ({@code Execution.threads(P)}), the baseline;
 *   <li>a Java PROCESS stage ({@code Execution.processes(P)}: P worker JVMs);
 *   <li>Go workers ({@code cfworker -stages fib}, G processes with {@code -concurrency P/G})
 *       serving a remote stage of a Java graph;
 * </ol>
 *
 * and prints tasks/s (from the run's start, and steady: from its first result, without start-up)
 * and the steady speed-up over (1); then the transport alone: a Go worker with the {@code noop}
 * handler, one process, tasks/s. P defaults to the number of processors. Every measurement checks
 * its results.
 *
 * <pre>
 * mvn -B -ntp -pl redis -am test-compile dependency:build-classpath \
 *     -Dmdep.outputFile=target/test-classpath.txt -Dmdep.includeScope=test
 * java -cp "redis/target/test-classes:redis/target/classes:$(cat redis/target/test-classpath.txt)" \
 *     io.celestialflow.redis.GoVsJavaBenchmark fib=30 tasks=400 noop=100000
 * </pre>
 *
 * Arguments (all optional, {@code key=value}): {@code fib} (n, default 30), {@code tasks}
 * (Fibonacci tasks per measurement, default 400), {@code parallel} (P), {@code goprocs} (G, default
 * 1), {@code noop} (no-op tasks, default 100000), {@code rounds} (default 2; all but the last warm
 * up). Run it from the repository root or from {@code redis/} (it builds the Go worker from {@code
 * go-worker/}). Figures from a busy machine are only a smoke test.
 */
@SuppressWarnings("try") // workers run in the background of try-with-resources
public final class GoVsJavaBenchmark {
  private GoVsJavaBenchmark() {}

  /** Naive recursive Fibonacci, as the Go worker's {@code fib}. */
  static long fib(int n) {
    return n < 2 ? n : fib(n - 1) + fib(n - 2);
  }

  /** The PROCESS stage's function: a class, since worker JVMs create it. */
  public static final class Fib implements TaskFunction<Integer, Long> {
    /** Creates the function (worker JVMs do). */
    public Fib() {}

    @Override
    public Long apply(Integer n) {
      return fib(n);
    }
  }

  /**
   * Runs the benchmark.
   *
   * @param args {@code key=value} settings, see the class comment
   */
  public static void main(String[] args) throws Exception {
    Map<String, String> a = new LinkedHashMap<>();
    for (String arg : args) {
      int eq = arg.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("arguments are key=value, not " + arg);
      }
      a.put(arg.substring(0, eq), arg.substring(eq + 1));
    }
    int n = Integer.parseInt(a.getOrDefault("fib", "30"));
    int tasks = Integer.parseInt(a.getOrDefault("tasks", "400"));
    int cores = Runtime.getRuntime().availableProcessors();
    int parallel = Integer.parseInt(a.getOrDefault("parallel", Integer.toString(cores)));
    int goProcs = Integer.parseInt(a.getOrDefault("goprocs", "1"));
    int noop = Integer.parseInt(a.getOrDefault("noop", "100000"));
    int rounds = Integer.parseInt(a.getOrDefault("rounds", "2"));
    long expected = fib(n);
    System.out.printf(
        Locale.ROOT,
        "fib(%d) = %d; %d tasks per measurement; parallelism %d on %d processors; %d Go"
            + " process(es); %d no-op tasks; %d round(s), the last measured%n",
        n,
        expected,
        tasks,
        parallel,
        cores,
        goProcs,
        noop,
        rounds);
    try (RedisServer server = RedisServer.start()) {
      GoWorkerBinary.get();
      Rate thread = new Rate(0, 0);
      Rate process = thread;
      Rate go = thread;
      double goNoop = 0;
      for (int round = 1; round <= rounds; round++) {
        String tag = round == rounds ? "measured" : "warm-up ";
        thread = thread(n, tasks, parallel, expected);
        process = process(n, tasks, parallel, expected);
        go = go(server, n, tasks, parallel, goProcs, expected, round);
        goNoop = goNoop(server, noop, round);
        System.out.printf(
            Locale.ROOT,
            "%s  THREAD %s | PROCESS %s | Go %s | Go no-op %,10.0f  (tasks/s)%n",
            tag,
            thread,
            process,
            go,
            goNoop);
      }
      System.out.println();
      System.out.printf(
          Locale.ROOT,
          "| fib(%d), %d tasks, parallelism %d | tasks/s | steady tasks/s | speed-up (steady) |%n",
          n,
          tasks,
          parallel);
      System.out.println("|---|---:|---:|---:|");
      row("Java THREAD stage", thread, thread);
      row("Java PROCESS stage (" + parallel + " worker JVMs)", process, thread);
      row("Go workers (" + goProcs + " process(es), remote stage)", go, thread);
      System.out.printf(
          Locale.ROOT, "| Go no-op worker, 1 process (%d tasks) | %,.0f | | |%n", noop, goNoop);
    }
  }

  /**
   * A measurement: tasks/s from the run's start to its end, and from its first result to its end
   * (the steady rate, without start-up: the PROCESS stage starts its worker JVMs with the run).
   */
  record Rate(double overall, double steady) {
    static Rate of(int tasks, long t0, long first, long end) {
      double steady = first > 0 && end > first ? (tasks - 1) / ((end - first) / 1e9) : 0;
      return new Rate(tasks / ((end - t0) / 1e9), steady);
    }

    @Override
    public String toString() {
      return String.format(Locale.ROOT, "%,9.1f (%,9.1f steady)", overall, steady);
    }
  }

  private static void row(String what, Rate rate, Rate base) {
    System.out.printf(
        Locale.ROOT,
        "| %s | %,.1f | %,.1f | %.2f× |%n",
        what,
        rate.overall(),
        rate.steady(),
        rate.steady() / base.steady());
  }

  /** Runs {@code tasks} copies of {@code n} through {@code stage}, timing it. */
  private static Rate measure(
      TaskGraph graph, TaskStage<Integer, Long> stage, int n, int tasks, long expected) {
    AtomicLong first = new AtomicLong();
    long t0 = System.nanoTime();
    GraphResult r =
        graph
            .newRun()
            .input(stage, inputs(n, tasks))
            .onOutput(stage, x -> first.compareAndSet(0, System.nanoTime()))
            .run();
    long end = System.nanoTime();
    check(r, stage.name(), tasks, expected);
    return Rate.of(tasks, t0, first.get(), end);
  }

  private static List<Integer> inputs(int n, int tasks) {
    return Collections.nCopies(tasks, n);
  }

  private static void check(GraphResult r, String stage, int tasks, long expected) {
    if (r.stats(stage).succeeded() != tasks || !r.failures().isEmpty()) {
      throw new IllegalStateException(stage + ": " + r);
    }
    for (Object o : r.outputs(stage)) {
      if (((Number) o).longValue() != expected) {
        throw new IllegalStateException(stage + ": wrong value " + o);
      }
    }
  }

  private static Rate thread(int n, int tasks, int parallel, long expected) {
    TaskStage<Integer, Long> fib =
        TaskStage.map("fib", (Integer x) -> fib(x)).execution(Execution.threads(parallel)).build();
    try (TaskGraph graph = TaskGraph.builder("thread").stages(fib).build()) {
      return measure(graph, fib, n, tasks, expected);
    }
  }

  private static Rate process(int n, int tasks, int parallel, long expected) {
    TaskStage<Integer, Long> fib =
        TaskStage.process("fib", Fib.class).execution(Execution.processes(parallel)).build();
    try (TaskGraph graph = TaskGraph.builder("process").stages(fib).build()) {
      return measure(graph, fib, n, tasks, expected);
    }
  }

  private static Rate go(
      RedisServer server, int n, int tasks, int parallel, int procs, long expected, int round)
      throws Exception {
    String graphName = "gofib" + round;
    List<ChildProcess> workers = new ArrayList<>();
    try (RedisBridge redis = RedisBridge.connect(server.uri())) {
      int each = Math.max(1, parallel / procs);
      for (int i = 0; i < procs; i++) {
        workers.add(
            GoWorkerBinary.start(
                server,
                graphName,
                "fib",
                "fib-" + round + "-" + i,
                "-concurrency",
                Integer.toString(each),
                "-log-level",
                "warn"));
      }
      TaskStage<Integer, Long> fib =
          RemoteStage.map("fib", Integer.class, Long.class).redis(redis).graph(graphName).build();
      try (TaskGraph graph = TaskGraph.builder(graphName).stages(fib).build()) {
        return measure(graph, fib, n, tasks, expected); // the Go workers are up already
      }
    } finally {
      workers.forEach(ChildProcess::close);
    }
  }

  private static double goNoop(RedisServer server, int tasks, int round) throws Exception {
    String graphName = "gonoop" + round;
    try (RedisBridge redis = RedisBridge.connect(server.uri());
        ChildProcess worker =
            GoWorkerBinary.start(
                server,
                graphName,
                "noop",
                "noop-" + round,
                "-batch",
                "512",
                "-log-level",
                "warn")) {
      TaskStage<Integer, Integer> noop =
          RemoteStage.map("noop", Integer.class, Integer.class)
              .redis(redis)
              .graph(graphName)
              .maxOutstanding(8192)
              .batchSize(512)
              .build();
      try (TaskGraph graph = TaskGraph.builder(graphName).stages(noop).build()) {
        long t0 = System.nanoTime();
        GraphResult r =
            graph
                .newRun()
                .input(noop, IntStream.range(0, tasks).boxed().iterator())
                .discardOutputs()
                .run();
        double rate = tasks / seconds(t0);
        if (r.stats("noop").succeeded() != tasks) {
          throw new IllegalStateException("noop: " + r);
        }
        return rate;
      }
    }
  }

  private static double seconds(long t0) {
    return (System.nanoTime() - t0) / 1e9;
  }
}
