package io.celestialflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.List;
import java.util.RandomAccess;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A random-access list given as input is read by the stage's own workers (see {@code ListInput}),
 * not by a feeder thread: no thread of its own, nothing read before a worker wants it, and the same
 * accounting as any other source.
 */
@Timeout(30)
class ListInputTest {

  private static Set<String> feederThreads() {
    Set<String> names = ConcurrentHashMap.newKeySet();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().contains("-feed-")) {
        names.add(t.getName());
      }
    }
    return names;
  }

  @Test
  void aListIsReadByTheStagesWorkersWithoutAThreadOfItsOwn() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    TaskStage<Integer, Integer> held =
        TaskStage.map(
                "held",
                (Integer x) -> {
                  release.await();
                  return x;
                })
            .build();
    // A small inbox: the iterator's feeder waits for room while the worker is held.
    try (TaskGraph graph =
        TaskGraph.builder("list-no-feeder").stage(held).inboxCapacity(16).chunkSize(8).build()) {
      GraphRun run =
          graph
              .newRun()
              .input(held, Checks.range(0, 100))
              .input(held, Checks.range(100, 200).iterator())
              .start();
      await().atMost(Duration.ofSeconds(10)).until(() -> run.status().stats(held).running() == 1);
      // The iterator has a feeder (so the check can see one); the list has none.
      assertThat(feederThreads()).singleElement().asString().endsWith("-feed-held-1");
      release.countDown();
      GraphResult result = run.result().get(10, TimeUnit.SECONDS);
      assertThat(result.outputs(held)).containsExactlyInAnyOrderElementsOf(Checks.range(0, 200));
      assertThat(result.inputs())
          .allSatisfy(in -> assertThat(in.exhausted()).isTrue())
          .extracting(InputProgress::read)
          .containsExactly(100L, 100L);
      Checks.accounted(result);
    } finally {
      release.countDown();
    }
  }

  /** Nothing is read ahead of the workers: a cancelled run read at most a slice per worker more. */
  @ParameterizedTest
  @EnumSource(Mode.class)
  void aListIsReadOnlyAsFastAsTheWorkersTakeIt(Mode mode) throws Exception {
    CountDownLatch release = new CountDownLatch(1); // opened only when the test ends
    TaskStage<Integer, Integer> gated = mode.gated("gated", release, 100);
    try (TaskGraph graph =
        TaskGraph.builder("list-pace-" + mode).stage(gated).chunkSize(16).build()) {
      // The default inbox capacity (8192) would let a feeder read 8192 + 16 tasks ahead.
      GraphRun run = graph.newRun().input(gated, Checks.range(0, 100_000)).start();
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> run.status().stats(gated).succeeded() == 100);
      InputProgress during = run.status().inputs().getFirst();
      run.close();
      GraphResult result = run.result().get(10, TimeUnit.SECONDS);

      InputProgress input = result.inputs().getFirst();
      StageStats s = result.stats(gated);
      assertThat(during.read()).isLessThanOrEqualTo(100 + 4 * 16 + 64);
      assertThat(input.exhausted()).isFalse();
      assertThat(input.read()).isEqualTo(s.received()).isLessThanOrEqualTo(100 + 4 * 16 + 64);
      assertThat(s.succeeded() + s.unfinished()).isEqualTo(input.read());
      Checks.accounted(result);
    } finally {
      release.countDown();
    }
  }

  @Test
  void slowTasksOfASmallListSpreadOverAllWorkers() {
    Set<String> threads = ConcurrentHashMap.newKeySet();
    CountDownLatch allStarted = new CountDownLatch(4);
    TaskStage<Integer, Integer> slow =
        TaskStage.map(
                "slow",
                (Integer x) -> {
                  threads.add(Thread.currentThread().getName());
                  allStarted.countDown();
                  allStarted.await(5, TimeUnit.SECONDS); // each waits until four run at once
                  return x;
                })
            .execution(Execution.threads(4))
            .build();
    try (TaskGraph graph = TaskGraph.builder("list-spread").stage(slow).build()) {
      GraphResult result = graph.run(slow, Checks.range(0, 8));

      assertThat(threads).hasSize(4);
      assertThat(allStarted.getCount()).isZero();
      assertThat(result.outputs(slow)).containsExactlyInAnyOrderElementsOf(Checks.range(0, 8));
      Checks.accounted(result);
    }
  }

  /** A list that throws while read: the failure is reported, every task read before is done. */
  @ParameterizedTest
  @EnumSource(Mode.class)
  void aListThatThrowsIsReportedAndWhatWasReadIsAccountedFor(Mode mode) {
    List<Integer> breaking = new Breaking(1000, 150);
    TaskStage<Integer, Integer> stage = mode.map("stage", (Integer x) -> x);
    try (TaskGraph graph =
        TaskGraph.builder("list-throws-" + mode).stage(stage).chunkSize(64).build()) {
      GraphResult result = graph.newRun().input(stage, breaking).run();

      assertThat(result.state()).isEqualTo(RunState.COMPLETED);
      assertThat(result.inputFailures())
          .singleElement()
          .satisfies(f -> {
            assertThat(f.tasksRead()).isEqualTo(128);
            assertThat(f.message()).contains("element 150 is broken");
            assertThat(f.exceptionType()).isEqualTo(IllegalStateException.class.getName());
          });
      assertThat(result.outputs(stage)).containsExactlyInAnyOrderElementsOf(Checks.range(0, 128));
      assertThat(result.inputs())
          .singleElement()
          .satisfies(in -> {
            assertThat(in.failed()).isTrue();
            assertThat(in.exhausted()).isFalse();
            assertThat(in.read()).isEqualTo(128);
          });
      Checks.accounted(result);
    }
  }

  /** Several lists and a cycle feed one stage: every task once, the cycle's included. */
  @ParameterizedTest
  @EnumSource(Mode.class)
  void listsAndACycleShareAStage(Mode mode) {
    TaskStage<Integer, Integer> halve =
        mode.router(
            "halve", (Integer x) -> x / 2 > 0 ? Routed.to("halve", x / 2) : Routed.to("sink", 0));
    TaskStage<Integer, Integer> sink = mode.map("sink", (Integer x) -> x);
    try (TaskGraph graph =
        TaskGraph.builder("list-cycle-" + mode)
            .stages(halve, sink)
            .edge(halve, halve)
            .edge(halve, sink)
            .chunkSize(8)
            .build()) {
      List<Integer> empty = new ArrayList<>();
      GraphResult result =
          graph
              .newRun()
              .input(halve, Checks.range(1, 500))
              .input(halve, empty)
              .input(halve, Checks.range(500, 1000))
              .run();

      // Every number halves down to 1, then to 0, which leaves the cycle for the sink.
      assertThat(result.outputs(sink)).hasSize(999).containsOnly(0);
      long expected =
          IntStream.range(1, 1000)
              .mapToLong(x -> 32 - Integer.numberOfLeadingZeros(x)) // halvings until 0
              .sum();
      assertThat(result.stats(halve).succeeded()).isEqualTo(expected);
      assertThat(result.inputs()).extracting(InputProgress::read).containsExactly(499L, 0L, 500L);
      Checks.accounted(result);
    }
  }

  /** A random-access list whose elements from {@code brokenFrom} on throw when read. */
  private static final class Breaking extends AbstractList<Integer> implements RandomAccess {
    private final int size;
    private final int brokenFrom;

    Breaking(int size, int brokenFrom) {
      this.size = size;
      this.brokenFrom = brokenFrom;
    }

    @Override
    public Integer get(int index) {
      if (index >= brokenFrom) {
        throw new IllegalStateException("element " + index + " is broken");
      }
      return index;
    }

    @Override
    public int size() {
      return size;
    }
  }
}
