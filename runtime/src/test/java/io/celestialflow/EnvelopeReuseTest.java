package io.celestialflow;

import static org.assertj.core.api.Assertions.assertThat;

import io.celestialflow.spi.SettledTasks;
import io.celestialflow.spi.TaskObserver;
import io.celestialflow.spi.TaskOutcome;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A task's envelope becomes its output's when only one stage holds it (a chain of map stages makes
 * one envelope per input): tasks, ids and parents stay exact where an output goes to several
 * stages, where a task is retried, and where its result breaks the stage's contract.
 */
@Timeout(60)
class EnvelopeReuseTest {

  /** One settled attempt as an identity-only observer heard it. */
  record Heard(String stage, long id, long parentId, int attempt, TaskOutcome outcome) {}

  /** Hears every attempt, a batch at a time. */
  static final class Identities implements TaskObserver {
    final List<Heard> heard = new CopyOnWriteArrayList<>();

    @Override
    public boolean identityOnly(TaskStage<?, ?> stage) {
      return true;
    }

    @Override
    public void settled(SettledTasks t) {
      for (int i = 0; i < t.size(); i++) {
        heard.add(new Heard(t.stage(), t.id(i), t.parentId(i), t.attempt(i), t.outcome(i)));
      }
    }
  }

  /**
   * {@code pre → ten → (plusOne, plusTwo) → half → fin}: envelopes are reused at {@code pre},
   * {@code half} and a retried task of {@code plusOne} (one edge, one stage holding the task), not
   * where {@code ten}'s outputs go to two stages (one envelope in both). {@code plusOne} retries
   * every seventh task once and returns null for every 50th (a broken contract: it fails).
   */
  @ParameterizedTest
  @EnumSource(
      value = Mode.class,
      names = {"SERIAL", "THREAD", "VIRTUAL"})
  void idsAndTasksStayExactWhereEnvelopesAreAndAreNotReused(Mode mode) {
    int n = 2000;
    Map<Integer, AtomicInteger> tries = new ConcurrentHashMap<>();
    TaskStage<Integer, Integer> pre = mode.map("pre", (Integer x) -> x);
    TaskStage<Integer, Integer> ten = mode.map("ten", (Integer x) -> 10 * x);
    TaskStage<Integer, Integer> plusOne =
        mode.map(
            "plusOne",
            (Integer x) -> {
              if (x % 70 == 0
                  && tries.computeIfAbsent(x, k -> new AtomicInteger()).incrementAndGet() == 1) {
                throw new IllegalArgumentException("again");
              }
              return x % 500 == 0 ? null : x + 1;
            },
            b -> b.retry(RetryPolicy.on(IllegalArgumentException.class).maxAttempts(2)));
    TaskStage<Integer, Integer> plusTwo = mode.map("plusTwo", (Integer x) -> x + 2);
    TaskStage<Integer, Integer> half = mode.map("half", (Integer x) -> x / 2);
    TaskStage<Integer, Integer> fin = mode.map("fin", (Integer x) -> x);
    Identities identities = new Identities();
    try (TaskGraph graph =
        TaskGraph.builder("reuse-" + mode)
            .stages(pre, ten, plusOne, plusTwo, half, fin)
            .edge(pre, ten)
            .edge(ten, plusOne)
            .edge(ten, plusTwo)
            .edge(plusOne, half)
            .edge(plusTwo, half)
            .edge(half, fin)
            .build()) {
      GraphResult result =
          graph
              .newRun()
              .input(pre, Checks.range(0, n))
              .trackLineage()
              .observer(identities)
              .collect(plusOne)
              .collect(plusTwo)
              .collect(fin)
              .run();

      List<Integer> ones = new ArrayList<>();
      List<Integer> twos = new ArrayList<>();
      int retries = 0;
      for (int x = 0; x < n; x++) {
        if (x % 50 != 0) {
          ones.add(10 * x + 1);
        }
        twos.add(10 * x + 2);
        retries += x % 7 == 0 ? 1 : 0;
      }
      List<Integer> halves = new ArrayList<>();
      ones.forEach(v -> halves.add(v / 2));
      twos.forEach(v -> halves.add(v / 2));
      assertThat(result.outputs(plusOne)).containsExactlyInAnyOrderElementsOf(ones);
      assertThat(result.outputs(plusTwo)).containsExactlyInAnyOrderElementsOf(twos);
      assertThat(result.outputs(fin)).containsExactlyInAnyOrderElementsOf(halves);
      assertThat(result.stats(plusOne).failed()).isEqualTo(n / 50);

      // Per stage, the final attempt of each task; retried attempts counted apart.
      Map<String, Map<Long, Heard>> last = new HashMap<>();
      int retried = 0;
      for (Heard h : identities.heard) {
        if (h.outcome() == TaskOutcome.RETRIED) {
          retried++;
          assertThat(h.attempt()).isEqualTo(1);
          continue;
        }
        Heard before = last.computeIfAbsent(h.stage(), k -> new HashMap<>()).put(h.id(), h);
        assertThat(before).as("task %s settled twice at %s", h.id(), h.stage()).isNull();
      }
      assertThat(retried).isEqualTo(retries);
      assertThat(last.get("plusOne").values().stream().filter(h -> h.attempt() == 2).count())
          .isEqualTo(retries);

      Map<Long, Heard> pres = last.get("pre");
      Map<Long, Heard> tens = last.get("ten");
      assertThat(pres).hasSize(n);
      assertThat(pres.values()).allSatisfy(h -> assertThat(h.parentId()).isZero());
      assertThat(tens).hasSize(n);
      assertThat(tens.values()).allSatisfy(h -> assertThat(pres).containsKey(h.parentId()));
      assertThat(tens.keySet()).doesNotContainAnyElementsOf(pres.keySet());
      // ten's outputs: one id each, in both stages, its parent the ten task
      Set<Long> tenOutputs = last.get("plusTwo").keySet();
      assertThat(tenOutputs).hasSize(n);
      assertThat(last.get("plusOne").keySet()).isEqualTo(tenOutputs);
      assertThat(last.get("plusTwo").values())
          .allSatisfy(h -> assertThat(tens).containsKey(h.parentId()));
      for (Heard h : last.get("plusOne").values()) {
        assertThat(h.parentId()).isEqualTo(last.get("plusTwo").get(h.id()).parentId());
      }
      Map<Long, Heard> halfs = last.get("half");
      assertThat(halfs).hasSize(halves.size());
      assertThat(halfs.values()).allSatisfy(h -> assertThat(tenOutputs).contains(h.parentId()));
      Map<Long, Heard> fins = last.get("fin");
      assertThat(fins).hasSize(halves.size());
      assertThat(fins.values().stream().map(Heard::parentId).collect(Collectors.toSet()))
          .isEqualTo(halfs.keySet());
      Set<Long> all = new HashSet<>();
      for (Map<Long, Heard> stage : List.of(pres, tens, halfs, fins)) {
        all.addAll(stage.keySet());
      }
      all.addAll(tenOutputs);
      assertThat(all).hasSize(n + n + n + 2 * halves.size());
      Checks.accounted(result);
    }
  }
}
