package io.celestialflow.benchmarks;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.util.ListStatistics;

/**
 * Runs every benchmark pair through the JMH {@link Runner} and prints each CelestialFlow figure
 * beside its plain-Java baseline, measured in the same run, with their ratio and the figure's
 * target.
 *
 * <pre>
 * java -cp 'benchmarks/target/*:benchmarks/target/lib/*' \
 *     io.celestialflow.benchmarks.BenchmarkReport [--quick] [--strict] [--prof NAME[:OPTS]]
 *     [--result FILE.json] [--list] [REGEX...]
 * </pre>
 *
 * <p>{@code REGEX} arguments select pairs (by pair name or benchmark class name, case-insensitive,
 * partial match); both methods of a selected pair always run. The ratio is CelestialFlow's cost
 * over the baseline's (times for time scores; baseline rate over CelestialFlow rate for
 * throughputs): above 1 means CelestialFlow is slower. Exit status: 0, or 2 if a benchmark gave no
 * result (it threw, e.g. a wrong sum), or 1 with {@code --strict} if a target was missed.
 */
public final class BenchmarkReport {
  private BenchmarkReport() {}

  // ---------------------------------------------------------------- the pairs and their targets

  /** How a figure is judged, from the baseline's and CelestialFlow's scores. */
  sealed interface Target {
    /** What the target says, for the table. */
    String describe();

    /** Whether the figure meets the target; {@code ratio} is CelestialFlow's cost over baseline. */
    boolean met(double baseline, double celestialFlow, double ratio);

    /** The measured quantity the target is about, for the result column. */
    String measured(double baseline, double celestialFlow, double ratio);
  }

  /** CelestialFlow's score minus the baseline's is at most {@code max} (time scores). */
  record OverheadAtMost(double max, String unit) implements Target {
    @Override
    public String describe() {
      return "overhead <= " + number(max) + " " + unit;
    }

    @Override
    public boolean met(double baseline, double celestialFlow, double ratio) {
      return celestialFlow - baseline <= max;
    }

    @Override
    public String measured(double baseline, double celestialFlow, double ratio) {
      double d = celestialFlow - baseline;
      return (d >= 0 ? "+" : "") + number(d) + " " + unit;
    }
  }

  /** The ratio is at most {@code max}. */
  record RatioAtMost(double max) implements Target {
    @Override
    public String describe() {
      return String.format(Locale.ROOT, "ratio <= %.2f", max);
    }

    @Override
    public boolean met(double baseline, double celestialFlow, double ratio) {
      return ratio <= max;
    }

    @Override
    public String measured(double baseline, double celestialFlow, double ratio) {
      return ratio(ratio);
    }
  }

  /** CelestialFlow's score is at most {@code max} (time scores). */
  record ScoreAtMost(double max, String unit, String why) implements Target {
    @Override
    public String describe() {
      return "<= " + number(max) + " " + unit + why;
    }

    @Override
    public boolean met(double baseline, double celestialFlow, double ratio) {
      return celestialFlow <= max;
    }

    @Override
    public String measured(double baseline, double celestialFlow, double ratio) {
      return number(celestialFlow) + " " + unit;
    }
  }

  /** No target: the figure is reported beside its baseline. */
  record Reported() implements Target {
    @Override
    public String describe() {
      return "reported";
    }

    @Override
    public boolean met(double baseline, double celestialFlow, double ratio) {
      return true;
    }

    @Override
    public String measured(double baseline, double celestialFlow, double ratio) {
      return ratio(ratio);
    }
  }

  /** CelestialFlow's score is at least {@code min} (throughputs). */
  record ScoreAtLeast(double min, String unit) implements Target {
    @Override
    public String describe() {
      return ">= " + number(min) + " " + unit;
    }

    @Override
    public boolean met(double baseline, double celestialFlow, double ratio) {
      return celestialFlow >= min;
    }

    @Override
    public String measured(double baseline, double celestialFlow, double ratio) {
      return number(celestialFlow) + " " + unit;
    }
  }

