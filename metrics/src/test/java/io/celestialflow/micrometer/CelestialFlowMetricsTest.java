package io.celestialflow.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.celestialflow.Execution;
import io.celestialflow.GraphResult;
import io.celestialflow.GraphRun;
import io.celestialflow.Layout;
import io.celestialflow.RetryPolicy;
import io.celestialflow.StageStats;
import io.celestialflow.TaskGraph;
import io.celestialflow.TaskStage;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The meters over real runs in a real {@link SimpleMeterRegistry}, with exact counts. */
@Timeout(60)
class CelestialFlowMetricsTest {
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  /** How the measured stage runs. */
  enum Run {
    SERIAL(Execution.serial(), Layout.STREAMING),
    THREAD(Execution.threads(4), Layout.STREAMING),
    VIRTUAL(Execution.virtualThreads(8), Layout.STREAMING),
    SERIAL_LAYOUT(Execution.threads(2), Layout.SERIAL);

    final Execution execution;
    final Layout layout;

    Run(Execution execution, Layout layout) {
      this.execution = execution;
      this.layout = layout;
    }
  }

  /**
   * 100 tasks and 20 duplicates into {@code flaky}: tasks ending in 3 fail once and are retried,
   * those ending in 7 always fail; the 90 that pass go on to {@code sink}.
   */
  private static TaskGraph graph(String name, Execution execution) {
    Map<Integer, AtomicInteger> tries = new ConcurrentHashMap<>();
    TaskStage<Integer, Integer> flaky =
        TaskStage.<Integer, Integer>map(
                "flaky",
                x -> {
                  if (x % 10 == 3
                      && tries.computeIfAbsent(x, k -> new AtomicInteger()).incrementAndGet()
                          == 1) {
                    throw new IllegalStateException("first try of " + x);
                  }
                  if (x % 10 == 7) {
                    throw new IllegalArgumentException("never " + x);
                  }
                  return x;
                })
            .execution(execution)
            .retry(
                RetryPolicy.on(IllegalStateException.class)
                    .maxAttempts(2)
                    .backoff(Duration.ofMillis(1)))
            .dedupe()
            .build();
    TaskStage<Integer, Void> sink = TaskStage.<Integer>consumer("sink", x -> {}).build();
    return TaskGraph.builder(name).stages(flaky, sink).edge(flaky, sink).build();
  }

  private static List<Integer> tasks() {
    List<Integer> tasks = new ArrayList<>(IntStream.range(0, 100).boxed().toList());
    tasks.addAll(IntStream.range(0, 20).boxed().toList());
    return tasks;
  }

  private double completed(String graph, String stage, String outcome) {
    return registry
        .get(CelestialFlowMetrics.COMPLETED)
        .tags("graph", graph, "stage", stage, "outcome", outcome)
        .functionCounter()
        .count();
  }

  private double counter(String name, String graph, String stage) {
    return registry.get(name).tags("graph", graph, "stage", stage).functionCounter().count();
  }

  private double gauge(String name, String graph, String stage) {
    return registry.get(name).tags("graph", graph, "stage", stage).gauge().value();
  }

  @ParameterizedTest
  @EnumSource(Run.class)
  void countersHaveTheRunsExactCountsByOutcome(Run mode) {
    String name = "measured-" + mode;
    GraphResult result;
    try (TaskGraph graph = graph(name, mode.execution)) {
      result =
          CelestialFlowMetrics.builder(registry)
              .tags("app", "test")
              .build()
              .bind(graph.newRun().layout(mode.layout))
              .input("flaky", tasks())
              .run();
    }
    StageStats flaky = result.stats("flaky");
    assertThat(flaky.succeeded()).isEqualTo(90);
    assertThat(completed(name, "flaky", "succeeded")).isEqualTo(90);
    assertThat(completed(name, "flaky", "failed")).isEqualTo(10);
    assertThat(completed(name, "flaky", "duplicate")).isEqualTo(20);
    assertThat(counter(CelestialFlowMetrics.RETRIED, name, "flaky")).isEqualTo(10);
    assertThat(counter(CelestialFlowMetrics.RECEIVED, name, "flaky")).isEqualTo(120);
    assertThat(gauge(CelestialFlowMetrics.QUEUED, name, "flaky")).isZero();
    assertThat(gauge(CelestialFlowMetrics.ACTIVE, name, "flaky")).isZero();
    assertThat(completed(name, "sink", "succeeded")).isEqualTo(90);
    assertThat(completed(name, "sink", "failed")).isZero();
    assertThat(counter(CelestialFlowMetrics.RECEIVED, name, "sink")).isEqualTo(90);
    assertThat(registry.get(CelestialFlowMetrics.COMPLETED).meters())
        .hasSize(6)
        .allSatisfy(m -> assertThat(m.getId().getTag("app")).isEqualTo("test"));
    FunctionCounter c =
        registry
            .get(CelestialFlowMetrics.COMPLETED)
            .tag("stage", "flaky")
            .functionCounters()
            .iterator()
            .next();
    assertThat(c.getId().getBaseUnit()).isEqualTo("tasks");
    assertThat(registry.find(CelestialFlowMetrics.EXECUTION).timers())
        .as("no timer unless asked for")
        .isEmpty();
  }

