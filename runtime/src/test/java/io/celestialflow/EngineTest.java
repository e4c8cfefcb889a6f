package io.celestialflow;

import static org.assertj.core.api.Assertions.assertThat;

import io.celestialflow.spi.TaskObserver;
import io.celestialflow.spi.TaskRef;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Graph shapes and stage kinds, each under every execution mode. */
@Timeout(30)
class EngineTest {
  record AddArgs(int x, int y) {}

  @ParameterizedTest
  @EnumSource(Mode.class)
  void quickStartAddThenSquare(Mode mode) {
    TaskStage<AddArgs, Integer> add = mode.map("add", (AddArgs a) -> a.x() + a.y());
    TaskStage<Integer, Integer> square = mode.map("square", (Integer x) -> x * x);
    try (TaskGraph graph =
        TaskGraph.builder("quick-" + mode).stages(add, square).edge(add, square).build()) {
      GraphResult result =
          graph.run(add, List.of(new AddArgs(1, 2), new AddArgs(3, 4), new AddArgs(5, 6)));

      assertThat(result.isCompleted()).isTrue();
      assertThat(result.outputs(square)).containsExactlyInAnyOrder(9, 49, 121);
      assertThat(result.stats(add).succeeded()).isEqualTo(3);
      assertThat(result.stats(square).succeeded()).isEqualTo(3);
      Checks.accounted(result);
    }
    Checks.noThreadsLeft("quick-" + mode);
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void fanOutSendsEveryResultToEveryDownstreamStage(Mode mode) {
    TaskStage<Integer, Integer> source = mode.map("source", (Integer x) -> x);
    TaskStage<Integer, Integer> twice = mode.map("twice", (Integer x) -> 2 * x);
    TaskStage<Integer, String> text = mode.map("text", (Integer x) -> "#" + x);
    try (TaskGraph graph =
        TaskGraph.builder("fanout-" + mode)
            .stages(source, twice, text)
            .edge(source, twice)
            .edge(source, text)
            .build()) {
      GraphResult result = graph.run(source, Checks.range(0, 1000));

      assertThat(result.outputs(twice))
          .containsExactlyInAnyOrderElementsOf(
              IntStream.range(0, 1000).map(i -> 2 * i).boxed().toList());
      assertThat(result.outputs(text)).hasSize(1000).contains("#0", "#999");
      assertThat(graph.exitStages()).containsExactly(twice, text);
      Checks.accounted(result);
    }
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void fanInMergesTwoBranchesAndForestsRunIndependently(Mode mode) {
    TaskStage<Integer, Integer> left = mode.map("left", (Integer x) -> x + 1000);
    TaskStage<Integer, Integer> right = mode.map("right", (Integer x) -> x + 2000);
    TaskStage<Integer, Long> merge = mode.map("merge", (Integer x) -> (long) x);
    TaskStage<String, Integer> lonely = mode.map("lonely", String::length);
    try (TaskGraph graph =
        TaskGraph.builder("fanin-" + mode)
            .stages(left, right, merge, lonely)
            .edge(left, merge)
            .edge(right, merge)
            .build()) {
      GraphResult result =
          graph
              .newRun()
              .input(left, Checks.range(0, 500))
              .input(right, Checks.range(0, 300))
              .input(lonely, List.of("a", "bb", "ccc"))
              .run();

      assertThat(result.outputs(merge)).hasSize(800);
      assertThat(result.outputs(merge).stream().mapToLong(Long::longValue).sum())
          .isEqualTo(
              IntStream.range(0, 500).map(i -> i + 1000).sum()
                  + IntStream.range(0, 300).map(i -> i + 2000).sum());
      assertThat(result.outputs(lonely)).containsExactlyInAnyOrder(1, 2, 3);
      assertThat(graph.entryStages()).containsExactly(left, right, lonely);
      Checks.accounted(result);
    }
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void splitterEmitsEachItemAsItsOwnTask(Mode mode) {
    TaskStage<String, String> words =
        mode.splitter("words", (String line) -> Arrays.asList(line.split(" ")));
    TaskStage<String, Integer> length = mode.map("length", String::length);
    try (TaskGraph graph =
        TaskGraph.builder("split-" + mode).stages(words, length).edge(words, length).build()) {
      GraphResult result = graph.run(words, List.of("a bb ccc", "dddd", "ee f"));

      assertThat(result.outputs(length)).containsExactlyInAnyOrder(1, 2, 3, 4, 2, 1);
      assertThat(result.stats(words).succeeded()).isEqualTo(3);
      assertThat(result.stats(words).emitted()).isEqualTo(6);
      assertThat(result.stats(length).received()).isEqualTo(6);
      Checks.accounted(result);
    }
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void routerSendsEachOutputOnlyWhereItSays(Mode mode) {
    TaskStage<Integer, Integer> even = mode.map("even", (Integer x) -> x);
    TaskStage<Integer, Integer> odd = mode.map("odd", (Integer x) -> x);
    TaskStage<Integer, Integer> parity =
        mode.router("parity", (Integer x) -> x % 2 == 0 ? Routed.to(even, x) : Routed.to("odd", x));
    try (TaskGraph graph =
        TaskGraph.builder("route-" + mode)
            .stages(parity, even, odd)
            .edge(parity, even)
            .edge(parity, odd)
            .build()) {
      GraphResult result = graph.run(parity, Checks.range(0, 101));

      assertThat(result.outputs(even)).hasSize(51).allMatch(x -> x % 2 == 0);
      assertThat(result.outputs(odd)).hasSize(50).allMatch(x -> x % 2 == 1);
      Checks.accounted(result);
    }
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void aRouterNamingAStageItHasNoEdgeToFailsThatTaskOnly(Mode mode) {
    TaskStage<Integer, Integer> sink = mode.map("sink", (Integer x) -> x);
    TaskStage<Integer, Integer> router =
        mode.router("router", (Integer x) -> Routed.to(x == 7 ? "nowhere" : "sink", x));
    try (TaskGraph graph =
        TaskGraph.builder("badroute-" + mode).stages(router, sink).edge(router, sink).build()) {
      GraphResult result = graph.run(router, Checks.range(0, 10));

      assertThat(result.outputs(sink)).hasSize(9).doesNotContain(7);
      assertThat(result.failures())
          .singleElement()
          .satisfies(f -> {
            assertThat(f.stage()).isEqualTo("router");
            assertThat(f.task()).isEqualTo(7);
            assertThat(f.exceptionType()).isEqualTo(IllegalArgumentException.class.getName());
            assertThat(f.message())
                .contains("'nowhere'", "not one of its downstream stages", "[sink]");
          });
      Checks.accounted(result);
    }
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void anExceptionFailsOneTaskAndTheOthersGoOn(Mode mode) {
    TaskStage<Integer, Integer> risky =
        mode.map(
            "risky",
            (Integer x) -> {
              if (x % 10 == 3) {
                throw new IllegalStateException("bad task " + x);
              }
              return x;
            });
    TaskStage<Integer, Integer> after = mode.map("after", (Integer x) -> x + 1);
    try (TaskGraph graph =
        TaskGraph.builder("fail-" + mode).stages(risky, after).edge(risky, after).build()) {
      GraphResult result = graph.run(risky, Checks.range(0, 200));

      assertThat(result.outputs(after)).hasSize(180);
      assertThat(result.stats(risky).failed()).isEqualTo(20);
      assertThat(result.failures())
          .hasSize(20)
          .allSatisfy(f -> {
            assertThat(f.stage()).isEqualTo("risky");
            assertThat((Integer) f.task() % 10).isEqualTo(3);
            assertThat(f.exceptionType()).isEqualTo("java.lang.IllegalStateException");
            assertThat(f.message()).isEqualTo("bad task " + f.task());
            assertThat(f.stackTrace()).contains("IllegalStateException: bad task", "EngineTest");
            assertThat(f.attempts()).isEqualTo(1);
            assertThat(f.isA(RuntimeException.class)).isTrue();
          });
      Checks.accounted(result);
    }
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  @SuppressWarnings("NullAway") // returns null on purpose
  void aMapStageReturningNullFailsWithAClearMessage(Mode mode) {
    // Unobserved, a map stage's success takes the core's short path; observed, the general one:
    // both check the result.
    TaskStage<Integer, Integer> nully = mode.map("nully", (Integer x) -> x == 2 ? null : x);
    try (TaskGraph graph = TaskGraph.builder("null-" + mode).stage(nully).build()) {
      for (boolean observed : new boolean[] {false, true}) {
        LongAdder seenFailing = new LongAdder();
        TaskObserver observer =
            new TaskObserver() {
              @Override
              public void failed(
                  TaskRef task, Throwable error, long elapsedNanos, boolean willRetry) {
                seenFailing.increment();
              }
            };
        RunBuilder run = graph.newRun().input(nully, List.of(1, 2, 3));
        GraphResult result = (observed ? run.observer(observer) : run).run();

        assertThat(result.outputs(nully)).containsExactlyInAnyOrder(1, 3);
        assertThat(result.failures())
            .singleElement()
            .satisfies(f ->
                assertThat(f.message()).contains("stage 'nully' returned null", "use a splitter"));
        assertThat(seenFailing.sum()).as("observed: %s", observed).isEqualTo(observed ? 1 : 0);
        Checks.accounted(result);
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void duplicateTasksAreSkippedAndCounted(Mode mode) {
    AtomicInteger calls = new AtomicInteger();
    TaskStage<Integer, Integer> once =
        mode.map(
            "once",
            (Integer x) -> {
              calls.incrementAndGet();
              return x;
            },
            b -> b.dedupe());
    TaskStage<String, String> byLength =
        mode.map("byLength", (String s) -> s, b -> b.dedupe(String::length));
    try (TaskGraph graph = TaskGraph.builder("dedupe-" + mode).stages(once, byLength).build()) {
      List<Integer> tasks = new ArrayList<>();
      for (int i = 0; i < 300; i++) {
        tasks.add(i % 100);
      }
      GraphResult result =
          graph
              .newRun()
              .input(once, tasks)
              .input(byLength, List.of("a", "b", "cc", "dd", "eee"))
              .run();

      assertThat(result.outputs(once)).containsExactlyInAnyOrderElementsOf(Checks.range(0, 100));
      assertThat(result.stats(once).duplicates()).isEqualTo(200);
      assertThat(calls).hasValue(100);
      assertThat(result.stats(byLength).succeeded()).isEqualTo(3);
      assertThat(result.stats(byLength).duplicates()).isEqualTo(2);
      Checks.accounted(result);
    }
  }

  /** Collatz: n → n/2 or 3n+1, fed back until it reaches 1. A loop that ends by itself. */
  @ParameterizedTest
  @EnumSource(Mode.class)
  void aCollatzLoopRunsThousandsOfRoundsAndEndsByItself(Mode mode) {
    int n = mode == Mode.SERIAL || mode == Mode.THREAD ? 3000 : 600;
    LongAdder expectedSteps = new LongAdder();
    for (long start = 1; start <= n; start++) {
      for (long v = start; v != 1; v = v % 2 == 0 ? v / 2 : 3 * v + 1) {
        expectedSteps.increment();
      }
    }
    TaskStage<Long, Long> step = mode.map("step", (Long v) -> v % 2 == 0 ? v / 2 : 3 * v + 1);
    TaskStage<Long, Long> again =
        mode.splitter("again", (Long v) -> v == 1 ? List.of() : List.of(v));
    TaskStage<Long, Long> done = mode.map("done", (Long v) -> v);
    List<Long> starts = new ArrayList<>();
    for (long v = 2; v <= n; v++) {
      starts.add(v);
    }
    try (TaskGraph graph =
        TaskGraph.builder("collatz-" + mode)
            .stages(step, again, done)
            .edge(step, again)
            .edge(again, step)
            .edge(step, done)
            .inboxCapacity(64)
            .build()) {
      GraphResult result = graph.newRun().input(step, starts).collect(step).run();

      assertThat(result.isCompleted()).isTrue();
      assertThat(result.stats(step).succeeded()).isEqualTo(expectedSteps.sum());
      assertThat(result.stats(again).received()).isEqualTo(expectedSteps.sum());
      assertThat(result.outputs(done).stream().filter(v -> v == 1).count()).isEqualTo(n - 1);
      assertThat(graph.isAcyclic()).isFalse();
      Checks.accounted(result);
    }
    Checks.noThreadsLeft("collatz-" + mode);
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void aSelfLoopCountsDown(Mode mode) {
    TaskStage<Integer, Integer> countdown =
        mode.splitter("countdown", (Integer x) -> x == 0 ? List.of() : List.of(x - 1));
    try (TaskGraph graph =
        TaskGraph.builder("selfloop-" + mode)
            .stage(countdown)
            .edge(countdown, countdown)
            .inboxCapacity(4)
            .build()) {
      GraphResult result = graph.run(countdown, List.of(100, 200, 300));

      assertThat(result.stats(countdown).succeeded()).isEqualTo(101 + 201 + 301);
      assertThat(graph.entryStages()).isEmpty();
      assertThat(graph.exitStages()).isEmpty();
      Checks.accounted(result);
    }
  }

  /** Every stage feeds every other; a task's hop budget makes the traffic finite. */
  @ParameterizedTest
  @EnumSource(Mode.class)
  void aCompleteGraphEndsWhenTheLastHopIsSpent(Mode mode) {
    int k = 4;
    int hops = 5;
    List<TaskStage<Integer, Integer>> nodes = new ArrayList<>();
    for (int i = 0; i < k; i++) {
      nodes.add(mode.splitter("n" + i, (Integer ttl) -> ttl == 0 ? List.of() : List.of(ttl - 1)));
    }
    TaskGraph.Builder b = TaskGraph.builder("complete-" + mode).stages(nodes).inboxCapacity(8);
    for (TaskStage<Integer, Integer> from : nodes) {
      for (TaskStage<Integer, Integer> to : nodes) {
        if (from != to) {
          b.edge(from, to);
        }
      }
    }
    try (TaskGraph graph = b.build()) {
      GraphResult result = graph.run(nodes.get(0), List.of(hops, hops));

      // A task with ttl t at one stage is processed there, then sent to k-1 others with t-1.
      long expected = 0;
      long width = 2;
      for (int t = hops; t >= 0; t--) {
        expected += width;
        width *= k - 1;
      }
      long processed = result.stats().stream().mapToLong(StageStats::succeeded).sum();
      assertThat(processed).isEqualTo(expected);
      Checks.accounted(result);
    }
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void aConsumerStageEndsTheLine(Mode mode) {
    ConcurrentHashMap<Integer, Boolean> seen = new ConcurrentHashMap<>();
    TaskStage<Integer, Void> store =
        TaskStage.consumer("store", (Integer x) -> seen.put(x, true)).build();
    TaskStage<Integer, Integer> inc = mode.map("inc", (Integer x) -> x + 1);
    try (TaskGraph graph =
        TaskGraph.builder("consumer-" + mode).stages(inc, store).edge(inc, store).build()) {
      GraphResult result = graph.run(inc, Checks.range(0, 50));

      assertThat(seen.keySet()).containsExactlyInAnyOrderElementsOf(Checks.range(1, 51));
      assertThat(result.outputs()).isEmpty();
      Checks.accounted(result);
    }
  }
}
