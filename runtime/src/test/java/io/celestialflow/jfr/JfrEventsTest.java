package io.celestialflow.jfr;

import static org.assertj.core.api.Assertions.assertThat;

import io.celestialflow.Execution;
import io.celestialflow.GraphResult;
import io.celestialflow.GraphRun;
import io.celestialflow.RetryPolicy;
import io.celestialflow.RunState;
import io.celestialflow.TaskGraph;
import io.celestialflow.TaskStage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine's JFR events, recorded for real: an in-process {@link Recording} around a run, dumped
 * to a file and read back with {@link RecordingFile}.
 */
@Timeout(60)
class JfrEventsTest {
  private static final List<String> ALL =
      List.of(
          RunJfrEvent.NAME,
          StageJfrEvent.NAME,
          TaskFailureJfrEvent.NAME,
          TaskRetryJfrEvent.NAME,
          InputFailureJfrEvent.NAME);

  @TempDir Path dir;

  /**
   * Records what {@code body} does, with the events named in {@code enabled} on and the others of
   * CelestialFlow off, and returns the recorded events of the run whose id {@code body} returns.
   */
  private List<RecordedEvent> record(List<String> enabled, Supplier<String> body)
      throws IOException {
    Path file = dir.resolve("run.jfr");
    String runId;
    try (Recording recording = new Recording()) {
      for (String name : ALL) {
        if (enabled.contains(name)) {
          recording.enable(name);
        } else {
          recording.disable(name);
        }
      }
      recording.start();
      runId = body.get();
      recording.stop();
      recording.dump(file);
    }
    List<RecordedEvent> events = new ArrayList<>();
    for (RecordedEvent e : RecordingFile.readAllEvents(file)) {
      if (e.getEventType().getName().startsWith("io.celestialflow.")
          && runId.equals(e.getString("runId"))) {
        events.add(e);
      }
    }
    Files.delete(file);
    return events;
  }

  private static List<RecordedEvent> named(List<RecordedEvent> events, String name) {
    return events.stream().filter(e -> e.getEventType().getName().equals(name)).toList();
  }