  @Test
  void countersAddUpOverEveryRunOfAGraph() {
    CelestialFlowMetrics metrics = CelestialFlowMetrics.of(registry);
    TaskStage<Integer, Integer> twice =
        TaskStage.<Integer, Integer>map("twice", x -> 2 * x).build();
    try (TaskGraph graph = metrics.bind(TaskGraph.builder("repeated")).stage(twice).build()) {
      for (int i = 1; i <= 3; i++) {
        graph.newRun().input(twice, IntStream.range(0, 50).boxed().toList()).run();
        assertThat(completed("repeated", "twice", "succeeded")).isEqualTo(50.0 * i);
      }
      // Bound to the graph and to the run as well: still counted once.
      metrics.bind(graph.newRun()).input(twice, List.of(1, 2)).run();
    }
    assertThat(completed("repeated", "twice", "succeeded")).isEqualTo(152);
    assertThat(registry.get(CelestialFlowMetrics.COMPLETED).meters()).hasSize(3);
  }

  @Test
  void theExecutionTimerTimesEveryAttemptByOutcome() {
    String name = "timed";
    try (TaskGraph graph = graph(name, Execution.threads(4))) {
      CelestialFlowMetrics.builder(registry)
          .timeTasks()
          .build()
          .bind(graph.newRun())
          .input("flaky", tasks())
          .run();
    }
    Timer succeeded =
        registry
            .get(CelestialFlowMetrics.EXECUTION)
            .tags("graph", name, "stage", "flaky", "outcome", "succeeded")
            .timer();
    Timer failed =
        registry
            .get(CelestialFlowMetrics.EXECUTION)
            .tags("graph", name, "stage", "flaky", "outcome", "failed")
            .timer();
    assertThat(succeeded.count()).isEqualTo(90);
    assertThat(failed.count()).as("10 retried attempts and 10 failures for good").isEqualTo(20);
    assertThat(succeeded.totalTime(TimeUnit.NANOSECONDS)).isPositive();
    assertThat(
            registry
                .get(CelestialFlowMetrics.EXECUTION)
                .tags("graph", name, "stage", "sink", "outcome", "succeeded")
                .timer()
                .count())
        .isEqualTo(90);
    assertThat(completed(name, "flaky", "succeeded")).isEqualTo(90);
  }

  @Test
  void gaugesShowTheTasksQueuedAndRunningWhileTheRunGoes() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    TaskStage<Integer, Integer> waits =
        TaskStage.<Integer, Integer>map(
                "waits",
                x -> {
                  release.await();
                  return x;
                })
            .execution(Execution.threads(2))
            .build();
    try (TaskGraph graph = TaskGraph.builder("live").stage(waits).build()) {
      GraphRun run =
          CelestialFlowMetrics.of(registry)
              .bind(graph.newRun())
              .input(waits, IntStream.range(0, 10).boxed().toList())
              .start();
      try {
        await()
            .atMost(Duration.ofSeconds(10))
            .until(() -> gauge(CelestialFlowMetrics.ACTIVE, "live", "waits") == 2);
        assertThat(gauge(CelestialFlowMetrics.QUEUED, "live", "waits")).isBetween(0.0, 8.0);
        assertThat(completed("live", "waits", "succeeded")).isZero();
        // The workers read the list as they want work: at least their two tasks so far.
        assertThat(counter(CelestialFlowMetrics.RECEIVED, "live", "waits")).isBetween(2.0, 10.0);
      } finally {
        release.countDown();
      }
      run.await();
      run.close();
    }
    assertThat(gauge(CelestialFlowMetrics.ACTIVE, "live", "waits")).isZero();
    assertThat(gauge(CelestialFlowMetrics.QUEUED, "live", "waits")).isZero();
    assertThat(completed("live", "waits", "succeeded")).isEqualTo(10);
  }

  @Test
  void closeRemovesTheMetersAndUnboundRunsRegisterNone() {
    TaskStage<Integer, Integer> same = TaskStage.<Integer, Integer>map("same", x -> x).build();
    try (TaskGraph graph = TaskGraph.builder("closed").stage(same).build()) {
      graph.newRun().input(same, List.of(1)).run();
      assertThat(registry.getMeters()).as("nothing without bind").isEmpty();
      CelestialFlowMetrics metrics = CelestialFlowMetrics.builder(registry).timeTasks().build();
      metrics.bind(graph.newRun()).input(same, List.of(1, 2)).run();
      // completed by 3 outcomes, retried, received, queued, active, and 2 timers
      assertThat(registry.getMeters()).hasSize(9);
      metrics.close();
      assertThat(registry.getMeters()).isEmpty();
      metrics.bind(graph.newRun()).input(same, List.of(3)).run();
      assertThat(registry.getMeters()).as("a closed binder measures nothing").isEmpty();
    }
  }

  @Test
  void withoutTheTimerTheObserverWatchesNoStage() {
    TaskStage<Integer, Integer> same = TaskStage.<Integer, Integer>map("same", x -> x).build();
    assertThat(CelestialFlowMetrics.of(registry).observer().observes(same)).isFalse();
    assertThat(CelestialFlowMetrics.builder(registry).timeTasks().build().observer().observes(same))
        .isTrue();
  }
}
