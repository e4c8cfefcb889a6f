package io.celestialflow.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.celestialflow.benchmarks.BenchmarkReport.Pair;
import io.celestialflow.benchmarks.BenchmarkReport.Row;
import io.celestialflow.benchmarks.BenchmarkReport.Score;
import io.celestialflow.benchmarks.BenchmarkReport.Settings;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.runner.BenchmarkList;
import org.openjdk.jmh.runner.BenchmarkListEntry;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.format.OutputFormat;
import org.openjdk.jmh.runner.format.OutputFormatFactory;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * Checks that every benchmark computes the right result on both sides (they verify their sums
 * themselves; this runs each once, outside JMH), and that the report selects, judges and prints
 * pairs correctly. Timings are never asserted.
 */
@Timeout(10)
class BenchmarksTest {

  @Test
  void serialStageComputesTheRightSum() {
    SerialStageBenchmark b = new SerialStageBenchmark();
    b.setUp();
    try {
      long expected = Workloads.sumOfIncrements(SerialStageBenchmark.TASKS);
      assertThat(b.baseline()).isEqualTo(expected);
      assertThat(b.celestialFlow()).isEqualTo(expected);
    } finally {
      b.tearDown();
    }
  }

  @Test
  void threadStageComputesTheRightSum() throws Exception {
    ThreadStageBenchmark b = new ThreadStageBenchmark();
    b.setUp();
    try {
      long expected = Workloads.sumOfIncrements(ThreadStageBenchmark.TASKS);
      assertThat(b.baseline()).isEqualTo(expected);
      assertThat(b.celestialFlow()).isEqualTo(expected);
    } finally {
      b.tearDown();
    }
  }

  @Test
  void virtualThreadStageComputesTheRightSum() throws Exception {
    VirtualThreadStageBenchmark b = new VirtualThreadStageBenchmark();
    b.setUp();
    try {
      long expected = Workloads.sumOfIncrements(VirtualThreadStageBenchmark.TASKS);
      assertThat(b.baseline()).isEqualTo(expected);
      assertThat(b.celestialFlow()).isEqualTo(expected);
    } finally {
      b.tearDown();
    }
  }

  @Test
  void asyncStagesComputeTheRightSum() throws Exception {
    AsyncCompletedBenchmark completed = new AsyncCompletedBenchmark();
    completed.setUp();
    try {
      long expected = Workloads.sumOfIncrements(AsyncCompletedBenchmark.TASKS);
      assertThat(completed.baseline()).isEqualTo(expected);
      assertThat(completed.celestialFlow()).isEqualTo(expected);
    } finally {
      completed.tearDown();
    }
    AsyncPooledBenchmark pooled = new AsyncPooledBenchmark();
    pooled.setUp();
    try {
      long expected = Workloads.sumOfIncrements(AsyncPooledBenchmark.TASKS);
      assertThat(pooled.baseline()).isEqualTo(expected);
      assertThat(pooled.celestialFlow()).isEqualTo(expected);
    } finally {
      pooled.tearDown();
    }
  }

  @Test
  void chainComputesTheRightSum() {
    ChainBenchmark b = new ChainBenchmark();
    b.setUp();
    try {
      // sum over x in [0, n) of 2 (x + 1) - 1 = n²
      long expected = (long) ChainBenchmark.TASKS * ChainBenchmark.TASKS;
      assertThat(b.baseline()).isEqualTo(expected);
      assertThat(b.celestialFlow()).isEqualTo(expected);
    } finally {
      b.tearDown();
    }
  }