  @Test
  void aRunWithFailuresAndRetriesIsRecorded() throws IOException {
    Map<Integer, AtomicInteger> tries = new ConcurrentHashMap<>();
    TaskStage<Integer, Integer> flaky =
        TaskStage.map(
                "flaky",
                (Integer x) -> {
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
            .execution(Execution.threads(2))
            .retry(
                RetryPolicy.on(IllegalStateException.class)
                    .maxAttempts(2)
                    .backoff(Duration.ofMillis(1)))
            .build();
    TaskStage<Integer, Void> sink = TaskStage.consumer("sink", (Integer x) -> {}).build();
    GraphResult[] result = new GraphResult[1];
    List<RecordedEvent> events;
    try (TaskGraph graph =
        TaskGraph.builder("jfr-run").stages(flaky, sink).edge(flaky, sink).build()) {
      events =
          record(
              ALL,
              () -> {
                result[0] =
                    graph
                        .newRun()
                        .input(flaky, IntStream.range(0, 100).boxed().toList())
                        .trackLineage()
                        .run();
                return result[0].runId();
              });
    }

    List<RecordedEvent> failures = named(events, TaskFailureJfrEvent.NAME);
    assertThat(failures).hasSize(20);
    List<RecordedEvent> forGood =
        failures.stream().filter(e -> !e.getBoolean("willRetry")).toList();
    assertThat(forGood)
        .hasSize(10)
        .allSatisfy(e -> {
          assertThat(e.getString("graph")).isEqualTo("jfr-run");
          assertThat(e.getString("stage")).isEqualTo("flaky");
          assertThat(e.getString("exceptionType"))
              .isEqualTo(IllegalArgumentException.class.getName());
          assertThat(e.getString("message")).startsWith("never ");
          assertThat(e.getInt("attempt")).isEqualTo(1);
          assertThat(e.getLong("taskId")).isPositive();
          assertThat(e.getStackTrace()).isNull();
        });
    assertThat(forGood.stream().map(e -> e.getString("message")))
        .containsExactlyInAnyOrderElementsOf(
            IntStream.range(0, 10).mapToObj(i -> "never " + (10 * i + 7)).toList());
    List<RecordedEvent> toRetry = failures.stream().filter(e -> e.getBoolean("willRetry")).toList();
    assertThat(toRetry)
        .hasSize(10)
        .allSatisfy(e -> {
          assertThat(e.getString("exceptionType")).isEqualTo(IllegalStateException.class.getName());
          assertThat(e.getString("message")).startsWith("first try of ");
          assertThat(e.getInt("attempt")).isEqualTo(1);
        });

    List<RecordedEvent> retries = named(events, TaskRetryJfrEvent.NAME);
    assertThat(retries)
        .hasSize(10)
        .allSatisfy(e -> {
          assertThat(e.getString("stage")).isEqualTo("flaky");
          assertThat(e.getInt("attempt")).isEqualTo(1);
          assertThat(e.getDuration("delay")).isBetween(Duration.ZERO, Duration.ofMillis(2));
        });
    assertThat(retries.stream().map(e -> e.getLong("taskId")))
        .containsExactlyInAnyOrderElementsOf(
            toRetry.stream().map(e -> e.getLong("taskId")).toList());

    List<RecordedEvent> stages = named(events, StageJfrEvent.NAME);
    assertThat(stages)
        .extracting(e -> e.getString("stage"))
        .containsExactlyInAnyOrder("flaky", "sink");
    RecordedEvent f =
        stages.stream().filter(e -> e.getString("stage").equals("flaky")).findFirst().orElseThrow();
    assertThat(f.getString("graph")).isEqualTo("jfr-run");
    assertThat(f.getString("mode")).isEqualTo("THREAD");
    assertThat(f.getLong("received")).isEqualTo(100);
    assertThat(f.getLong("succeeded")).isEqualTo(90);
    assertThat(f.getLong("failed")).isEqualTo(10);
    assertThat(f.getLong("retries")).isEqualTo(10);
    assertThat(f.getLong("duplicates")).isZero();
    assertThat(f.getLong("emitted")).isEqualTo(90);
    assertThat(f.getBoolean("finished")).isTrue();
    RecordedEvent s =
        stages.stream().filter(e -> e.getString("stage").equals("sink")).findFirst().orElseThrow();
    assertThat(s.getLong("received")).isEqualTo(90);
    assertThat(s.getLong("succeeded")).isEqualTo(90);
    assertThat(s.getEndTime()).isAfterOrEqualTo(f.getEndTime());

    List<RecordedEvent> runs = named(events, RunJfrEvent.NAME);
    assertThat(runs).hasSize(1);
    RecordedEvent run = runs.getFirst();
    assertThat(run.getString("graph")).isEqualTo("jfr-run");
    assertThat(run.getString("layout")).isEqualTo("STREAMING");
    assertThat(run.getString("state")).isEqualTo("COMPLETED");
    assertThat(run.getInt("stages")).isEqualTo(2);
    assertThat(run.getLong("received")).isEqualTo(190);
    assertThat(run.getLong("succeeded")).isEqualTo(180);
    assertThat(run.getLong("failed")).isEqualTo(10);
    assertThat(run.getLong("retries")).isEqualTo(10);
    assertThat(run.getLong("unfinished")).isZero();
    assertThat(run.getStartTime()).isBeforeOrEqualTo(f.getStartTime());
    assertThat(run.getEndTime()).isAfterOrEqualTo(s.getEndTime());
    assertThat(run.getDuration()).isPositive();
  }

  @Test
  void anInputFailureIsRecorded() throws IOException {
    TaskStage<Integer, Integer> same = TaskStage.map("same", (Integer x) -> x).build();
    Iterator<Integer> breaks =
        new Iterator<>() {
          int next;

          @Override
          public boolean hasNext() {
            return true;
          }

          @Override
          public Integer next() {
            if (next == 5) {
              throw new NoSuchElementException("the source broke");
            }
            return next++;
          }
        };
    List<RecordedEvent> events;
    try (TaskGraph graph = TaskGraph.builder("jfr-input").stage(same).build()) {
      events = record(ALL, () -> graph.newRun().input(same, breaks).run().runId());
    }
    List<RecordedEvent> input = named(events, InputFailureJfrEvent.NAME);
    assertThat(input).hasSize(1);
    assertThat(input.getFirst().getString("stage")).isEqualTo("same");
    assertThat(input.getFirst().getString("exceptionType"))
        .isEqualTo(NoSuchElementException.class.getName());
    assertThat(input.getFirst().getString("message")).isEqualTo("the source broke");
    assertThat(input.getFirst().getLong("tasksRead")).isEqualTo(5);
    assertThat(named(events, RunJfrEvent.NAME).getFirst().getLong("succeeded")).isEqualTo(5);
  }

  @Test
  void aCancelledRunCommitsItsUnfinishedStages() throws IOException {
    TaskStage<Integer, Integer> a = TaskStage.map("a", (Integer x) -> x).build();
    TaskStage<Integer, Integer> b = TaskStage.map("b", (Integer x) -> x).build();
    List<RecordedEvent> events;
    try (TaskGraph graph = TaskGraph.builder("jfr-cancel").stages(a, b).edge(a, b).build()) {
      events =
          record(
              ALL,
              () -> {
                try (GraphRun run = graph.newRun().keepOpen().start()) {
                  run.inject(a, 1);
                  run.cancel();
                  assertThat(run.await().state()).isEqualTo(RunState.CANCELLED);
                  return run.runId();
                }
              });
    }
    assertThat(named(events, StageJfrEvent.NAME))
        .hasSize(2)
        .allSatisfy(e -> assertThat(e.getBoolean("finished")).isFalse());
    assertThat(named(events, RunJfrEvent.NAME))
        .singleElement()
        .satisfies(e -> assertThat(e.getString("state")).isEqualTo("CANCELLED"));
  }

  @Test
  void anEventARecordingDisablesIsNotCommitted() throws IOException {
    TaskStage<Integer, Integer> fails =
        TaskStage.<Integer, Integer>map(
                "fails",
                (Integer x) -> {
                  throw new IllegalArgumentException("no");
                })
            .build();
    List<RecordedEvent> events;
    try (TaskGraph graph = TaskGraph.builder("jfr-off").stage(fails).build()) {
      events =
          record(
              List.of(RunJfrEvent.NAME),
              () -> graph.newRun().input(fails, List.of(1, 2, 3)).run().runId());
    }
    assertThat(events)
        .as("only the run: its failures and stage were not wanted")
        .singleElement()
        .satisfies(e -> {
          assertThat(e.getEventType().getName()).isEqualTo(RunJfrEvent.NAME);
          assertThat(e.getLong("failed")).isEqualTo(3);
        });
  }
}
