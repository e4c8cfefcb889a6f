package io.celestialflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.celestialflow.event.RunFinished;
import io.celestialflow.event.RunStarted;
import io.celestialflow.event.TaskFailed;
import java.io.IOException;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Regression tests for the defects the engine-hardening issue found on the landed engine: each
 * failed (or hung) there.
 */
@Timeout(30)
class HardeningTest {

  /** Equal tasks retried together each keep their retry (retries were keyed by equals). */
  @ParameterizedTest
  @EnumSource(Mode.class)
  @Timeout(20)
  void equalTasksRetriedTogetherAllFinish(Mode mode) {
    Map<Integer, AtomicInteger> calls = new ConcurrentHashMap<>();
    TaskStage<Integer, Integer> flaky =
        mode.map(
            "flaky",
            (Integer x) -> {
              if (calls.computeIfAbsent(x, k -> new AtomicInteger()).incrementAndGet() <= 2) {
                throw new IllegalStateException("not yet: " + x);
              }
              return x;
            },
            b -> b.retry(RetryPolicy.on(IllegalStateException.class).maxAttempts(5)));
    try (TaskGraph graph = TaskGraph.builder("equal-retries-" + mode).stage(flaky).build()) {
      GraphResult result = graph.run(flaky, List.of(1, 1, 2, 2));

      assertThat(result.isCompleted()).isTrue();
      assertThat(result.outputs(flaky)).containsExactlyInAnyOrder(1, 1, 2, 2);
      assertThat(result.stats(flaky).retries()).isEqualTo(4);
      Checks.accounted(result);
    }
  }