  @Test
  void theNewPairsComputeTheRightResults() throws Exception {
    StreamInputBenchmark stream = new StreamInputBenchmark();
    stream.setUp();
    try {
      long expected = Workloads.sumOfIncrements(StreamInputBenchmark.TASKS);
      assertThat(stream.baseline()).isEqualTo(expected);
      assertThat(stream.celestialFlow()).isEqualTo(expected);
    } finally {
      stream.tearDown();
    }
    TimeoutBenchmark timeout = new TimeoutBenchmark();
    timeout.setUp();
    try {
      long expected = Workloads.sumOfIncrements(TimeoutBenchmark.TASKS);
      assertThat(timeout.baseline()).isEqualTo(expected);
      assertThat(timeout.celestialFlow()).isEqualTo(expected);
    } finally {
      timeout.tearDown();
    }
    AsyncTimeoutBenchmark asyncTimeout = new AsyncTimeoutBenchmark();
    asyncTimeout.setUp();
    try {
      long expected = Workloads.sumOfIncrements(AsyncTimeoutBenchmark.TASKS);
      assertThat(asyncTimeout.baseline()).isEqualTo(expected);
      assertThat(asyncTimeout.celestialFlow()).isEqualTo(expected);
    } finally {
      asyncTimeout.tearDown();
    }
  }

  @Test
  @Timeout(30)
  void theFanOutFailureAndDisruptorPairsComputeTheRightResults() throws Exception {
    VirtualFanOutBenchmark fanOut = new VirtualFanOutBenchmark();
    fanOut.setUp();
    try {
      long n = (long) VirtualFanOutBenchmark.TASKS * VirtualFanOutBenchmark.FAN_OUT;
      assertThat(fanOut.baseline()).isEqualTo(n * (n + 1) / 2);
      assertThat(fanOut.celestialFlow()).isEqualTo(n * (n + 1) / 2);
    } finally {
      fanOut.tearDown();
    }
    FailureBenchmark failing = new FailureBenchmark();
    failing.setUp();
    try {
      assertThat(failing.baseline()).isEqualTo(FailureBenchmark.TASKS);
      assertThat(failing.celestialFlow()).isEqualTo(FailureBenchmark.TASKS);
    } finally {
      failing.tearDown();
    }
    DisruptorChainBenchmark disruptor = new DisruptorChainBenchmark();
    disruptor.setUp();
    try {
      long expected = Workloads.sumOfChain(DisruptorChainBenchmark.TASKS);
      assertThat(disruptor.baseline()).isEqualTo(expected);
      assertThat(disruptor.baseline()).as("a second invocation").isEqualTo(expected);
      assertThat(disruptor.celestialFlow()).isEqualTo(expected);
    } finally {
      disruptor.tearDown();
    }
  }

  @Test
  @Timeout(60)
  void theMetricsPairsComputeTheRightSumAndTheMetersCountEveryTask() {
    long expected = Workloads.sumOfChain(MeteredChain.TASKS);
    MetricsBenchmark metrics = new MetricsBenchmark();
    metrics.setUp();
    try {
      assertThat(metrics.baseline()).isEqualTo(expected);
      assertThat(metrics.celestialFlow()).isEqualTo(expected);
      assertThat(metrics.celestialFlow()).as("counters add up over runs").isEqualTo(expected);
    } finally {
      metrics.tearDown();
    }
    MetricsTimedBenchmark timed = new MetricsTimedBenchmark();
    timed.setUp();
    try {
      assertThat(timed.baseline()).isEqualTo(expected);
      assertThat(timed.celestialFlow()).isEqualTo(expected);
    } finally {
      timed.tearDown();
    }
  }

  /**
   * The lineage pair completes every task on both sides, records lineage on one side only (the
   * first task is traced in the run with lineage, and not in the other), and deletes the store of
   * each iteration.
   */
  @Test
  @Timeout(120)
  void theLineagePairRecordsLineageOnItsCelestialFlowSideOnly() throws Exception {
    LineageBenchmark lineage = new LineageBenchmark();
    lineage.setUp();
    try {
      lineage.openStore();
      java.nio.file.Path dir = java.util.Objects.requireNonNull(lineage.directory());
      assertThat(lineage.baseline()).isEqualTo(LineageBenchmark.TASKS);
      assertThat(lineage.celestialFlow()).isEqualTo(LineageBenchmark.TASKS);
      io.celestialflow.store.RunStore store = java.util.Objects.requireNonNull(lineage.store());
      List<io.celestialflow.store.RunInfo> runs = store.runs(10);
      assertThat(runs).hasSize(2);
      List<Boolean> traced = new ArrayList<>();
      for (io.celestialflow.store.RunInfo run : runs) {
        traced.add(store.trace(run.id(), 1).found());
      }
      assertThat(traced).containsExactlyInAnyOrder(true, false);
      lineage.deleteStore();
      assertThat(dir).doesNotExist();
    } finally {
      lineage.deleteStore();
      lineage.tearDown();
    }
  }

