package io.celestialflow;

import static org.assertj.core.api.Assertions.assertThat;

import io.celestialflow.spi.TaskObserver;
import io.celestialflow.spi.TaskRef;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The per-task extension point ({@link TaskObserver}) and task identity (lineage). */
@Timeout(30)
class ObserverTest {

  /** Counts what an observer hears per stage. */
  static class Tally implements TaskObserver {
    final Map<String, LongAdder> started = new ConcurrentHashMap<>();
    final Map<String, LongAdder> succeeded = new ConcurrentHashMap<>();
    final Map<String, LongAdder> failedForGood = new ConcurrentHashMap<>();
    final Map<String, LongAdder> retried = new ConcurrentHashMap<>();
    final Map<String, LongAdder> duplicates = new ConcurrentHashMap<>();
    final List<TaskRef> refs = new CopyOnWriteArrayList<>();

    private static void add(Map<String, LongAdder> m, TaskRef t) {
      m.computeIfAbsent(t.stage(), k -> new LongAdder()).increment();
    }

    long get(Map<String, LongAdder> m, String stage) {
      LongAdder a = m.get(stage);
      return a == null ? 0 : a.sum();
    }

    @Override
    public void started(TaskRef task) {
      add(started, task);
      refs.add(task);
    }

    @Override
    public void succeeded(TaskRef task, long elapsedNanos) {
      assertThat(elapsedNanos).isNotNegative();
      add(succeeded, task);
    }

    @Override
    public void failed(TaskRef task, Throwable error, long elapsedNanos, boolean willRetry) {
      add(willRetry ? retried : failedForGood, task);
    }

    @Override
    public void duplicate(TaskRef task) {
      add(duplicates, task);
    }
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void observersHearEveryOutcomeOnceInEveryMode(Mode mode) {
    Map<Integer, AtomicInteger> tries = new ConcurrentHashMap<>();
    TaskStage<Integer, Integer> flaky =
        mode.map(
            "flaky",
            (Integer x) -> {
              if (x % 10 == 3
                  && tries.computeIfAbsent(x, k -> new AtomicInteger()).incrementAndGet() == 1) {
                throw new IllegalStateException("first try of " + x);
              }
              if (x % 10 == 7) {
                throw new IllegalArgumentException("never " + x);
              }
              return x;
            },
            b -> b.retry(RetryPolicy.on(IllegalStateException.class).maxAttempts(2)).dedupe());
    Tally tally = new Tally();
    try (TaskGraph graph = TaskGraph.builder("observed-" + mode).stage(flaky).build()) {
      List<Integer> tasks = new java.util.ArrayList<>(Checks.range(0, 100));
      tasks.addAll(Checks.range(0, 20)); // 20 duplicates
      GraphResult result = graph.newRun().input(flaky, tasks).observer(tally).run();

      StageStats s = result.stats(flaky);
      assertThat(tally.get(tally.succeeded, "flaky")).isEqualTo(s.succeeded()).isEqualTo(90);
      assertThat(tally.get(tally.failedForGood, "flaky")).isEqualTo(s.failed()).isEqualTo(10);
      assertThat(tally.get(tally.retried, "flaky")).isEqualTo(s.retries()).isEqualTo(10);
      assertThat(tally.get(tally.duplicates, "flaky")).isEqualTo(s.duplicates()).isEqualTo(20);
      assertThat(tally.get(tally.started, "flaky")).isEqualTo(110); // 100 + 10 retries
      assertThat(tally.refs).allSatisfy(r -> assertThat(r.runId()).isEqualTo(result.runId()));
      assertThat(tally.refs).allSatisfy(r -> assertThat(r.id()).isZero()); // lineage off
      Checks.accounted(result);
    }
  }

