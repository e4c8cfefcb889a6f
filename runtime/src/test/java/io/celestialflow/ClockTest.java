package io.celestialflow;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Backoff, jitter and timeouts under a {@link ManualClock}: exact, with no sleeping. Tasks run on
 * the engine's threads as usual; only time is the test's.
 */
@Timeout(30)
class ClockTest {

  @Test
  void aRunWithNothingToTickNeverTicks() throws Exception {
    // An ASYNC stage without a timeout has no deadline to watch and nothing lingering: its run
    // has no periodic tick (and, on the system clock, never starts the timer's thread). With a
    // timeout, it ticks.
    for (Duration timeout : new Duration[] {null, Duration.ofSeconds(5)}) {
      ManualClock clock = new ManualClock();
      CompletableFuture<Integer> later = new CompletableFuture<>();
      CountDownLatch called = new CountDownLatch(1);
      TaskStage.Builder<Integer, Integer> b =
          TaskStage.<Integer, Integer>async(
                  "later",
                  x -> {
                    called.countDown();
                    return later;
                  })
              .execution(Execution.async(4));
      TaskStage<Integer, Integer> stage = (timeout == null ? b : b.timeout(timeout)).build();
      try (TaskGraph graph = TaskGraph.builder("ticks").stage(stage).build();
          GraphRun run = graph.newRun().input(stage, List.of(1)).clock(clock).start()) {
        called.await();
        assertThat(clock.periodic())
            .as("ticks with timeout %s", timeout)
            .isEqualTo(timeout == null ? 0 : 1);
        later.complete(2);
        assertThat(run.await().outputs(stage)).containsExactly(2);
      }
    }
  }