  @Test
  void aWrongSumFailsTheBenchmark() {
    assertThatThrownBy(() -> Workloads.verify("x", 10, 9))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("expected sum 10 but got 9");
  }

  @Test
  void everyPairSelectsExactlyItsGeneratedBenchmarks() {
    OutputFormat silent =
        OutputFormatFactory.createFormatInstance(
            new PrintStream(OutputStream.nullOutputStream()), VerboseMode.SILENT);
    for (Pair p : BenchmarkReport.PAIRS) {
      Set<String> found =
          BenchmarkList.defaultList().find(silent, List.of(p.includePattern()), List.of()).stream()
              .map(BenchmarkListEntry::getUsername)
              .collect(Collectors.toSet());
      assertThat(found).as(p.name()).containsExactlyInAnyOrderElementsOf(p.benchmarks());
      // Without @Fork, JMH would fork each benchmark 5 times and the full report would take ages.
      assertThat(p.type().getAnnotation(Fork.class)).as(p.name()).isNotNull();
    }
  }

  @Test
  void filtersSelectWholePairs() {
    Settings s = BenchmarkReport.parse("--quick", "--prof", "gc", "ASYNC", "chain");
    assertThat(s.quick()).isTrue();
    assertThat(s.profilers()).containsExactly("gc");
    assertThat(BenchmarkReport.select(BenchmarkReport.PAIRS, s.filters()))
        .extracting(Pair::name)
        .containsExactly(
            "async-completed",
            "async-pooled",
            "chain-3-serial",
            "chain-vs-disruptor",
            "timeout-async");
    assertThat(BenchmarkReport.select(BenchmarkReport.PAIRS, List.of()))
        .containsExactlyElementsOf(BenchmarkReport.PAIRS);
    assertThatThrownBy(() -> BenchmarkReport.parse("--bogus"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void targetsJudgeTheScores() {
    Pair serial = pair("serial");
    assertThat(new Row(serial, new Score(10, 1), new Score(25, 2)).verdict())
        .isEqualTo("PASS (+15.00 ns/task)");
    assertThat(new Row(serial, new Score(10, 1), new Score(31, 2)).passed()).isFalse();

    Pair disruptor = pair("chain-vs-disruptor"); // at least half the peer's throughput
    assertThat(new Row(disruptor, new Score(20e6, 0), new Score(10e6, 0)).passed()).isTrue();
    assertThat(new Row(disruptor, new Score(20e6, 0), new Score(9e6, 0)).passed()).isFalse();

    Pair thread = pair("thread-x4");
    assertThat(new Row(thread, new Score(400, 0), new Score(100, 0)).ratio()).isEqualTo(0.25);
    assertThat(new Row(thread, new Score(100, 0), new Score(101, 0)).passed()).isFalse();

    Pair chain = pair("chain-3-serial"); // a throughput: the ratio is inverted
    Row slowChain = new Row(chain, new Score(8e6, 0), new Score(1.5e6, 0));
    assertThat(slowChain.ratio()).isCloseTo(5.33, org.assertj.core.data.Offset.offset(0.01));
    assertThat(slowChain.verdict()).startsWith("MISS");

    Row missing = new Row(pair("virtual-threads"), new Score(20, 0), null);
    assertThat(missing.passed()).isFalse();
    assertThat(missing.verdict()).startsWith("ERROR");
    assertThat(BenchmarkReport.table(List.of(slowChain, missing)))
        .contains("| chain-3-serial ", "| 8,000,000 ", "| 1,500,000 ", "| 5.33x ", "| n/a ");
  }

  @Test
  void interleavedSidesTakeTurnsGoingFirstAndCountEachSide() {
    InterleavedSides sides = new InterleavedSides();
    sides.clear();
    List<String> order = new ArrayList<>();
    long sum = 0;
    for (int i = 0; i < 4; i++) {
      sum +=
          sides.both(
              10,
              () -> {
                order.add("baseline");
                return 1;
              },
              () -> {
                order.add("celestialFlow");
                return 2;
              });
    }
    assertThat(sum).isEqualTo(12);
    assertThat(order)
        .containsExactly(
            "baseline",
            "celestialFlow",
            "celestialFlow",
            "baseline",
            "baseline",
            "celestialFlow",
            "celestialFlow",
            "baseline");
    assertThat(sides.baselineTasks).isEqualTo(40);
    assertThat(sides.celestialFlowTasks).isEqualTo(40);
    assertThat(sides.baselineNanos).isPositive();
    assertThat(sides.celestialFlowNanos).isPositive();
    sides.clear();
    assertThat(sides.baselineTasks + sides.celestialFlowTasks + sides.baselineNanos).isZero();
    assertThat(sides.pairRatio()).as("no invocation yet").isNaN();
    for (int i = 0; i < 5; i++) {
      sides.both(1, () -> spin(2_000_000), () -> spin(6_000_000));
    }
    assertThat(sides.pairRatio()).as("the median of 6 ms over 2 ms").isBetween(2.0, 4.5);
  }

  /** Spins for about {@code nanos}; returns 1. */
  private static long spin(long nanos) {
    long end = System.nanoTime() + nanos;
    while (System.nanoTime() < end) {
      Thread.onSpinWait();
    }
    return 1;
  }

  /**
   * The progress pair run through JMH for real (in this JVM, briefly): the report finds both sides'
   * times among the one benchmark's secondary results.
   */
  @Test
  @Timeout(120)
  void anInterleavedPairIsReportedFromItsOneBenchmark() throws RunnerException {
    Pair progress = pair("progress");
    assertThat(progress.interleaved()).isTrue();
    Options options =
        new OptionsBuilder()
            .include(progress.includePattern())
            .forks(0)
            .warmupIterations(1)
            .warmupTime(TimeValue.milliseconds(300))
            .measurementIterations(2)
            .measurementTime(TimeValue.milliseconds(300))
            .verbosity(VerboseMode.SILENT)
            .build();
    Row row = BenchmarkReport.rows(List.of(progress), new Runner(options).run()).get(0);
    assertThat(row.complete()).as("both sides measured").isTrue();
    assertThat(row.baseline().value()).as("ns per task").isBetween(1.0, 100_000.0);
    assertThat(row.celestialFlow().value()).as("ns per task").isBetween(1.0, 100_000.0);
    assertThat(row.pairedRatio()).as("the median ratio of an invocation's runs").isFinite();
    assertThat(row.ratio()).isEqualTo(row.pairedRatio()).isBetween(0.1, 10.0);
  }

  @Test
  void theReportNamesTheInterleavedPairsThatRan() {
    assertThat(BenchmarkReport.interleavedNote(List.of(pair("serial"), pair("chain-3-serial"))))
        .isEmpty();
    assertThat(BenchmarkReport.interleavedNote(BenchmarkReport.PAIRS))
        .startsWith(" The interleaved pairs (progress, metrics, lineage) run their two sides");
    assertThat(BenchmarkReport.interleavedNote(List.of(pair("serial"), pair("lineage"))))
        .startsWith(" The interleaved pairs (lineage) run");
  }

  private static Pair pair(String name) {
    return BenchmarkReport.PAIRS.stream().filter(p -> p.name().equals(name)).findFirst().get();
  }
}
