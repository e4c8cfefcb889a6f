package io.celestialflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.celestialflow.event.InputFailed;
import io.celestialflow.event.RunFinished;
import io.celestialflow.event.RunStarted;
import io.celestialflow.event.StageFinished;
import io.celestialflow.event.StageStarted;
import io.celestialflow.event.TaskFailed;
import io.celestialflow.event.TaskRetried;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Starting, observing, streaming, injecting, cancelling, interrupting and closing runs. */
@Timeout(30)
class LifecycleTest {

  @ParameterizedTest
  @EnumSource(Mode.class)
  void cancelStopsEveryThreadAndReportsUnfinishedTasks(Mode mode) throws Exception {
    CountDownLatch never = new CountDownLatch(1);
    TaskStage<Integer, Integer> first = mode.gated("first", never, 10);
    TaskStage<Integer, Integer> second = mode.map("second", (Integer x) -> x);
    String name = "cancel-" + mode;
    TaskGraph graph = TaskGraph.builder(name).stages(first, second).edge(first, second).build();
    // An iterator, read by a feeder thread into the inbox: the queued tasks are left unfinished.
    // (A list is read by the stage's workers themselves: ListInputTest.)
    GraphRun run = graph.newRun().input(first, Checks.range(0, 500).iterator()).start();
    Checks.eventually(() -> run.status().stats("second").succeeded() == 10);

    run.cancel();
    GraphResult result = run.result().get(10, TimeUnit.SECONDS);

    assertThat(result.state()).isEqualTo(RunState.CANCELLED);
    assertThat(result.outputs(second)).containsExactlyInAnyOrderElementsOf(Checks.range(0, 10));
    // Every task that entered is accounted for: the first 10 done, the other 490 unfinished.
    assertThat(result.stats(first).received()).isEqualTo(500);
    assertThat(result.stats(first).unfinished()).isEqualTo(490);
    List<Object> resume = new ArrayList<>(result.unfinished("first"));
    assertThat(resume).containsExactlyInAnyOrderElementsOf(new ArrayList<>(Checks.range(10, 500)));
    Checks.accounted(result);
    run.close(); // also waits for the supervisor, which completed the result, to end
    Checks.noThreadsLeft(name);
    graph.close();
    never.countDown(); // lets the abandoned asynchronous tasks of the ASYNC mode end
  }

  @Test
  void interruptingTheWaitingThreadCancelsTheRunAndKeepsTheFlag() throws Exception {
    CountDownLatch never = new CountDownLatch(1);
    TaskStage<Integer, Integer> stuck = Mode.THREAD.gated("stuck", never, 10);
    AtomicReference<GraphRun> started = new AtomicReference<>();
    AtomicReference<GraphResult> seen = new AtomicReference<>();
    AtomicReference<Boolean> flag = new AtomicReference<>();
    GraphListener capture =
        event -> {
          if (event instanceof RunStarted s) {
            started.set(s.run());
          }
        };
    try (TaskGraph graph = TaskGraph.builder("interrupt").stage(stuck).listener(capture).build()) {
      Thread caller =
          new Thread(() -> {
            seen.set(graph.run(stuck, Checks.range(0, 100)));
            flag.set(Thread.currentThread().isInterrupted());
          });
      caller.start();
      Checks.eventually(
          () -> started.get() != null && started.get().status().stats("stuck").succeeded() == 10);
      caller.interrupt();
      caller.join(10_000);

      assertThat(caller.isAlive()).isFalse();
      GraphResult result = seen.get();
      assertThat(result.state()).isEqualTo(RunState.CANCELLED);
      assertThat(result.cause()).containsInstanceOf(InterruptedException.class);
      assertThat(flag.get()).as("interrupt flag restored").isTrue();
      // The list is read by the stage's worker as it wants work: what it did not read is not
      // unfinished but unread, from the input's read position on.
      long read = result.inputs().getFirst().read();
      assertThat(result.stats("stuck").received()).isEqualTo(read);
      assertThat(result.stats("stuck").unfinished()).isEqualTo(read - 10);
      assertThat(result.unfinished("stuck")).hasSize((int) read - 10);
      Checks.accounted(result);
    }
    Checks.noThreadsLeft("interrupt");
  }