  /** An ASYNC timeout no longer keeps the task's output reachable until the timeout passes. */
  @Test
  void anAsyncTimeoutDoesNotHoldTheOutputOfACompletedTask() {
    AtomicReference<WeakReference<Object>> output = new AtomicReference<>();
    TaskStage<Integer, Object> stage =
        TaskStage.async(
                "big",
                (Integer x) -> {
                  Object big = new byte[1 << 20];
                  output.set(new WeakReference<>(big));
                  return CompletableFuture.supplyAsync(() -> big);
                })
            .timeout(Duration.ofHours(1))
            .build();
    TaskStage<Object, Integer> size = TaskStage.map("size", (Object o) -> 1).build();
    try (TaskGraph graph =
            TaskGraph.builder("async-timeout-memory")
                .stages(stage, size)
                .edge(stage, size)
                .build();
        GraphRun run = graph.newRun().keepOpen().discardOutputs().start()) {
      run.inject(stage, 1);
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> run.status().stats("size").succeeded() == 1);

      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> {
            System.gc();
            return output.get().get() == null;
          });
      run.closeInputs();
      assertThat(run.await().isCompleted()).isTrue();
    }
  }

  /** close() from a listener (an engine thread) cancels at once instead of stalling. */
  @ParameterizedTest
  @EnumSource(Mode.class)
  @Timeout(15)
  void closeFromAListenerCancelsTheRunAtOnce(Mode mode) {
    AtomicReference<GraphRun> self = new AtomicReference<>();
    TaskStage<Integer, Integer> stage =
        mode.map(
            "half",
            (Integer x) -> {
              if (x == 50) {
                throw new IllegalArgumentException("stop here");
              }
              Thread.sleep(1);
              return x;
            });
    try (TaskGraph graph = TaskGraph.builder("close-in-listener-" + mode).stage(stage).build()) {
      GraphRun run =
          graph
              .newRun()
              .input(stage, Checks.range(0, 2000))
              .listener(event -> {
                if (event instanceof RunStarted started) {
                  self.set(started.run()); // before any task: no race with the failure
                } else if (event instanceof TaskFailed) {
                  self.get().close();
                }
              })
              .start();
      long started = System.nanoTime();
      GraphResult result = run.await();

      assertThat(result.state()).isEqualTo(RunState.CANCELLED);
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
      StageStats s = result.stats(stage);
      assertThat(s.received()).isEqualTo(result.inputs().getFirst().read());
      assertThat(s.unfinished()).isEqualTo(result.unfinished(stage).size());
      Checks.accounted(result);
    }
  }

  /** await() from a runFinished listener fails at once instead of deadlocking. */
  @Test
  @Timeout(15)
  void awaitFromAListenerFailsAtOnceWithAClearMessage() {
    AtomicReference<GraphRun> self = new AtomicReference<>();
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    TaskStage<Integer, Integer> stage = TaskStage.map("id", (Integer x) -> x).build();
    try (TaskGraph graph = TaskGraph.builder("await-in-listener").stage(stage).build()) {
      GraphRun run =
          graph
              .newRun()
              .input(stage, List.of(1, 2, 3))
              .listener(event -> {
                if (event instanceof RunStarted started) {
                  self.set(started.run());
                }
                if (event instanceof RunFinished) {
                  try {
                    self.get().await();
                  } catch (RuntimeException e) {
                    thrown.set(e);
                  }
                }
              })
              .start();

      assertThat(run.await().outputs(stage)).containsExactlyInAnyOrder(1, 2, 3);
      assertThat(thrown.get())
          .isInstanceOf(GraphStateException.class)
          .hasMessageContaining("from one of its own threads");
    }
  }

  /** inject() into a cancelled kept-open run says so instead of dropping the task. */
  @Test
  void injectIntoACancelledRunThrows() {
    TaskStage<Integer, Integer> stage = TaskStage.map("id", (Integer x) -> x).build();
    try (TaskGraph graph = TaskGraph.builder("inject-cancelled").stage(stage).build();
        GraphRun run = graph.newRun().keepOpen().start()) {
      run.cancel();
      assertThatThrownBy(() -> run.inject(stage, 1))
          .isInstanceOf(GraphStateException.class)
          .hasMessageContaining("was cancelled");
      assertThat(run.await().state()).isEqualTo(RunState.CANCELLED);
    }
  }

  /** A user exception extending IOException is an IOException for isA. */
  @Test
  void isAKnowsTheSupertypesOfAUserException() {
    class UserIoException extends IOException {
      private static final long serialVersionUID = 1L;

      UserIoException() {
        super("disk says no");
      }
    }
    TaskStage<Integer, Integer> stage =
        TaskStage.<Integer, Integer>map(
                "io",
                (Integer x) -> {
                  throw new UserIoException();
                })
            .build();
    try (TaskGraph graph = TaskGraph.builder("is-a").stage(stage).build()) {
      TaskFailure f = graph.run(stage, List.of(1)).failures().getFirst();

      assertThat(f.isA(IOException.class)).isTrue();
      assertThat(f.isA(Exception.class)).isTrue();
      assertThat(f.isA(RuntimeException.class)).isFalse();
      assertThat(f.exceptionTypes())
          .containsSubsequence(
              UserIoException.class.getName(), "java.io.IOException", "java.lang.Throwable");
      assertThat(f.stackTrace()).contains("disk says no").contains("HardeningTest");
    }
  }

  /** A splitter failing after a linger flush does not count its earlier outputs twice. */
  @Test
  void emittedIsCountedOnceWhenASplitterFailsAfterALingerFlush() {
    TaskStage<Integer, Integer> split =
        TaskStage.splitter(
                "split",
                (Integer x) -> {
                  if (x == 1) {
                    return List.of(10, 11);
                  }
                  Thread.sleep(60); // long enough for the linger timer to flush task 1's outputs
                  return () ->
                      new java.util.Iterator<Integer>() {
                        boolean first = true;

                        @Override
                        public boolean hasNext() {
                          return true;
                        }

                        @Override
                        public Integer next() {
                          if (first) {
                            first = false;
                            return 20;
                          }
                          throw new NoSuchElementException("broken iterator");
                        }
                      };
                })
            .build();
    try (TaskGraph graph = TaskGraph.builder("emitted-once").stage(split).build()) {
      GraphResult result = graph.run(split, List.of(1, 2));

      assertThat(result.outputs(split)).containsExactlyInAnyOrder(10, 11);
      assertThat(result.stats(split).emitted()).isEqualTo(2);
      assertThat(result.failureCount()).isEqualTo(1);
      Checks.accounted(result);
    }
  }

  /** While the linger timer runs a slow output callback, the worker waits parked, not spinning. */
  @Test
  void aWorkerWaitsParkedWhileASlowCallbackRunsOnItsBehalf() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    AtomicReference<Thread> worker = new AtomicReference<>();
    TaskStage<Integer, Integer> stage =
        TaskStage.map(
                "slow-second",
                (Integer x) -> {
                  worker.set(Thread.currentThread());
                  if (x == 2) {
                    Thread.sleep(100); // the timer flushes task 1's output meanwhile
                  }
                  return x;
                })
            .build();
    try (TaskGraph graph = TaskGraph.builder("parked-worker").stage(stage).build()) {
      GraphRun run =
          graph
              .newRun()
              .input(stage, List.of(1, 2))
              .onOutput(
                  stage,
                  x -> {
                    if (x == 1) {
                      awaitQuietly(release);
                    }
                  })
              .start();
      // Task 2 ends while task 1's callback is still blocked: the worker must wait for it parked.
      await()
          .atMost(Duration.ofSeconds(10))
          .pollInterval(Duration.ofMillis(5))
          .until(() -> {
            Thread t = worker.get();
            return t != null && t.getState() == Thread.State.WAITING;
          });
      release.countDown();
      assertThat(run.await().outputs(stage)).containsExactlyInAnyOrder(1, 2);
    }
  }

  /** Failures beyond the cap are counted and streamed to listeners, not kept. */
  @Test
  void failuresBeyondTheCapAreCountedAndStreamedButNotKept() {
    LongAdder heard = new LongAdder();
    TaskStage<Integer, Integer> stage =
        TaskStage.<Integer, Integer>map(
                "fail",
                (Integer x) -> {
                  throw new IllegalStateException("no " + x);
                })
            .build();
    try (TaskGraph graph = TaskGraph.builder("failure-cap").stage(stage).build()) {
      GraphResult result =
          graph
              .newRun()
              .input(stage, Checks.range(0, 20_000))
              .keepFailures(100)
              .listener(e -> {
                if (e instanceof TaskFailed) {
                  heard.increment();
                }
              })
              .run();

      assertThat(result.failures()).hasSize(100);
      assertThat(result.failureCount()).isEqualTo(20_000);
      assertThat(result.stats(stage).failed()).isEqualTo(20_000);
      assertThat(heard.sum()).isEqualTo(20_000);
    }
  }

  /** A cancelled run accounts for every input: processed, unfinished, or not read yet. */
  @ParameterizedTest
  @EnumSource(Mode.class)
  void aCancelledRunAccountsForEveryInputItWasGiven(Mode mode) throws Exception {
    CountDownLatch release = new CountDownLatch(1); // opened only when the test ends
    TaskStage<Integer, Integer> gated = mode.gated("gated", release, 100);
    try (TaskGraph graph =
        TaskGraph.builder("inputs-" + mode).stage(gated).inboxCapacity(64).build()) {
      GraphRun run = graph.newRun().input(gated, Checks.range(0, 10_000)).start();
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> run.status().stats(gated).succeeded() == 100);
      run.close();
      GraphResult result = run.result().get(10, TimeUnit.SECONDS);

      InputProgress input = result.inputs().getFirst();
      StageStats s = result.stats(gated);
      assertThat(input.exhausted()).isFalse();
      assertThat(input.read()).isLessThan(10_000).isEqualTo(s.received());
      assertThat(s.succeeded() + s.unfinished()).isEqualTo(input.read());
      // Resuming = the unfinished tasks + the source from position read: every task exactly once.
      List<Object> all = new CopyOnWriteArrayList<>(result.outputs(gated));
      all.addAll(result.unfinished(gated));
      all.addAll(Checks.range((int) input.read(), 10_000));
      assertThat(all).containsExactlyInAnyOrderElementsOf(Checks.range(0, 10_000));
      Checks.accounted(result);
    } finally {
      release.countDown();
    }
  }

  /** running counts tasks whose function runs; claimed also those waiting in a worker's batch. */
  @Test
  void runningAndClaimedMeanWhatTheySay() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    TaskStage<Integer, Integer> stage =
        TaskStage.map(
                "held",
                (Integer x) -> {
                  release.await();
                  return x;
                })
            .execution(Execution.threads(4))
            .build();
    try (TaskGraph graph = TaskGraph.builder("running").stage(stage).build()) {
      GraphRun run = graph.newRun().input(stage, Checks.range(0, 1000)).start();
      await().atMost(Duration.ofSeconds(10)).until(() -> run.status().stats(stage).running() == 4);
      StageStats s = run.status().stats(stage);
      assertThat(s.running()).isEqualTo(4);
      assertThat(s.claimed()).isGreaterThanOrEqualTo(4);
      assertThat(s.pending() + s.claimed()).isEqualTo(s.received()); // nothing done yet
      release.countDown();
      assertThat(run.await().outputs(stage)).hasSize(1000);
    }
  }

  @Test
  void runWithAStreamedStageFailsAtOnce() {
    TaskStage<Integer, Integer> stage = TaskStage.map("id", (Integer x) -> x).build();
    try (TaskGraph graph = TaskGraph.builder("stream-run").stage(stage).build()) {
      assertThatThrownBy(() -> graph.newRun().input(stage, List.of(1)).stream(stage).run())
          .isInstanceOf(GraphStateException.class)
          .hasMessageContaining("use start()");
    }
  }

  @Test
  void theResultFutureHandedOutIsACopy() {
    TaskStage<Integer, Integer> stage = TaskStage.map("id", (Integer x) -> x).build();
    try (TaskGraph graph = TaskGraph.builder("result-copy").stage(stage).build();
        GraphRun run = graph.newRun().keepOpen().start()) {
      run.result().cancel(true);
      run.result().complete(null);
      run.inject(stage, 7);
      run.closeInputs();
      assertThat(run.await().outputs(stage)).containsExactly(7);
      assertThat(run.result().join().outputs(stage)).containsExactly(7);
    }
  }

  @Test
  void repeatedSettingsAreRejectedAsDocumented() {
    assertThatThrownBy(() -> TaskGraph.builder("g").inboxCapacity(4).inboxCapacity(8))
        .isInstanceOf(GraphDefinitionException.class)
        .hasMessageContaining("inbox capacity was already set to 4");
    assertThatThrownBy(() -> TaskGraph.builder("g").chunkSize(4).chunkSize(8))
        .isInstanceOf(GraphDefinitionException.class)
        .hasMessageContaining("chunk size was already set to 4");
    assertThatThrownBy(() -> TaskStage.map("s", (Integer x) -> x).dedupe().dedupe(x -> x))
        .isInstanceOf(GraphDefinitionException.class)
        .hasMessageContaining("dedupe was already set");
    TaskStage<Integer, Integer> stage = TaskStage.map("s", (Integer x) -> x).build();
    try (TaskGraph graph = TaskGraph.builder("g").stage(stage).build()) {
      assertThatThrownBy(() -> graph.newRun().keepFailures(1).keepFailures(2))
          .isInstanceOf(GraphDefinitionException.class)
          .hasMessageContaining("keepFailures was already set to 1");
      assertThatThrownBy(() -> graph.newRun().layout(Layout.SERIAL).layout(Layout.STREAMING))
          .isInstanceOf(GraphDefinitionException.class)
          .hasMessageContaining("layout was already set");
    }
  }

  @Test
  void anInboxCapacityRulesOutTheSerialLayoutInsteadOfBeingIgnored() {
    TaskStage<Integer, Integer> stage = TaskStage.map("s", (Integer x) -> x).build();
    assertThatThrownBy(() ->
            TaskGraph.builder("g").stage(stage).inboxCapacity(8).layout(Layout.SERIAL).build())
        .isInstanceOf(GraphDefinitionException.class)
        .hasMessageContaining("SERIAL layout cannot honour");
    try (TaskGraph graph = TaskGraph.builder("g").stage(stage).inboxCapacity(8).build()) {
      assertThatThrownBy(() -> graph.newRun().layout(Layout.SERIAL))
          .isInstanceOf(GraphDefinitionException.class)
          .hasMessageContaining("SERIAL layout cannot honour");
    }
  }

  @Test
  void theOutputsOfAStageOfAnotherGraphAreRefusedByName() {
    TaskStage<Integer, Integer> mine = TaskStage.map("s", (Integer x) -> x).build();
    TaskStage<String, String> theirs = TaskStage.map("s", (String x) -> x).build();
    try (TaskGraph graph = TaskGraph.builder("g").stage(mine).build()) {
      GraphResult result = graph.run(mine, List.of(1));
      assertThatThrownBy(() -> result.outputs(theirs))
          .isInstanceOf(GraphInputException.class)
          .hasMessageContaining("is not the one added to graph 'g'");
    }
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
