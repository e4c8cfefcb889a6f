package io.celestialflow.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.celestialflow.Execution;
import io.celestialflow.GraphResult;
import io.celestialflow.GraphRun;
import io.celestialflow.InputProgress;
import io.celestialflow.RunState;
import io.celestialflow.TaskGraph;
import io.celestialflow.TaskStage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Resuming cancelled runs and retrying failed tasks, in process. */
@Timeout(60)
class ResumeTest {
  private static final int TASKS = 600;
  private static final List<Integer> INPUTS = IntStream.range(0, TASKS).boxed().toList();

  @TempDir Path dir;

  /** Starts a recorded run of the slow graph and cancels it once the sink has seen {@code at}. */
  private static GraphResult cancelledAt(int at, Map<Integer, AtomicInteger> seen, RunStore store)
      throws InterruptedException {
    CountDownLatch reached = new CountDownLatch(1);
    TaskGraph graph = TestGraphs.slowThenSink(1, seen, at, reached::countDown);
    return cancelWhen(reached, store.newRun(graph).input("slow", INPUTS).start());
  }

  private static GraphResult cancelWhen(CountDownLatch reached, GraphRun run)
      throws InterruptedException {
    assertThat(reached.await(30, TimeUnit.SECONDS)).isTrue();
    run.cancel();
    return run.await();
  }

  private static void assertEachSeenOnce(Map<Integer, AtomicInteger> seen) {
    assertThat(seen.keySet()).containsExactlyInAnyOrderElementsOf(INPUTS);
    assertThat(seen.values()).allSatisfy(n -> assertThat(n.get()).isEqualTo(1));
  }

  @Test
  void aCancelledRunResumedProcessesEveryTaskExactlyOnce() throws Exception {
    Map<Integer, AtomicInteger> seen = new ConcurrentHashMap<>();
    try (RunStore store = RunStore.open(dir)) {
      GraphResult first = cancelledAt(150, seen, store);
      assertThat(first.state()).isEqualTo(RunState.CANCELLED);
      RunInfo stored = store.run(first.runId()).orElseThrow();
      assertThat(stored.state()).isEqualTo("CANCELLED");
      long unfinished = first.unfinished().values().stream().mapToLong(List::size).sum();
      assertThat(stored.unfinished()).isEqualTo(unfinished);
      assertThat(store.unfinished(first.runId())).hasSize((int) unfinished);
      assertThat(stored.inputs())
          .singleElement()
          .satisfies(in -> {
            assertThat(in.position()).isEqualTo(first.inputs().get(0).read());
            assertThat(in.exhausted()).isEqualTo(first.inputs().get(0).exhausted());
          });
      assertThat(seen).hasSizeLessThan(TASKS);

      TaskGraph again = TestGraphs.slowThenSink(0, seen, -1, () -> {});
      GraphResult second = store.resume(first.runId(), again).input("slow", INPUTS).run();

      assertThat(second.state()).isEqualTo(RunState.COMPLETED);
      assertThat(second.failureCount()).isZero();
      assertEachSeenOnce(seen);
      RunInfo resumed = store.run(second.runId()).orElseThrow();
      assertThat(resumed.originRun()).contains(first.runId());
      assertThat(resumed.originKind()).isEqualTo("resume");
      assertThat(resumed.inputs())
          .singleElement()
          .satisfies(in -> {
            assertThat(in.position()).isEqualTo(TASKS);
            assertThat(in.exhausted()).isTrue();
          });
    }
  }

  /** A resumed run cancelled in turn carries the tasks it did not get to into its own record. */
  @Test
  void aResumedRunCancelledAgainCanBeResumedInTurn() throws Exception {
    Map<Integer, AtomicInteger> seen = new ConcurrentHashMap<>();
    try (RunStore store = RunStore.open(dir)) {
      GraphResult first = cancelledAt(100, seen, store);
      // The second run's sink counts from 0 again: cancel it after 100 more.
      CountDownLatch reached = new CountDownLatch(1);
      TaskGraph graph = TestGraphs.slowThenSink(1, seen, 100, reached::countDown);
      GraphResult second =
          cancelWhen(
              reached, store.resume(first.runId(), graph).input("slow", INPUTS).newRun().start());
      assertThat(store.run(second.runId()).orElseThrow().unfinished()).isPositive();
      assertThat(second.state()).isEqualTo(RunState.CANCELLED);
      assertThat(seen).hasSizeLessThan(TASKS);

      GraphResult third =
          store
              .resume(second.runId(), TestGraphs.slowThenSink(0, seen, -1, () -> {}))
              .input("slow", INPUTS)
              .run();
      assertThat(third.state()).isEqualTo(RunState.COMPLETED);
      assertEachSeenOnce(seen);
    }
  }