  @Test
  void closingTheGraphCancelsItsRunsAndRefusesNewOnes() throws Exception {
    CountDownLatch never = new CountDownLatch(1);
    TaskStage<Integer, Integer> stuck = Mode.VIRTUAL.gated("stuck", never, 10);
    TaskGraph graph = TaskGraph.builder("close").stage(stuck).build();
    GraphRun run = graph.start(stuck, Checks.range(0, 50));
    Checks.eventually(() -> run.status().stats("stuck").succeeded() == 10);

    graph.close();

    assertThat(run.isDone()).as("close waits for the run to stop").isTrue();
    assertThat(run.result().get().state()).isEqualTo(RunState.CANCELLED);
    Checks.accounted(run.result().get());
    Checks.noThreadsLeft("close");
    graph.close(); // harmless
    assertThatThrownBy(graph::newRun)
        .isInstanceOf(GraphStateException.class)
        .hasMessageContaining("graph 'close' is closed");
    assertThatThrownBy(() -> graph.run(stuck, List.of(1))).isInstanceOf(GraphStateException.class);
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void outputsStreamAsTheyAreProduced(Mode mode) throws Exception {
    TaskStage<Integer, Integer> square = mode.map("square", (Integer x) -> x * x);
    try (TaskGraph graph =
            TaskGraph.builder("stream-" + mode).stage(square).inboxCapacity(16).build();
        GraphRun run =
            graph.newRun().input(square, Checks.range(0, 20_000)).stream(square)
                .discardOutputs()
                .start()) {
      long sum;
      try (Stream<Integer> out = run.outputs(square)) {
        sum = out.mapToLong(Integer::longValue).sum();
      }
      long expected = 0;
      for (long i = 0; i < 20_000; i++) {
        expected += i * i;
      }
      assertThat(sum).isEqualTo(expected);
      GraphResult result = run.await();
      assertThat(result.outputs()).isEmpty();
      assertThatThrownBy(() -> run.outputs(square))
          .isInstanceOf(GraphStateException.class)
          .hasMessageContaining("already obtained");
      Checks.accounted(result);
    }
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void callbacksSeeEveryOutput(Mode mode) {
    AtomicLong sum = new AtomicLong();
    TaskStage<Integer, Integer> inc = mode.map("inc", (Integer x) -> x + 1);
    try (TaskGraph graph = TaskGraph.builder("callback-" + mode).stage(inc).build()) {
      GraphResult result =
          graph
              .newRun()
              .input(inc, Checks.range(0, 10_000))
              .onOutput(inc, x -> sum.addAndGet(x))
              .onOutput(
                  inc,
                  x -> {
                    if (x == 5) throw new IllegalStateException("ignored");
                  })
              .discardOutputs()
              .run();
      assertThat(sum).hasValue(10_000L * 10_001 / 2);
      assertThatThrownBy(() -> result.outputs(inc))
          .isInstanceOf(GraphInputException.class)
          .hasMessageContaining("were not collected");
      Checks.accounted(result);
    }
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void aKeptOpenRunTakesInjectedTasksUntilItsInputsClose(Mode mode) throws Exception {
    TaskStage<Integer, Integer> step =
        mode.splitter("step", (Integer x) -> x > 0 ? List.of(x - 1) : List.of());
    TaskStage<Integer, String> show = mode.map("show", (Integer x) -> "v" + x);
    try (TaskGraph graph =
            TaskGraph.builder("open-" + mode)
                .stages(step, show)
                .edge(step, step)
                .edge(step, show)
                .build();
        GraphRun run = graph.newRun().keepOpen().start()) {
      run.inject(step, 3);
      Checks.eventually(() -> run.status().stats("show").succeeded() == 3);
      assertThat(run.isDone()).as("inputs open: the run waits for more").isFalse();
      run.inject("step", 1);
      run.closeInputs();
      GraphResult result = run.await();

      assertThat(result.outputs(show)).containsExactlyInAnyOrder("v2", "v1", "v0", "v0");
      assertThatThrownBy(() -> run.inject(step, 5))
          .isInstanceOf(GraphStateException.class)
          .hasMessageContaining("inputs were closed");
      Checks.accounted(result);
    }
  }

  @Test
  void injectingIntoARunThatWasNotKeptOpenIsRefused() {
    CountDownLatch release = new CountDownLatch(1);
    TaskStage<Integer, Integer> stage = Mode.SERIAL.gated("stage", release, 10);
    try (TaskGraph graph = TaskGraph.builder("closed-inputs").stage(stage).build();
        GraphRun run = graph.start(stage, List.of(10))) {
      assertThatThrownBy(() -> run.inject(stage, 1))
          .isInstanceOf(GraphStateException.class)
          .hasMessageContaining("start it with keepOpen()");
      release.countDown();
      assertThat(run.await().outputs(stage)).containsExactly(10);
    }
  }

  @Test
  void statusIsReadableWhileRunningAndAddsUp() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    TaskStage<Integer, Integer> stage = Mode.THREAD.gated("stage", release, 10);
    try (TaskGraph graph = TaskGraph.builder("status").stage(stage).inboxCapacity(1000).build();
        GraphRun run = graph.start(stage, Checks.range(0, 200))) {
      Checks.eventually(() -> run.status().stats("stage").succeeded() == 10);
      Checks.eventually(() -> run.status().stats("stage").running() == 4); // all four held
      GraphStatus mid = run.status();
      StageStats s = mid.stats("stage");
      assertThat(mid.state()).isEqualTo(RunState.RUNNING);
      // The workers read the list as they want work: received = what was read so far.
      assertThat(s.received()).isEqualTo(mid.inputs().getFirst().read()).isLessThanOrEqualTo(200);
      assertThat(s.succeeded()).isEqualTo(10);
      assertThat(s.pending() + s.claimed()).isEqualTo(s.received() - 10);
      assertThat(s.finished()).isFalse();
      release.countDown();
      GraphResult result = run.await();
      assertThat(run.status().state()).isEqualTo(RunState.COMPLETED);
      assertThat(result.stats("stage").succeeded()).isEqualTo(200);
      assertThat(result.stats("stage").ratePerSecond()).isPositive();
    }
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void aLazySourceIsReadOnlyAsFastAsTheGraphConsumesIt(Mode mode) {
    AtomicLong produced = new AtomicLong();
    AtomicLong maxAhead = new AtomicLong();
    AtomicLong consumed = new AtomicLong();
    TaskStage<Long, Long> stage =
        mode.map(
            "stage",
            (Long x) -> {
              consumed.incrementAndGet();
              return x;
            });
    Iterator<Long> endlessLooking =
        new Iterator<>() {
          @Override
          public boolean hasNext() {
            return produced.get() < 200_000;
          }

          @Override
          public Long next() {
            long v = produced.incrementAndGet();
            maxAhead.accumulateAndGet(v - consumed.get(), Math::max);
            return v;
          }
        };
    try (TaskGraph graph =
        TaskGraph.builder("lazy-" + mode).stage(stage).inboxCapacity(512).chunkSize(64).build()) {
      GraphResult result = graph.newRun().input(stage, endlessLooking).discardOutputs().run();
      assertThat(result.stats(stage).succeeded()).isEqualTo(200_000);
      // The source never ran further ahead than the inbox, the in-flight chunks and one chunk.
      assertThat(maxAhead.get()).isLessThan(512 + 64 * 4 + 64 * 16 + 64);
    }
  }

  @Test
  void aSlowSourceIsNotHeldBackByChunking() throws Exception {
    LinkedBlockingQueue<Integer> queue = new LinkedBlockingQueue<>();
    Iterator<Integer> slow =
        new Iterator<>() {
          private Integer next;

          @Override
          public boolean hasNext() {
            try {
              next = queue.take();
            } catch (InterruptedException e) {
              throw new NoSuchElementException("interrupted");
            }
            return next >= 0;
          }

          @Override
          public Integer next() {
            return next;
          }
        };
    List<Integer> seen = new CopyOnWriteArrayList<>();
    TaskStage<Integer, Integer> stage = TaskStage.map("stage", (Integer x) -> x).build();
    try (TaskGraph graph = TaskGraph.builder("slow-source").stage(stage).build();
        GraphRun run = graph.newRun().input(stage, slow).onOutput(stage, seen::add).start()) {
      queue.add(1);
      Checks.eventually(() -> seen.contains(1)); // delivered although the chunk is far from full
      queue.add(2);
      Checks.eventually(() -> seen.contains(2));
      queue.add(-1);
      assertThat(run.await().outputs(stage)).containsExactly(1, 2);
    }
  }

  @Test
  void aFailingSourceIsReportedAndWhatItProducedIsProcessed() {
    TaskStage<Integer, Integer> stage = TaskStage.map("stage", (Integer x) -> x).build();
    Iterator<Integer> broken =
        new Iterator<>() {
          int i;

          @Override
          public boolean hasNext() {
            return true;
          }

          @Override
          public Integer next() {
            if (i == 5) {
              throw new IllegalStateException("disk on fire");
            }
            return i++;
          }
        };
    List<Integer> withNull = new ArrayList<>(List.of(7, 8));
    withNull.add(1, null);
    try (TaskGraph graph = TaskGraph.builder("bad-source").stage(stage).build()) {
      GraphResult result = graph.newRun().input(stage, broken).input(stage, withNull).run();

      assertThat(result.outputs(stage)).containsExactlyInAnyOrder(0, 1, 2, 3, 4, 7, 8);
      assertThat(result.inputFailures()).hasSize(2);
      assertThat(result.inputFailures())
          .anySatisfy(f -> {
            assertThat(f.stage()).isEqualTo("stage");
            assertThat(f.tasksRead()).isEqualTo(5);
            assertThat(f.message()).isEqualTo("disk on fire");
          })
          .anySatisfy(f -> assertThat(f.message()).contains("null task after 1 tasks"));
      Checks.accounted(result);
    }
  }

  @Test
  void aListIsReadAChunkAtATimeAndItsNullsAreStillReportedOneByOne() {
    TaskStage<Integer, Integer> stage = TaskStage.map("stage", (Integer x) -> x).build();
    List<Integer> tasks = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      tasks.add(i);
    }
    // Chunks of 64: nulls first, last, at a chunk's edges and twice in one chunk.
    for (int at : new int[] {0, 63, 64, 200, 201}) {
      tasks.add(at, null);
    }
    tasks.add(null);
    try (TaskGraph graph = TaskGraph.builder("list-source").chunkSize(64).stage(stage).build()) {
      GraphResult result = graph.newRun().input(stage, tasks).run();

      assertThat(result.outputs(stage))
          .containsExactlyInAnyOrderElementsOf(IntStream.range(0, 1000).boxed().toList());
      assertThat(result.inputFailures()).hasSize(6);
      assertThat(result.inputFailures())
          .extracting(InputFailure::tasksRead)
          .containsExactly(0L, 62L, 62L, 197L, 197L, 1000L);
      assertThat(result.inputs())
          .singleElement()
          .satisfies(in -> {
            assertThat(in.read()).isEqualTo(1006);
            assertThat(in.exhausted()).isTrue();
          });
      Checks.accounted(result);
    }
  }

  @Test
  void listenersSeeTheLifeOfARun() {
    List<String> events = new CopyOnWriteArrayList<>();
    Set<String> runIds = ConcurrentHashMap.newKeySet();
    GraphListener listener =
        event -> {
          runIds.add(event.runId());
          events.add(
              switch (event) {
                case RunStarted s -> "run started";
                case StageStarted s -> s.stage() + " started";
                case StageFinished f -> f.stats().stage() + " finished " + f.stats().succeeded();
                case TaskFailed f -> "failed " + f.failure().task();
                case RunFinished f -> "run finished " + f.result().state();
                case TaskRetried r -> "retried " + r.task();
                case InputFailed f -> "input failed " + f.failure().message();
              });
        };
    TaskStage<Integer, Integer> a =
        TaskStage.map(
                "a",
                (Integer x) -> {
                  if (x == 2) throw new IllegalStateException();
                  return x;
                })
            .build();
    TaskStage<Integer, Integer> b = TaskStage.map("b", (Integer x) -> x).build();
    try (TaskGraph graph = TaskGraph.builder("events").stages(a, b).edge(a, b).build()) {
      graph.newRun().input(a, List.of(1, 2, 3)).listener(listener).run();
    }
    assertThat(events.getFirst()).isEqualTo("run started");
    assertThat(events.getLast()).isEqualTo("run finished COMPLETED");
    assertThat(events)
        .contains("a started", "b started", "failed 2", "a finished 2", "b finished 2");
    assertThat(events.indexOf("a finished 2")).isLessThan(events.indexOf("b finished 2"));
    assertThat(runIds).as("one run, one id on every event").hasSize(1);
  }

  @Test
  void aRunWithoutInputsEndsAtOnce() {
    TaskStage<Integer, Integer> a = TaskStage.map("a", (Integer x) -> x).build();
    try (TaskGraph graph = TaskGraph.builder("empty").stage(a).edge(a, a).build()) {
      GraphResult result = graph.newRun().run();
      assertThat(result.isCompleted()).isTrue();
      assertThat(result.stats("a").received()).isZero();
    }
  }

  @Test
  void aGraphRunsAgainAndConcurrently() throws Exception {
    TaskStage<Integer, Integer> a =
        TaskStage.map("a", (Integer x) -> x * 2).execution(Execution.threads(2)).build();
    try (TaskGraph graph = TaskGraph.builder("again").stage(a).build()) {
      GraphRun r1 = graph.start(a, Checks.range(0, 1000));
      GraphRun r2 = graph.start(a, Checks.range(0, 10));
      assertThat(r1.await().outputs(a)).hasSize(1000);
      assertThat(r2.await().outputs(a)).hasSize(10);
      assertThat(graph.run(a, List.of(21)).outputs(a)).containsExactly(42);
    }
  }
}
