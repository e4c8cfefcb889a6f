package io.celestialflow;

import static org.assertj.core.api.Assertions.assertThat;

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