  /**
   * A figure: a benchmark class with a {@code baseline} and a {@code celestialFlow} method, or with
   * one {@code interleaved} method that runs both sides in turn ({@link InterleavedSides}).
   *
   * @param name short name, used in the table and to select pairs
   * @param type the JMH {@code @State} class holding both methods
   * @param unit what the scores are in, in words (JMH's "op" is a task or a batch)
   * @param higherIsBetter true for throughputs
   * @param target the figure's target
   * @param interleaved whether both sides run in turn in one benchmark (time scores only)
   */
  record Pair(
      String name,
      Class<?> type,
      String unit,
      boolean higherIsBetter,
      Target target,
      boolean interleaved) {
    static final String BASELINE = "baseline";
    static final String CELESTIAL_FLOW = "celestialFlow";
    static final String INTERLEAVED = "interleaved";

    /** A pair of two benchmarks, each side in its own forks. */
    Pair(String name, Class<?> type, String unit, boolean higherIsBetter, Target target) {
      this(name, type, unit, higherIsBetter, target, false);
    }

    /** A pair whose sides run in turn in one benchmark, in the same forks: time per task. */
    static Pair interleaved(String name, Class<?> type, Target target) {
      return new Pair(name, type, "ns/task", false, target, true);
    }

    String baselineBenchmark() {
      return type.getName() + "." + BASELINE;
    }

    String celestialFlowBenchmark() {
      return type.getName() + "." + CELESTIAL_FLOW;
    }

    String interleavedBenchmark() {
      return type.getName() + "." + INTERLEAVED;
    }

    /** The JMH benchmarks of the pair. */
    List<String> benchmarks() {
      return interleaved
          ? List.of(interleavedBenchmark())
          : List.of(baselineBenchmark(), celestialFlowBenchmark());
    }

    /** The JMH include pattern selecting the pair's benchmarks and nothing else. */
    String includePattern() {
      return "^"
          + Pattern.quote(type.getName() + ".")
          + (interleaved ? INTERLEAVED : "(" + BASELINE + "|" + CELESTIAL_FLOW + ")")
          + "$";
    }

    boolean matches(Pattern filter) {
      return filter.matcher(name).find() || filter.matcher(type.getSimpleName()).find();
    }
  }

  /** Every figure, in report order. */
  static final List<Pair> PAIRS =
      List.of(
          new Pair(
              "serial",
              SerialStageBenchmark.class,
              "ns/task",
              false,
              new OverheadAtMost(20, "ns/task")),
          new Pair("thread-x4", ThreadStageBenchmark.class, "ns/task", false, new RatioAtMost(1.0)),
          new Pair(
              "virtual-threads",
              VirtualThreadStageBenchmark.class,
              "ms/batch",
              false,
              new ScoreAtMost(70, "ms", " (2 x 10 ms + 50 ms)")),
          new Pair(
              "async-completed",
              AsyncCompletedBenchmark.class,
              "ns/task",
              false,
              new RatioAtMost(1.5)),
          new Pair(
              "async-pooled", AsyncPooledBenchmark.class, "ns/task", false, new RatioAtMost(1.5)),
          new Pair(
              "chain-3-serial",
              ChainBenchmark.class,
              "tasks/s",
              true,
              new ScoreAtLeast(2_000_000, "tasks/s")),
          new Pair(
              "chain-vs-disruptor",
              DisruptorChainBenchmark.class,
              "tasks/s",
              true,
              new RatioAtMost(2.0)),
          new Pair("stream-input", StreamInputBenchmark.class, "ns/task", false, new Reported()),
          new Pair("timeout-sync", TimeoutBenchmark.class, "ns/task", false, new Reported()),
          new Pair("timeout-async", AsyncTimeoutBenchmark.class, "ns/task", false, new Reported()),
          new Pair(
              "virtual-fan-out", VirtualFanOutBenchmark.class, "ms/batch", false, new Reported()),
          new Pair("all-fail", FailureBenchmark.class, "ns/task", false, new Reported()),
          // Baseline: the same run without progress; CelestialFlow: with ConsoleProgress on.
          Pair.interleaved("progress", ProgressBenchmark.class, new RatioAtMost(1.03)),
          // Baseline: the same run without metrics; CelestialFlow: with a Micrometer registry.
          Pair.interleaved("metrics", MetricsBenchmark.class, new RatioAtMost(1.02)),
          // Baseline: a run recorded in a store without lineage; CelestialFlow: with lineage.
          Pair.interleaved("lineage", LineageBenchmark.class, new RatioAtMost(2.0)),
          new Pair("metrics-timed", MetricsTimedBenchmark.class, "ns/task", false, new Reported()));

