package io.celestialflow;

import static org.assertj.core.api.Assertions.assertThat;

import io.celestialflow.spi.SettledTasks;
import io.celestialflow.spi.TaskObserver;
import io.celestialflow.spi.TaskOutcome;
import io.celestialflow.spi.TaskRef;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Observers that want {@linkplain TaskObserver#identityOnly identities only}. */
@Timeout(30)
class IdentityOnlyObserverTest {

  /** One attempt's end as an observer heard it. */
  record Heard(
      String runId, String stage, long id, long parentId, int attempt, TaskOutcome outcome) {}

  /** Hears every attempt's end through the calls that take a {@link TaskRef}. */
  static final class WithRefs implements TaskObserver {
    final List<Heard> heard = new CopyOnWriteArrayList<>();

    private void add(TaskRef t, TaskOutcome outcome) {
      heard.add(new Heard(t.runId(), t.stage(), t.id(), t.parentId(), t.attempt(), outcome));
    }

    @Override
    public void succeeded(TaskRef task, long elapsedNanos) {
      add(task, TaskOutcome.SUCCEEDED);
    }

    @Override
    public void failed(TaskRef task, Throwable error, long elapsedNanos, boolean willRetry) {
      add(task, willRetry ? TaskOutcome.RETRIED : TaskOutcome.FAILED);
    }

    @Override
    public void duplicate(TaskRef task) {
      add(task, TaskOutcome.DUPLICATE);
    }
  }

  /** Wants identities only (and the results of "check"); counts any call that takes a ref. */
  static final class Compact implements TaskObserver {
    final List<Heard> heard = new CopyOnWriteArrayList<>();
    final List<TaskRef> results = new CopyOnWriteArrayList<>();
    final AtomicInteger refCalls = new AtomicInteger();

    @Override
    public boolean identityOnly(TaskStage<?, ?> stage) {
      return true;
    }

    @Override
    public boolean wantsResults(TaskStage<?, ?> stage) {
      return stage.name().equals("check");
    }

    @Override
    public void settled(
        String runId, String stage, long id, long parentId, int attempt, TaskOutcome outcome) {
      heard.add(new Heard(runId, stage, id, parentId, attempt, outcome));
    }

    @Override
    public void result(TaskRef task, List<?> outputs) {
      results.add(task);
    }

    @Override
    public void started(TaskRef task) {
      refCalls.incrementAndGet();
    }

    @Override
    public void succeeded(TaskRef task, long elapsedNanos) {
      refCalls.incrementAndGet();
    }

    @Override
    public void failed(TaskRef task, Throwable error, long elapsedNanos, boolean willRetry) {
      refCalls.incrementAndGet();
    }

    @Override
    public void duplicate(TaskRef task) {
      refCalls.incrementAndGet();
    }
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void identityOnlyObserversHearWhatObserversWithRefsHear(Mode mode) {
    Map<Integer, AtomicInteger> tries = new ConcurrentHashMap<>();
    TaskStage<Integer, Integer> split =
        mode.splitter("split", (Integer x) -> List.of(10 * x, 10 * x + 1, 10 * x + 1));
    TaskStage<Integer, Integer> check =
        mode.map(
            "check",
            Checks.retriedOnceOrFailing(tries),
            b -> b.retry(RetryPolicy.on(IllegalStateException.class).maxAttempts(3)).dedupe());
    WithRefs withRefs = new WithRefs();
    Compact compact = new Compact();
    try (TaskGraph graph =
        TaskGraph.builder("identity-" + mode).stages(split, check).edge(split, check).build()) {
      GraphResult result =
          graph
              .newRun()
              .input(split, Checks.range(0, 10))
              .trackLineage()
              .observer(withRefs)
              .observer(compact)
              .run();

      // 10 splits; 20 distinct checks (10 retried once, one of those failing for good), 10 dupes
      assertThat(withRefs.heard).hasSize(10 + 20 + 10 + 10);
      assertThat(compact.heard).containsExactlyInAnyOrderElementsOf(withRefs.heard);
      assertThat(compact.heard).allSatisfy(h -> assertThat(h.id()).isPositive());
      assertThat(compact.heard).allSatisfy(h -> assertThat(h.runId()).isEqualTo(result.runId()));
      assertThat(compact.heard.stream().map(Heard::outcome).distinct())
          .containsExactlyInAnyOrder(TaskOutcome.values());
      assertThat(compact.refCalls).hasValue(0);
      List<Long> succeededChecks = new ArrayList<>();
      for (Heard h : compact.heard) {
        if (h.stage().equals("check") && h.outcome() == TaskOutcome.SUCCEEDED) {
          succeededChecks.add(h.id());
        }
      }
      assertThat(compact.results)
          .extracting(TaskRef::id)
          .containsExactlyInAnyOrderElementsOf(succeededChecks);
      Checks.accounted(result);
    }
  }

  /** Takes its attempts a batch at a time, as the store's lineage recorder does. */
  static final class Batches implements TaskObserver {
    final List<Heard> heard = new CopyOnWriteArrayList<>();
    final List<Integer> sizes = new CopyOnWriteArrayList<>();

    /** The outcomes of attempts whose {@code succeeded(i)} said otherwise. */
    final List<TaskOutcome> disagreements = new CopyOnWriteArrayList<>();

    @Override
    public boolean identityOnly(TaskStage<?, ?> stage) {
      return true;
    }

    @Override
    public void settled(SettledTasks tasks) {
      sizes.add(tasks.size());
      for (int i = 0; i < tasks.size(); i++) {
        if (tasks.succeeded(i) != (tasks.outcome(i) == TaskOutcome.SUCCEEDED)) {
          disagreements.add(tasks.outcome(i));
        }
        heard.add(
            new Heard(
                tasks.runId(),
                tasks.stage(),
                tasks.id(i),
                tasks.parentId(i),
                tasks.attempt(i),
                tasks.outcome(i)));
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void batchesHoldEveryAttemptAndAFailedAttemptIsHeardBeforeItsRetry(Mode mode) {
    Map<Integer, AtomicInteger> tries = new ConcurrentHashMap<>();
    TaskStage<Integer, Integer> check =
        mode.map(
            "check",
            Checks.retriedOnceOrFailing(tries),
            b -> b.retry(RetryPolicy.on(IllegalStateException.class).maxAttempts(3)));
    WithRefs withRefs = new WithRefs();
    Batches batches = new Batches();
    try (TaskGraph graph = TaskGraph.builder("batches-" + mode).stages(check).build()) {
      GraphResult result =
          graph
              .newRun()
              .input(check, Checks.range(0, 3000))
              .trackLineage()
              .observer(withRefs)
              .observer(batches)
              .run();

      // 3000 tasks, 300 of them retried once (x % 10 == 1), and 51 failing for good
      assertThat(batches.heard).hasSize(3300);
      assertThat(batches.heard).containsExactlyInAnyOrderElementsOf(withRefs.heard);
      assertThat(batches.disagreements).as("succeeded(i) is outcome(i) == SUCCEEDED").isEmpty();
      assertThat(batches.heard.stream().map(Heard::outcome).distinct())
          .contains(TaskOutcome.SUCCEEDED, TaskOutcome.RETRIED, TaskOutcome.FAILED);
      assertThat(batches.sizes).allSatisfy(n -> assertThat(n).isBetween(1, 256));
      if (mode != Mode.VIRTUAL) { // a virtual thread per task settles one task at a time
        assertThat(batches.sizes.stream().mapToInt(Integer::intValue).max().orElseThrow())
            .as("attempts handed over in batches")
            .isGreaterThan(1);
      }
      Map<Long, List<Heard>> byTask = new java.util.HashMap<>();
      for (Heard h : batches.heard) {
        byTask.computeIfAbsent(h.id(), k -> new ArrayList<>()).add(h);
      }
      assertThat(byTask).hasSize(3000);
      for (List<Heard> attempts : byTask.values()) {
        for (int i = 0; i < attempts.size(); i++) {
          Heard h = attempts.get(i);
          assertThat(h.attempt())
              .as("attempts of task %s in order: %s", h.id(), attempts)
              .isEqualTo(i + 1);
          assertThat(h.outcome() == TaskOutcome.RETRIED).isEqualTo(i < attempts.size() - 1);
        }
      }
      Checks.accounted(result);
    }
  }

  /** A list input read by the stage's own workers numbers its tasks in list order, as a feeder. */
  @ParameterizedTest
  @EnumSource(
      value = Mode.class,
      names = {"SERIAL", "THREAD"})
  void listInputsGiveTheirTasksIdsInListOrder(Mode mode) {
    TaskStage<Integer, Integer> stage = mode.map("s", (Integer x) -> x);
    Map<Integer, Long> ids = new ConcurrentHashMap<>();
    TaskObserver byTask =
        new TaskObserver() {
          @Override
          public void succeeded(TaskRef task, long elapsedNanos) {
            ids.put((Integer) task.task(), task.id());
          }
        };
    List<Integer> input = new ArrayList<>(Checks.range(0, 5000));
    input.set(10, null); // reported, skipped, given no id
    input.set(4000, null);
    try (TaskGraph graph = TaskGraph.builder("list-ids-" + mode).stages(stage).build()) {
      GraphResult result = graph.newRun().input(stage, input).trackLineage().observer(byTask).run();
      assertThat(ids).hasSize(4998);
      long previous = 0;
      for (Integer task : input) {
        if (task != null) {
          assertThat(ids.get(task)).as("id of %s", task).isGreaterThan(previous);
          previous = ids.get(task);
        }
      }
      assertThat(previous).isEqualTo(4998);
      assertThat(result.inputFailures()).hasSize(2);
      Checks.accounted(result);
    }
  }

  @Test
  void anObserverThrowingForOneAttemptStillHearsTheOthers() {
    List<Long> heard = new CopyOnWriteArrayList<>();
    TaskObserver throwing =
        new TaskObserver() {
          @Override
          public boolean identityOnly(TaskStage<?, ?> stage) {
            return true;
          }

          @Override
          public void settled(
              String runId,
              String stage,
              long id,
              long parentId,
              int attempt,
              TaskOutcome outcome) {
            if (id % 100 == 7) {
              throw new IllegalStateException("observer bug at " + id);
            }
            heard.add(id);
          }
        };
    TaskStage<Integer, Integer> stage = TaskStage.map("s", (Integer x) -> x).build();
    try (TaskGraph graph = TaskGraph.builder("throwing").stages(stage).build()) {
      GraphResult result =
          graph
              .newRun()
              .input(stage, Checks.range(0, 1000))
              .trackLineage()
              .observer(throwing)
              .run();
      assertThat(result.stats().get(0).succeeded()).isEqualTo(1000);
      assertThat(heard).hasSize(990).doesNotHaveDuplicates();
      assertThat(heard).allSatisfy(id -> assertThat(id % 100).isNotEqualTo(7));
    }
  }

  @Test
  void aStageWhoseObserversWantIdentitiesOnlyMakesNoObjectPerTask() {
    TaskStage<Integer, Integer> stage = TaskStage.map("s", (Integer x) -> x).build();
    Object first = Envelope.tracked(1, 1, 0);
    Object second = Envelope.tracked(2, 2, 0);

    Observers compactOnly = Observers.of(List.of(new Compact()), stage, "r", EngineClock.SYSTEM);
    assertThat(compactOnly).isNotNull();
    assertThat(compactOnly.started(first, 1)).isSameAs(compactOnly.started(second, 2));

    Observers mixed =
        Observers.of(List.of(new Compact(), new WithRefs()), stage, "r", EngineClock.SYSTEM);
    assertThat(mixed).isNotNull();
    assertThat(mixed.started(first, 1)).isNotSameAs(mixed.started(second, 2));
  }
}