  @Test
  void stagesAnObserverDeclinesAreNotObserved() {
    TaskStage<Integer, Integer> a = TaskStage.map("a", (Integer x) -> x + 1).build();
    TaskStage<Integer, Integer> b = TaskStage.map("b", (Integer x) -> x * 2).build();
    Tally onlyB =
        new Tally() {
          @Override
          public boolean observes(TaskStage<?, ?> stage) {
            return stage.name().equals("b");
          }
        };
    try (TaskGraph graph = TaskGraph.builder("declined").stages(a, b).edge(a, b).build()) {
      graph.newRun().input(a, Checks.range(0, 50)).observer(onlyB).run();
    }
    assertThat(onlyB.started.keySet()).containsExactly("b");
    assertThat(onlyB.get(onlyB.succeeded, "b")).isEqualTo(50);
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void lineageGivesEveryTaskAnIdAndItsParent(Mode mode) {
    Map<Integer, AtomicInteger> tries = new ConcurrentHashMap<>();
    TaskStage<Integer, Integer> split =
        mode.splitter("split", (Integer x) -> List.of(10 * x, 10 * x + 1));
    TaskStage<Integer, Integer> check =
        mode.map(
            "check",
            Checks.retriedOnceOrFailing(tries),
            b -> b.retry(RetryPolicy.on(IllegalStateException.class).maxAttempts(3)));
    Tally tally = new Tally();
    try (TaskGraph graph =
        TaskGraph.builder("lineage-" + mode).stages(split, check).edge(split, check).build()) {
      GraphResult result =
          graph.newRun().input(split, Checks.range(0, 10)).trackLineage().observer(tally).run();

      Map<Long, TaskRef> splitTasks = new ConcurrentHashMap<>();
      for (TaskRef r : tally.refs) {
        if (r.stage().equals("split")) {
          assertThat(r.parentId()).as("an input has no parent").isZero();
          assertThat(splitTasks.put(r.id(), r)).as("ids are unique").isNull();
        }
      }
      assertThat(splitTasks).hasSize(10);
      Set<Long> checkIds = ConcurrentHashMap.newKeySet();
      for (TaskRef r : tally.refs) {
        if (r.stage().equals("check")) {
          assertThat(r.id()).isPositive();
          TaskRef parent = splitTasks.get(r.parentId());
          assertThat(parent).as("the parent of %s", r).isNotNull();
          int x = (Integer) r.task();
          assertThat(x / 10).isEqualTo(parent.task());
          if (r.attempt() == 1) {
            assertThat(checkIds.add(r.id())).isTrue();
            assertThat(splitTasks).doesNotContainKey(r.id());
          } else {
            assertThat(checkIds).as("a retry keeps its id").contains(r.id());
          }
        }
      }
      assertThat(checkIds).hasSize(20);
      TaskFailure failure = result.failures().getFirst();
      assertThat(failure.task()).isEqualTo(51);
      assertThat(checkIds).contains(failure.taskId());
      assertThat(result.outputs(check)).hasSize(19);
      Checks.accounted(result);
    }
  }

  /**
   * {@link TaskObserver#entered}: every input with its source, every output with the stage that
   * produced it, before the producer's success is reported; only with identity tracked.
   */
  @Test
  void enteredSeesEveryTaskAsItEntersAStage() {
    record Entry(String stage, long id, long parent, String from, int source) {}
    List<Entry> entries = new CopyOnWriteArrayList<>();
    Set<String> settledBeforeEntered = ConcurrentHashMap.newKeySet();
    Set<String> settled = ConcurrentHashMap.newKeySet();
    TaskObserver watcher =
        new TaskObserver() {
          @Override
          public void entered(
              TaskRef task, @org.jspecify.annotations.Nullable String from, int source) {
            entries.add(new Entry(task.stage(), task.id(), task.parentId(), from, source));
            if (from != null && settled.contains(from + task.parentId())) {
              settledBeforeEntered.add(task.stage() + task.id());
            }
          }

          @Override
          public void succeeded(TaskRef task, long elapsedNanos) {
            settled.add(task.stage() + task.id());
          }
        };
    TaskStage<Integer, Integer> split =
        TaskStage.<Integer, Integer>splitter("split", (Integer x) -> List.of(x, x + 100)).build();
    TaskStage<Integer, Integer> check =
        TaskStage.map("check", (Integer x) -> x).execution(Execution.threads(2)).build();
    try (TaskGraph graph =
        TaskGraph.builder("entered").stages(split, check).edge(split, check).build()) {
      graph
          .newRun()
          .input(split, Checks.range(0, 10))
          .input(split, Checks.range(10, 15))
          .trackLineage()
          .observer(watcher)
          .run();
      graph.newRun().input(split, Checks.range(0, 10)).observer(watcher).run(); // no identity
    }
    assertThat(entries).hasSize(15 + 30);
    assertThat(entries.stream().filter(e -> e.stage().equals("split")))
        .allSatisfy(e -> assertThat(e.from()).isNull())
        .extracting(Entry::source)
        .containsOnly(0, 1);
    assertThat(entries.stream().filter(e -> e.stage().equals("check")))
        .hasSize(30)
        .allSatisfy(e -> {
          assertThat(e.from()).isEqualTo("split");
          assertThat(e.source()).isEqualTo(-1);
          assertThat(e.parent()).isPositive();
        });
    assertThat(settledBeforeEntered).isEmpty();
  }

  /** Records the elapsed times it is given; wants them or not. */
  static final class Times implements TaskObserver {
    final boolean wanted;
    final List<Long> elapsed = new CopyOnWriteArrayList<>();

    Times(boolean wanted) {
      this.wanted = wanted;
    }

    @Override
    public boolean wantsTimes(TaskStage<?, ?> stage) {
      return wanted;
    }

    @Override
    public void succeeded(TaskRef task, long elapsedNanos) {
      elapsed.add(elapsedNanos);
    }
  }

  @Test
  void tasksAreTimedOnlyWhenAnObserverOfTheStageWantsTimes() {
    TaskStage<Integer, Integer> slow =
        TaskStage.map(
                "slow",
                (Integer x) -> {
                  Thread.sleep(5);
                  return x;
                })
            .build();
    try (TaskGraph graph = TaskGraph.builder("times").stage(slow).build()) {
      Times untimed = new Times(false);
      graph.newRun().input(slow, List.of(1, 2)).observer(untimed).run();
      assertThat(untimed.elapsed).containsExactly(0L, 0L);

      Times alsoUntimed = new Times(false);
      Times timed = new Times(true);
      graph.newRun().input(slow, List.of(1, 2)).observer(alsoUntimed).observer(timed).run();
      assertThat(timed.elapsed).hasSize(2).allSatisfy(t -> assertThat(t).isGreaterThan(4_000_000L));
      assertThat(alsoUntimed.elapsed).isEqualTo(timed.elapsed); // one reading for every observer
    }
  }
}