  @Test
  void retryFailedRunsOnlyTheFailedTasksFilteredByStageOrType() {
    Set<Integer> failing = ConcurrentHashMap.newKeySet();
    IntStream.range(0, 100).filter(i -> i % 5 == 0).forEach(failing::add);
    Map<Integer, AtomicInteger> succeeded = new ConcurrentHashMap<>();
    TaskStage<Integer, Integer> flaky =
        TaskStage.map(
                "flaky",
                (Integer x) -> {
                  if (failing.contains(x)) {
                    throw x % 10 == 0
                        ? new IllegalStateException("down " + x)
                        : new java.io.UncheckedIOException(new java.io.IOException("io " + x));
                  }
                  succeeded.computeIfAbsent(x, k -> new AtomicInteger()).incrementAndGet();
                  return x;
                })
            .taskType(Integer.class)
            .execution(Execution.threads(2))
            .build();
    TaskGraph graph = TaskGraph.builder("flaky").stage(flaky).build();
    try (RunStore store = RunStore.open(dir)) {
      GraphResult first =
          store.newRun(graph).input(flaky, IntStream.range(0, 100).boxed().toList()).run();
      assertThat(first.failureCount()).isEqualTo(20);
      failing.clear();

      GraphResult onlyState =
          store
              .retryFailed(
                  first.runId(), graph, FailureQuery.all().type(IllegalStateException.class))
              .run();
      assertThat(onlyState.failureCount()).isZero();
      assertThat(onlyState.stats("flaky").succeeded()).isEqualTo(10);
      assertThat(store.run(onlyState.runId()).orElseThrow().originKind()).isEqualTo("retry");

      GraphResult rest =
          store.retryFailed(first.runId(), graph, FailureQuery.all().text("io ")).run();
      assertThat(rest.stats("flaky").succeeded()).isEqualTo(10);
      assertThat(succeeded.keySet())
          .containsExactlyInAnyOrderElementsOf(IntStream.range(0, 100).boxed().toList());
      assertThat(succeeded.values()).allSatisfy(n -> assertThat(n.get()).isEqualTo(1));
    }
  }

  @Test
  void resumingInAGraphOfAnotherShapeNamesWhatDiffers() throws Exception {
    Map<Integer, AtomicInteger> seen = new ConcurrentHashMap<>();
    try (RunStore store = RunStore.open(dir)) {
      GraphResult first = cancelledAt(50, seen, store);
      TaskStage<Integer, Integer> slow =
          TaskStage.map("slow", (Integer x) -> x).taskType(Integer.class).build();
      TaskStage<String, Void> sink =
          TaskStage.<String>consumer("sink", s -> {}).taskType(String.class).build();
      TaskStage<Integer, Integer> extra =
          TaskStage.map("extra", (Integer x) -> x).taskType(Integer.class).build();
      TaskGraph changed =
          TaskGraph.builder("slow-sink")
              .stage(slow)
              .stage(extra)
              .stage(sink)
              .edge(slow, extra)
              .build();
      assertThatThrownBy(() -> store.resume(first.runId(), changed))
          .isInstanceOf(StoreException.class)
          .hasMessageContaining("run " + first.runId() + " cannot continue in graph 'slow-sink'")
          .hasMessageContaining("stages new in the graph: [extra]")
          .hasMessageContaining("removed slow -> sink, added slow -> extra")
          .hasMessageContaining(
              "stage 'sink' takes java.lang.String now; the run's took java.lang.Integer");
      assertThatThrownBy(() -> store.resume("no-such-run", changed))
          .isInstanceOf(StoreException.class)
          .hasMessageContaining("has no run 'no-such-run'");
    }
  }

  @Test
  void resumingWithSourcesInAnotherOrderIsAClearError() throws Exception {
    Map<Integer, AtomicInteger> seen = new ConcurrentHashMap<>();
    try (RunStore store = RunStore.open(dir)) {
      GraphResult first = cancelledAt(50, seen, store);
      Resumption r = store.resume(first.runId(), TestGraphs.slowThenSink(0, seen, -1, () -> {}));
      assertThatThrownBy(() -> r.newRun())
          .isInstanceOf(StoreException.class)
          .hasMessageContaining("had not finished reading input 0 (stage 'slow'");
      assertThatThrownBy(() -> r.input("sink", List.of(1)).newRun())
          .isInstanceOf(StoreException.class)
          .hasMessageContaining(
              "input 0 of run " + first.runId() + " fed stage 'slow', not 'sink'");
    }
  }

  @Test
  void aJournaledRunThatDiedBeforeItsFirstJournalRowIsRecoveredWithNothingRead() {
    ConcurrentLinkedQueue<Integer> sink = new ConcurrentLinkedQueue<>();
    TaskGraph graph = StoreChild.journalled(sink::add);
    try (RunStore store = RunStore.open(dir)) {
      // What a process killed just after its run's row was committed leaves behind: the row, no
      // journal row yet, no end (the soak crash trials hit it on a loaded machine).
      StoreWriter writer = store.writerForTests();
      writer.put(
          new Entry.RunStart(
              "died",
              graph.name(),
              GraphShape.structureJson(graph),
              GraphShape.stageTypesJson(graph),
              null,
              "run",
              1,
              true,
              List.of(new InputProgress("work", 0, 0, false, false)),
              List.of(0L)));
      writer.flush("died", Duration.ofSeconds(30));

      Resumption resumption = store.resume("died", graph);
      RunInfo died = store.run("died").orElseThrow();
      assertThat(died.state()).isEqualTo("CANCELLED");
      assertThat(died.unfinished()).isZero();
      resumption.input("work", List.of(1, 2, 3)).run();
      assertThat(sink).containsExactlyInAnyOrder(11, 21, 31);
    }
  }
}
