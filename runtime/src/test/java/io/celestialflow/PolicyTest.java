package io.celestialflow;

import static org.assertj.core.api.Assertions.assertThat;

import io.celestialflow.event.TaskRetried;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Retries with backoff and per-task timeouts, under every execution mode. */
@Timeout(30)
class PolicyTest {

  @ParameterizedTest
  @EnumSource(Mode.class)
  void retriedTypesAreRetriedWithBackoffAndOthersFailAtOnce(Mode mode) {
    Map<Integer, List<Long>> attempts = new ConcurrentHashMap<>();
    Duration backoff = Duration.ofMillis(40);
    RetryPolicy policy =
        RetryPolicy.on(IOException.class)
            .maxAttempts(3)
            .backoff(backoff)
            .multiplier(2)
            .jitter(0.25);
    TaskStage<Integer, Integer> flaky =
        mode.map(
            "flaky",
            (Integer x) -> {
              List<Long> times = attempts.computeIfAbsent(x, k -> new CopyOnWriteArrayList<>());
              times.add(System.nanoTime());
              if (x == 1 && times.size() < 3) {
                throw new IOException("transient " + times.size()); // succeeds on the 3rd attempt
              }
              if (x == 2) {
                throw new IOException("always"); // exhausts its 3 attempts
              }
              if (x == 3) {
                throw new IllegalArgumentException("not retryable");
              }
              return x * 10;
            },
            b -> b.retry(policy));
    List<String> retried = new CopyOnWriteArrayList<>();
    GraphListener listener =
        event -> {
          if (event instanceof TaskRetried r) {
            retried.add(r.task() + "#" + r.attempt());
          }
        };
    try (TaskGraph graph =
        TaskGraph.builder("retry-" + mode).stage(flaky).listener(listener).build()) {
      GraphResult result = graph.run(flaky, List.of(0, 1, 2, 3, 4));

      assertThat(result.outputs(flaky)).containsExactlyInAnyOrder(0, 10, 40);
      assertThat(attempts.get(0)).hasSize(1);
      assertThat(attempts.get(1)).hasSize(3);
      assertThat(attempts.get(2)).hasSize(3);
      assertThat(attempts.get(3)).as("not a retried type: one attempt only").hasSize(1);
      assertThat(result.stats(flaky).retries()).isEqualTo(4);
      assertThat(retried).containsExactlyInAnyOrder("1#1", "1#2", "2#1", "2#2");

      // Backoff: the waits grow from 40 ms by a factor of 2, each within ±25% jitter.
      List<Long> t = attempts.get(1);
      assertThat(Duration.ofNanos(t.get(1) - t.get(0)))
          .isGreaterThanOrEqualTo(Duration.ofMillis(30));
      assertThat(Duration.ofNanos(t.get(2) - t.get(1)))
          .isGreaterThanOrEqualTo(Duration.ofMillis(60));

      assertThat(result.failures()).hasSize(2);
      TaskFailure always =
          result.failures().stream().filter(f -> f.task().equals(2)).findFirst().orElseThrow();
      assertThat(always.attempts()).isEqualTo(3);
      assertThat(always.exceptionType()).isEqualTo("java.io.IOException");
      assertThat(always.message()).isEqualTo("always");
      TaskFailure once =
          result.failures().stream().filter(f -> f.task().equals(3)).findFirst().orElseThrow();
      assertThat(once.attempts()).isEqualTo(1);
      assertThat(once.exceptionType()).isEqualTo("java.lang.IllegalArgumentException");
      Checks.accounted(result);
    }
  }