  // ---------------------------------------------------------------- settings

  /**
   * What the command line asked for.
   *
   * @param quick fewer, shorter iterations (a smoke run)
   * @param strict exit with status 1 if a target is missed
   * @param list only list the pairs
   * @param help only print the usage
   * @param profilers JMH profilers to add, as {@code name} or {@code name:options}
   * @param resultFile where JMH writes its JSON results, if anywhere
   * @param filters patterns selecting pairs; empty selects all
   */
  record Settings(
      boolean quick,
      boolean strict,
      boolean list,
      boolean help,
      List<String> profilers,
      @Nullable String resultFile,
      List<Pattern> filters) {}

  static Settings parse(String... args) {
    boolean quick = false;
    boolean strict = false;
    boolean list = false;
    boolean help = false;
    List<String> profilers = new ArrayList<>();
    String resultFile = null;
    List<Pattern> filters = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      switch (a) {
        case "--quick" -> quick = true;
        case "--strict" -> strict = true;
        case "--list" -> list = true;
        case "-h", "--help" -> help = true;
        case "--prof" -> profilers.add(value(args, ++i, a));
        case "--result" -> resultFile = value(args, ++i, a);
        default -> {
          if (a.startsWith("-")) {
            throw new IllegalArgumentException("unknown option " + a + "; see --help");
          }
          try {
            filters.add(Pattern.compile(a, Pattern.CASE_INSENSITIVE));
          } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("bad filter regex '" + a + "': " + e.getMessage());
          }
        }
      }
    }
    return new Settings(
        quick, strict, list, help, List.copyOf(profilers), resultFile, List.copyOf(filters));
  }

  private static String value(String[] args, int i, String option) {
    if (i >= args.length) {
      throw new IllegalArgumentException(option + " needs a value");
    }
    return args[i];
  }

  static List<Pair> select(List<Pair> pairs, List<Pattern> filters) {
    if (filters.isEmpty()) {
      return pairs;
    }
    List<Pair> out = new ArrayList<>();
    for (Pair p : pairs) {
      if (filters.stream().anyMatch(p::matches)) {
        out.add(p);
      }
    }
    return out;
  }

  /**
   * The JMH options: few iterations, forks as each class's {@code @Fork} says; {@code --quick}
   * shortens everything and uses one fork.
   */
  static Options options(Settings settings, List<Pair> pairs) {
    ChainedOptionsBuilder b = new OptionsBuilder();
    for (Pair p : pairs) {
      b.include(p.includePattern());
    }
    if (settings.quick()) {
      b.forks(1)
          .warmupIterations(2)
          .warmupTime(TimeValue.milliseconds(500))
          .measurementIterations(3)
          .measurementTime(TimeValue.milliseconds(500));
    } else {
      b.warmupIterations(3)
          .warmupTime(TimeValue.seconds(2))
          .measurementIterations(5)
          .measurementTime(TimeValue.seconds(2));
    }
    // Fork counts come from each class's @Fork: 1, 2 for the pairs that run more threads than the
    // machine has cores, whose scores vary more from one JVM to the next, 3 for the interleaved.
    b.threads(1).shouldDoGC(true).jvmArgsAppend(forkJvmArgs().toArray(new String[0]));
    for (String prof : settings.profilers()) {
      int colon = prof.indexOf(':');
      if (colon < 0) {
        b.addProfiler(prof);
      } else {
        b.addProfiler(prof.substring(0, colon), prof.substring(colon + 1));
      }
    }
    String resultFile = settings.resultFile();
    if (resultFile != null) {
      b.result(resultFile).resultFormat(ResultFormatType.JSON);
    }
    return b.build();
  }

  /**
   * Extra JVM options of the forked benchmark JVMs (which also inherit the host JVM's options): a
   * fixed 2 GB heap, and on JDK 23+ permission for JMH 1.37's use of {@code sun.misc.Unsafe}, which
   * otherwise prints a deprecation warning in every fork.
   */
  static List<String> forkJvmArgs() {
    // Native access: the run store's SQLite driver loads its library (JDK 24+ warns otherwise).
    List<String> args =
        new ArrayList<>(List.of("-Xms2g", "-Xmx2g", "--enable-native-access=ALL-UNNAMED"));
    String unsafe = "--sun-misc-unsafe-memory-access";
    if (Runtime.version().feature() >= 23
        && ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
            .noneMatch(a -> a.startsWith(unsafe))) {
      args.add(unsafe + "=allow");
    }
    return args;
  }

  // ---------------------------------------------------------------- the table

  /**
   * A score with its error (half the 99.9% confidence interval; NaN if unknown).
   *
   * @param value the score
   * @param error the error
   */
  record Score(double value, double error) {
    static Score of(Result<?> result) {
      return new Score(result.getScore(), result.getScoreError());
    }

    String text() {
      if (Double.isNaN(error) || error == 0) {
        return number(value);
      }
      return number(value) + " ± " + number(error);
    }
  }

  /**
   * One line of the table.
   *
   * @param pair the figure
   * @param baseline the baseline's score, if it ran
   * @param celestialFlow CelestialFlow's score, if it ran
   * @param pairedRatio for an interleaved pair, the mean over its measurement iterations of the
   *     median ratio of an invocation's two runs ({@link InterleavedSides#pairRatio}); else NaN
   */
  record Row(
      Pair pair, @Nullable Score baseline, @Nullable Score celestialFlow, double pairedRatio) {
    /** A line of a pair whose ratio is its scores'. */
    Row(Pair pair, @Nullable Score baseline, @Nullable Score celestialFlow) {
      this(pair, baseline, celestialFlow, Double.NaN);
    }

    /**
     * CelestialFlow's cost over the baseline's: the paired ratio of an interleaved pair, else the
     * scores' ratio; NaN when a score is missing.
     */
    double ratio() {
      Score b = baseline;
      Score c = celestialFlow;
      if (b == null || c == null) {
        return Double.NaN;
      }
      if (!Double.isNaN(pairedRatio)) {
        return pairedRatio;
      }
      return pair.higherIsBetter() ? b.value() / c.value() : c.value() / b.value();
    }

    boolean complete() {
      return baseline != null && celestialFlow != null;
    }

    boolean passed() {
      Score b = baseline;
      Score c = celestialFlow;
      return b != null && c != null && pair.target().met(b.value(), c.value(), ratio());
    }

    String verdict() {
      Score b = baseline;
      Score c = celestialFlow;
      if (b == null || c == null) {
        return "ERROR (no result)";
      }
      return (passed() ? "PASS" : "MISS")
          + " ("
          + pair.target().measured(b.value(), c.value(), ratio())
          + ")";
    }
  }

  static List<Row> rows(List<Pair> pairs, Collection<RunResult> results) {
    Map<String, RunResult> byName = new HashMap<>();
    for (RunResult r : results) {
      byName.put(r.getParams().getBenchmark(), r);
    }
    List<Row> rows = new ArrayList<>();
    for (Pair p : pairs) {
      if (p.interleaved()) {
        RunResult r = byName.get(p.interleavedBenchmark());
        rows.add(
            r == null
                ? new Row(p, null, null)
                : new Row(
                    p,
                    side(r, InterleavedSides.BASELINE_NANOS, InterleavedSides.BASELINE_TASKS),
                    side(
                        r,
                        InterleavedSides.CELESTIAL_FLOW_NANOS,
                        InterleavedSides.CELESTIAL_FLOW_TASKS),
                    iterations(r, InterleavedSides.PAIR_RATIO).getMean()));
      } else {
        rows.add(
            new Row(
                p,
                primary(byName.get(p.baselineBenchmark())),
                primary(byName.get(p.celestialFlowBenchmark()))));
      }
    }
    return rows;
  }

  private static @Nullable Score primary(@Nullable RunResult result) {
    return result == null ? null : Score.of(result.getPrimaryResult());
  }

  /**
   * One side of an interleaved pair: its time per task in each measurement iteration of every fork,
   * their mean, and half the 99.9% confidence interval.
   */
  static @Nullable Score side(RunResult result, String nanos, String tasks) {
    ListStatistics perTask =
        perIteration(
            result,
            counters -> {
              Result<?> n = counters.get(nanos);
              Result<?> t = counters.get(tasks);
              return n != null && t != null && t.getScore() > 0
                  ? n.getScore() / t.getScore()
                  : Double.NaN;
            });
    if (perTask.getN() == 0) {
      return null;
    }
    return new Score(
        perTask.getMean(), perTask.getN() > 1 ? perTask.getMeanErrorAt(0.999) : Double.NaN);
  }

  /** A secondary result's value in each measurement iteration of every fork (NaN left out). */
  private static ListStatistics iterations(RunResult result, String name) {
    return perIteration(
        result,
        counters -> {
          Result<?> r = counters.get(name);
          return r == null ? Double.NaN : r.getScore();
        });
  }

  /**
   * A value computed from each measurement iteration's secondary results, in every fork; NaN values
   * (a result missing) are left out.
   */
  private static ListStatistics perIteration(
      RunResult result, ToDoubleFunction<Map<String, Result>> value) {
    ListStatistics values = new ListStatistics();
    for (BenchmarkResult fork : result.getBenchmarkResults()) {
      for (IterationResult iteration : fork.getIterationResults()) {
        double v = value.applyAsDouble(iteration.getSecondaryResults());
        if (!Double.isNaN(v)) {
          values.addValue(v);
        }
      }
    }
    return values;
  }

  /** What the report says of the interleaved pairs among {@code pairs}, if any ran. */
  static String interleavedNote(List<Pair> pairs) {
    List<String> names = pairs.stream().filter(Pair::interleaved).map(Pair::name).toList();
    if (names.isEmpty()) {
      return "";
    }
    return " The interleaved pairs ("
        + String.join(", ", names)
        + ") run their two sides in turn in one benchmark, in the same forks: their scores are"
        + " each side's mean time per task over the measurement iterations, their ratio the mean"
        + " over those iterations of the median ratio of one invocation's two runs.";
  }

  static String table(List<Row> rows) {
    List<String[]> lines = new ArrayList<>();
    lines.add(
        new String[] {
          "Benchmark", "Unit", "Baseline", "CelestialFlow", "Ratio", "Target", "Result"
        });
    for (Row r : rows) {
      Score b = r.baseline();
      Score c = r.celestialFlow();
      lines.add(
          new String[] {
            r.pair().name(),
            r.pair().unit(),
            b == null ? "n/a" : b.text(),
            c == null ? "n/a" : c.text(),
            r.complete() ? ratio(r.ratio()) : "n/a",
            r.pair().target().describe(),
            r.verdict()
          });
    }
    int[] widths = new int[lines.get(0).length];
    for (String[] line : lines) {
      for (int i = 0; i < line.length; i++) {
        widths[i] = Math.max(widths[i], line[i].length());
      }
    }
    StringBuilder sb = new StringBuilder();
    for (int n = 0; n < lines.size(); n++) {
      appendLine(sb, lines.get(n), widths);
      if (n == 0) {
        String[] rule = new String[widths.length];
        for (int i = 0; i < widths.length; i++) {
          rule[i] = "-".repeat(widths[i]);
        }
        appendLine(sb, rule, widths);
      }
    }
    return sb.toString();
  }

  private static void appendLine(StringBuilder sb, String[] cells, int[] widths) {
    sb.append('|');
    for (int i = 0; i < cells.length; i++) {
      sb.append(' ').append(cells[i]).append(" ".repeat(widths[i] - cells[i].length()));
      sb.append(" |");
    }
    sb.append('\n');
  }

  static String number(double v) {
    double a = Math.abs(v);
    String format;
    if (a >= 10_000) {
      format = "%,.0f";
    } else if (a >= 100) {
      format = "%.1f";
    } else if (a >= 1) {
      format = "%.2f";
    } else {
      format = "%.3f";
    }
    return String.format(Locale.ROOT, format, v);
  }

  static String ratio(double r) {
    return String.format(Locale.ROOT, "%.2fx", r);
  }

  // ---------------------------------------------------------------- main

  private static final String USAGE =
      """
      Usage: BenchmarkReport [--quick] [--strict] [--prof NAME[:OPTS]]... [--result FILE.json]
                             [--list] [REGEX...]
        --quick           2 x 0.5 s warmup, 3 x 0.5 s measurement per benchmark (smoke run)
                          and 1 fork (default: 3 x 2 s warmup, 5 x 2 s measurement, 1 fork,
                          2 for the thread-x4 and async-pooled pairs, 3 for progress,
                          metrics and lineage)
        --strict          exit with status 1 if a target is missed
        --prof NAME[:O]   add a JMH profiler, e.g. --prof gc or --prof stack:lines=5
        --result FILE     also write JMH's results as JSON
        --list            list the benchmark pairs and exit
        REGEX             run only the pairs whose name or class matches (case-insensitive)
      """;

  /**
   * Runs the selected pairs and prints the table.
   *
   * @param args see the class description
   * @throws RunnerException if JMH cannot run
   */
  public static void main(String[] args) throws RunnerException {
    Settings settings;
    try {
      settings = parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.err.print(USAGE);
      System.exit(64);
      return;
    }
    if (settings.help()) {
      System.out.print(USAGE);
      return;
    }
    List<Pair> pairs = select(PAIRS, settings.filters());
    if (settings.list()) {
      for (Pair p : pairs) {
        System.out.printf(
            Locale.ROOT, "%-16s %-58s %s%n", p.name(), p.type().getName(), p.target().describe());
      }
      return;
    }
    if (pairs.isEmpty()) {
      System.err.println("no benchmark pair matches " + settings.filters() + "; try --list");
      System.exit(64);
      return;
    }
    Collection<RunResult> results = new Runner(options(settings, pairs)).run();
    List<Row> rows = rows(pairs, results);
    System.out.println();
    System.out.printf(
        Locale.ROOT,
        "CelestialFlow benchmarks (%s mode): JDK %s (%s), %d cores, %s %s%n%n",
        settings.quick() ? "quick" : "default",
        Runtime.version(),
        System.getProperty("java.vm.name"),
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("os.name"),
        System.getProperty("os.arch"));
    System.out.print(table(rows));
    System.out.println();
    System.out.println(
        "Scores are JMH means ± half the 99.9% confidence interval. Ratio = CelestialFlow cost /"
            + " baseline cost (for tasks/s: baseline rate / CelestialFlow rate); above 1 means"
            + " CelestialFlow is slower."
            + interleavedNote(pairs));
    if (pairs.stream().anyMatch(p -> p.type() == FailureBenchmark.class)) {
      System.out.println(FailureHeapProbe.measure());
    }
    if (rows.stream().anyMatch(r -> !r.complete())) {
      System.exit(2);
    }
    if (settings.strict() && rows.stream().anyMatch(r -> !r.passed())) {
      System.exit(1);
    }
  }
}