  @Test
  void aResultCompletingWhileTheDispatcherReadsTheClockStillWakesIt() throws Exception {
    // A clock read may block, and blocking parks (a clock taking a contended lock does): the
    // dispatcher must not lose the wake-up of a result completing meanwhile and sleep on it
    // for ever. This clock completes the result on another thread during the dispatcher's first
    // read after the call, then parks as a contended lock would, taking any pending unpark.
    ManualClock manual = new ManualClock();
    CompletableFuture<Integer> later = new CompletableFuture<>();
    AtomicBoolean called = new AtomicBoolean();
    AtomicBoolean armed = new AtomicBoolean(true);
    EngineClock clock =
        new EngineClock() {
          @Override
          public long nanoTime() {
            if (called.get()
                && Thread.currentThread().getName().endsWith("-async")
                && armed.compareAndSet(true, false)) {
              Thread completer = new Thread(() -> later.complete(2));
              completer.start();
              try {
                completer.join();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              LockSupport.parkNanos(1_000_000);
            }
            return manual.nanoTime();
          }

          @Override
          public RunTimer newTimer(String threadName, Consumer<Throwable> onError) {
            return manual.newTimer(threadName, onError);
          }
        };
    TaskStage<Integer, Integer> stage =
        TaskStage.<Integer, Integer>async(
                "later",
                x -> {
                  called.set(true);
                  return later;
                })
            .execution(Execution.async(4))
            .build();
    try (TaskGraph graph = TaskGraph.builder("blocking-clock").stage(stage).build();
        GraphRun run = graph.newRun().input(stage, List.of(1)).clock(clock).start()) {
      assertThat(run.result().get(10, TimeUnit.SECONDS).outputs(stage)).containsExactly(2);
      assertThat(armed).as("the clock was read after the call").isFalse();
    }
  }

  @Test
  void retriesWaitExactlyTheirExponentialBackoff() {
    ManualClock clock = new ManualClock();
    AtomicInteger attempts = new AtomicInteger();
    TaskStage<Integer, Integer> flaky =
        TaskStage.map(
                "flaky",
                (Integer x) -> {
                  if (attempts.incrementAndGet() < 4) {
                    throw new IllegalStateException("attempt " + attempts.get());
                  }
                  return x;
                })
            .retry(
                RetryPolicy.on(IllegalStateException.class)
                    .maxAttempts(4)
                    .backoff(Duration.ofMillis(100))
                    .multiplier(2)
                    .maxBackoff(Duration.ofMillis(300))
                    .jitter(0))
            .build();
    try (TaskGraph graph = TaskGraph.builder("backoff").stage(flaky).build();
        GraphRun run = graph.newRun().input(flaky, List.of(7)).clock(clock).start()) {
      for (Duration wait :
          List.of(Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(300))) {
        Checks.eventually(() -> clock.scheduled().size() == 1);
        int before = attempts.get(); // the attempt that failed has run
        assertThat(clock.scheduled()).containsExactly(wait); // 100, 200, then capped at 300
        clock.advance(wait.minusNanos(1));
        assertThat(clock.scheduled()).containsExactly(Duration.ofNanos(1));
        assertThat(attempts.get()).isEqualTo(before);
        clock.advance(Duration.ofNanos(1));
        Checks.eventually(() -> attempts.get() == before + 1);
      }
      GraphResult result = run.await();
      assertThat(result.outputs(flaky)).containsExactly(7);
      assertThat(result.stats(flaky).retries()).isEqualTo(3);
    }
  }

  @Test
  void jitterStaysWithinItsFractionOfTheCappedBackoff() {
    ManualClock clock = new ManualClock();
    Map<Integer, AtomicInteger> tries = new ConcurrentHashMap<>();
    TaskStage<Integer, Integer> flaky =
        TaskStage.map(
                "flaky",
                (Integer x) -> {
                  if (tries.computeIfAbsent(x, k -> new AtomicInteger()).incrementAndGet() == 1) {
                    throw new IllegalStateException("once");
                  }
                  return x;
                })
            .retry(
                RetryPolicy.on(IllegalStateException.class)
                    .maxAttempts(2)
                    .backoff(Duration.ofSeconds(10))
                    .maxBackoff(Duration.ofMillis(200))
                    .jitter(0.25))
            .build();
    try (TaskGraph graph = TaskGraph.builder("jitter").stage(flaky).build();
        GraphRun run = graph.newRun().input(flaky, Checks.range(0, 200)).clock(clock).start()) {
      Checks.eventually(() -> clock.scheduled().size() == 200);
      List<Duration> delays = clock.scheduled();
      assertThat(delays)
          .allSatisfy(d -> assertThat(d).isBetween(Duration.ofMillis(150), Duration.ofMillis(250)));
      assertThat(delays.getFirst()).isLessThan(delays.getLast()); // jittered, not all equal
      clock.advance(Duration.ofMillis(250));
      GraphResult result = run.await();
      assertThat(result.outputs(flaky)).hasSize(200);
    }
  }

  @Test
  void aSynchronousTaskTimesOutExactlyAtItsTimeout() throws InterruptedException {
    ManualClock clock = new ManualClock();
    CountDownLatch started = new CountDownLatch(1);
    TaskStage<Integer, Integer> stuck =
        TaskStage.map(
                "stuck",
                (Integer x) -> {
                  if (x == 0) {
                    started.countDown();
                    Thread.sleep(Duration.ofHours(1)); // until the timeout interrupts it
                  }
                  return x;
                })
            .timeout(Duration.ofSeconds(5))
            .build();
    try (TaskGraph graph = TaskGraph.builder("sync-timeout").stage(stuck).build();
        GraphRun run = graph.newRun().input(stuck, List.of(0, 1, 2)).clock(clock).start()) {
      started.await(); // the deadline was set before the call started
      clock.advance(Duration.ofMillis(4990));
      assertThat(run.status().stats(stuck).failed()).isZero();
      assertThat(run.status().stats(stuck).running()).isEqualTo(1);
      clock.advance(Duration.ofMillis(20)); // past 5 s: the next tick times it out
      GraphResult result = run.await();

      assertThat(result.outputs(stuck)).containsExactlyInAnyOrder(1, 2);
      assertThat(result.failures())
          .singleElement()
          .satisfies(f -> assertThat(f.isA(TimeoutException.class)).isTrue());
      Checks.accounted(result);
    }
  }

  @Test
  void anAsyncTaskTimesOutExactlyAtItsTimeout() {
    ManualClock clock = new ManualClock();
    CompletableFuture<Integer> never = new CompletableFuture<>();
    TaskStage<Integer, Integer> stuck =
        TaskStage.async(
                "stuck", (Integer x) -> x == 0 ? never : CompletableFuture.completedFuture(x))
            .timeout(Duration.ofSeconds(5))
            .build();
    try (TaskGraph graph = TaskGraph.builder("async-timeout").stage(stuck).build();
        GraphRun run = graph.newRun().input(stuck, List.of(0, 1, 2)).clock(clock).start()) {
      Checks.eventually(() -> run.status().stats(stuck).succeeded() == 2);
      clock.advance(Duration.ofMillis(4990));
      assertThat(run.status().stats(stuck).running()).isEqualTo(1);
      assertThat(never).isNotDone();
      clock.advance(Duration.ofMillis(20));
      GraphResult result = run.await();

      assertThat(never).isCancelled();
      assertThat(result.failures())
          .singleElement()
          .satisfies(f -> assertThat(f.isA(TimeoutException.class)).isTrue());
      Checks.accounted(result);
    }
  }
}