  /**
   * Task 0 hangs: a synchronous function sleeps for ten minutes, an asynchronous one returns a
   * future that never completes. With one worker, every other task still gets through.
   */
  @ParameterizedTest
  @EnumSource(Mode.class)
  void aHungTaskTimesOutAndItsWorkerIsFreed(Mode mode) {
    List<Integer> interrupted = new CopyOnWriteArrayList<>();
    boolean async = mode == Mode.ASYNC || mode == Mode.ASYNC_COMPLETED;
    TaskStage<Integer, Integer> slow =
        async
            ? TaskStage.async(
                    "slow",
                    (Integer x) ->
                        x == 0
                            ? new CompletableFuture<Integer>()
                            : CompletableFuture.completedFuture(x))
                .execution(Execution.async(1))
                .timeout(Duration.ofMillis(200))
                .build()
            : TaskStage.map(
                    "slow",
                    (Integer x) -> {
                      if (x == 0) {
                        try {
                          Thread.sleep(Duration.ofMinutes(10));
                        } catch (InterruptedException e) {
                          interrupted.add(x);
                          throw e;
                        }
                      }
                      return x;
                    })
                .execution(
                    switch (mode) {
                      case SERIAL -> Execution.serial();
                      case VIRTUAL -> Execution.virtualThreads(1);
                      default -> Execution.threads(1);
                    })
                .timeout(Duration.ofMillis(200))
                .build();
    try (TaskGraph graph = TaskGraph.builder("timeout-" + mode).stage(slow).build()) {
      GraphResult result = graph.run(slow, Checks.range(0, 20));

      assertThat(result.outputs(slow)).containsExactlyInAnyOrderElementsOf(Checks.range(1, 20));
      assertThat(result.failures())
          .singleElement()
          .satisfies(f -> {
            assertThat(f.task()).isEqualTo(0);
            assertThat(f.exceptionType()).isEqualTo(TimeoutException.class.getName());
            assertThat(f.message()).contains("PT0.2S", "stage 'slow'");
          });
      Checks.accounted(result);
    }
    if (!async) {
      // Synchronous tasks run on a thread the engine interrupts when the time is up.
      assertThat(interrupted).containsExactly(0);
    }
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void aTimedOutTaskCanBeRetried(Mode mode) {
    Map<Integer, Integer> calls = new ConcurrentHashMap<>();
    RetryPolicy policy = RetryPolicy.on(TimeoutException.class).backoff(Duration.ZERO);
    boolean async = mode == Mode.ASYNC || mode == Mode.ASYNC_COMPLETED;
    TaskStage<Integer, Integer> stage =
        async
            ? TaskStage.async(
                    "stage",
                    (Integer x) ->
                        calls.merge(x, 1, Integer::sum) == 1 && x == 5
                            ? new CompletableFuture<Integer>()
                            : CompletableFuture.completedFuture(x))
                .timeout(Duration.ofMillis(100))
                .retry(policy)
                .build()
            : mode.map(
                "stage",
                (Integer x) -> {
                  if (calls.merge(x, 1, Integer::sum) == 1 && x == 5) {
                    Thread.sleep(Duration.ofMinutes(1));
                  }
                  return x;
                },
                b -> b.timeout(Duration.ofMillis(100)).retry(policy));
    try (TaskGraph graph = TaskGraph.builder("timeout-retry-" + mode).stage(stage).build()) {
      GraphResult result = graph.run(stage, Checks.range(0, 10));

      assertThat(result.outputs(stage)).containsExactlyInAnyOrderElementsOf(Checks.range(0, 10));
      assertThat(calls.get(5)).isEqualTo(2);
      assertThat(result.stats(stage).retries()).isEqualTo(1);
      Checks.accounted(result);
    }
  }

  @org.junit.jupiter.api.Test
  void delaysGrowAndAreCapped() {
    RetryPolicy p =
        RetryPolicy.on(IOException.class)
            .backoff(Duration.ofMillis(100))
            .multiplier(3)
            .maxBackoff(Duration.ofMillis(500))
            .jitter(0);
    assertThat(p.delayAfter(1)).isEqualTo(Duration.ofMillis(100));
    assertThat(p.delayAfter(2)).isEqualTo(Duration.ofMillis(300));
    assertThat(p.delayAfter(3)).isEqualTo(Duration.ofMillis(500));
    assertThat(p.shouldRetry(new IOException(), 1)).isTrue();
    assertThat(p.shouldRetry(new java.io.FileNotFoundException(), 2)).isTrue();
    assertThat(p.shouldRetry(new IOException(), 3)).as("3 attempts made").isFalse();
    assertThat(p.shouldRetry(new RuntimeException(), 1)).isFalse();
    RetryPolicy jittered = p.jitter(0.5);
    for (int i = 0; i < 100; i++) {
      assertThat(jittered.delayAfter(1)).isBetween(Duration.ofMillis(50), Duration.ofMillis(150));
    }
    assertThat(RetryPolicy.none().shouldRetry(new IOException(), 1)).isFalse();
  }
}
