package io.celestialflow.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.celestialflow.Execution;
import io.celestialflow.GraphResult;
import io.celestialflow.TaskGraph;
import io.celestialflow.TaskStage;
import io.celestialflow.spi.TaskObserver;
import io.celestialflow.spi.TaskRef;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Lineage records: stored, traced up and down, rendered as a tree. */
@Timeout(30)
class LineageTest {
  @TempDir Path dir;

  private static void event(
      LineageBuffers b, long task, long parent, String stage, LineageEvent.Kind k, int attempt) {
    b.add(task, parent, stage, LineageBlockFormatTest.outcome(k.code()), attempt, 1000 + task);
  }

  /** Ends a run's lineage as a recording does: hands the buffers over and waits for the log. */
  static void end(StoreWriter w, LineageBuffers b, String runId) {
    b.drain();
    w.put(new Entry.LineageEnd(runId));
    w.flush(runId, Duration.ofSeconds(10));
  }

  /**
   * Input 1 succeeds at split, which emits 2 and 3 to work; 2 succeeds and emits 4 to sink; 3 fails
   * once, is retried and fails for good; 4 is a duplicate at sink. Task 9 is another input.
   */
  @Test
  void tracesAncestorsAndDescendantsOfATask() {
    try (RunStore store = RunStore.open(dir)) {
      StoreWriter w = store.writerForTests();
      w.put(new Entry.RunStart("r", "g", "{}", "{}", null, "run", 0));
      LineageBuffers b = new LineageBuffers("r", List.of("split", "work", "sink"), w::offer);
      event(b, 1, 0, "split", LineageEvent.Kind.SUCCEEDED, 1);
      event(b, 2, 1, "work", LineageEvent.Kind.SUCCEEDED, 1);
      event(b, 3, 1, "work", LineageEvent.Kind.RETRIED, 1);
      event(b, 3, 1, "work", LineageEvent.Kind.FAILED, 2);
      event(b, 4, 2, "sink", LineageEvent.Kind.DUPLICATE, 1);
      event(b, 9, 0, "split", LineageEvent.Kind.SUCCEEDED, 1);
      end(w, b, "r");

      Trace two = store.trace("r", 2);
      assertThat(two.found()).isTrue();
      assertThat(two.ancestors()).extracting(LineageEvent::taskId).containsExactly(1L);
      assertThat(two.task())
          .singleElement()
          .satisfies(e -> {
            assertThat(e.parentId()).isEqualTo(1);
            assertThat(e.stage()).isEqualTo("work");
            assertThat(e.kind()).isEqualTo(LineageEvent.Kind.SUCCEEDED);
          });
      assertThat(two.descendants())
          .extracting(LineageEvent::taskId, LineageEvent::kind)
          .containsExactly(org.assertj.core.groups.Tuple.tuple(4L, LineageEvent.Kind.DUPLICATE));
      assertThat(two.truncated()).isFalse();

      Trace one = store.trace("r", 1);
      assertThat(one.ancestors()).isEmpty();
      assertThat(one.descendants())
          .extracting(LineageEvent::taskId)
          .containsExactly(2L, 3L, 3L, 4L);
      assertThat(one.render())
          .isEqualTo(
              """
              #1 split:task.success   <- traced
                #2 work:task.success
                  #4 sink:task.duplicate
                #3 work:task.retry work:task.fail(attempt 2)
              """);
      assertThat(store.trace("r", 77).found()).isFalse();
    }
  }

  /** With the engine's observers wired, a recorded run with lineage on stores every outcome. */
  @Test
  void aRunRecordedWithLineageStoresEveryTasksOutcome() {
    assumeTrue(engineCallsObservers(), "the engine does not call TaskObserver yet");
    TaskStage<Integer, Integer> split =
        TaskStage.<Integer, Integer>splitter("split", (Integer x) -> List.of(x * 10, x * 10 + 1))
            .taskType(Integer.class)
            .build();
    TaskStage<Integer, Integer> work =
        TaskStage.map("work", (Integer x) -> x + 1)
            .taskType(Integer.class)
            .execution(Execution.threads(2))
            .build();
    TaskGraph graph = TaskGraph.builder("lineage").stages(split, work).edge(split, work).build();
    try (RunStore store = RunStore.open(dir)) {
      GraphResult r =
          store
              .newRun(graph, RecordOptions.defaults().withLineage(true))
              .input(split, IntStream.range(0, 50).boxed().toList())
              .run();
      assertThat(r.stats("work").succeeded()).isEqualTo(100);
      // An input's trace reaches both of its outputs.
      Trace input = store.trace(r.runId(), 1);
      assertThat(input.task())
          .singleElement()
          .satisfies(e -> assertThat(e.stage()).isEqualTo("split"));
      assertThat(input.descendants())
          .hasSize(2)
          .allSatisfy(e -> assertThat(e.parentId()).isEqualTo(1));
      long child = input.descendants().get(0).taskId();
      assertThat(store.trace(r.runId(), child).ancestors())
          .extracting(LineageEvent::taskId)
          .containsExactly(1L);
    }
  }

  /**
   * A real run through a splitter, a deduplicating stage that retries: each input's trace shows its
   * outputs' successes, the duplicate, the retry that then succeeded and the task that failed for
   * good, each output's parent the input.
   */
  @Test
  void aTraceFollowsSplitsRetriesDuplicatesAndFailuresOfARealRun() {
    assumeTrue(engineCallsObservers(), "the engine does not call TaskObserver yet");
    java.util.Set<Integer> failedOnce = java.util.concurrent.ConcurrentHashMap.newKeySet();
    TaskStage<Integer, Integer> split =
        TaskStage.<Integer, Integer>splitter(
                "split", (Integer x) -> List.of(x * 10, x * 10, x * 10 + 1, x * 10 + 2))
            .taskType(Integer.class)
            .build();
    TaskStage<Integer, Integer> work =
        TaskStage.map(
                "work",
                (Integer x) -> {
                  if (x % 10 == 2 || (x % 10 == 1 && failedOnce.add(x))) {
                    throw new IllegalStateException("no " + x);
                  }
                  return x;
                })
            .taskType(Integer.class)
            .dedupe()
            .retry(
                io.celestialflow.RetryPolicy.on(IllegalStateException.class)
                    .maxAttempts(2)
                    .backoff(Duration.ofMillis(1)))
            .build();
    TaskGraph graph = TaskGraph.builder("kinds").stages(split, work).edge(split, work).build();
    try (RunStore store = RunStore.open(dir)) {
      GraphResult r =
          store
              .newRun(graph, RecordOptions.defaults().withLineage(true))
              .input(split, List.of(1, 2, 3))
              .run();
      assertThat(r.stats("work").duplicates()).isEqualTo(3);
      for (long id = 1; id <= 3; id++) {
        long input = id;
        Trace t = store.trace(r.runId(), input);
        if (!isInput(t)) {
          continue; // ids are the engine's: an input is not necessarily 1..3
        }
        assertThat(t.descendants()).allSatisfy(e -> assertThat(e.parentId()).isEqualTo(input));
        assertThat(t.descendants())
            .extracting(LineageEvent::kind)
            .containsExactlyInAnyOrder(
                LineageEvent.Kind.SUCCEEDED, // x*10
                LineageEvent.Kind.DUPLICATE, // x*10 again
                LineageEvent.Kind.RETRIED, // x*10+1, attempt 1
                LineageEvent.Kind.SUCCEEDED, // x*10+1, attempt 2
                LineageEvent.Kind.RETRIED, // x*10+2, attempt 1
                LineageEvent.Kind.FAILED); // x*10+2, attempt 2
        assertThat(t.render())
            .contains("work:task.duplicate", "work:task.retry work:task.fail(attempt 2)");
        long failed =
            t.descendants().stream()
                .filter(e -> e.kind() == LineageEvent.Kind.FAILED)
                .findFirst()
                .orElseThrow()
                .taskId();
        Trace up = store.trace(r.runId(), failed);
        assertThat(up.ancestors()).extracting(LineageEvent::taskId).containsExactly(input);
        assertThat(up.task())
            .extracting(LineageEvent::kind, LineageEvent::attempt)
            .containsExactly(
                org.assertj.core.groups.Tuple.tuple(LineageEvent.Kind.RETRIED, 1),
                org.assertj.core.groups.Tuple.tuple(LineageEvent.Kind.FAILED, 2));
      }
      assertThat(LongStream.rangeClosed(1, 3).filter(i -> isInput(store.trace(r.runId(), i))))
          .isNotEmpty();
    }
  }

  private static boolean isInput(Trace t) {
    return t.found() && t.task().get(0).parentId() == 0;
  }

  private static boolean engineCallsObservers() {
    AtomicInteger calls = new AtomicInteger();
    TaskStage<Integer, Integer> id = TaskStage.map("id", (Integer x) -> x).build();
    TaskGraph g = TaskGraph.builder("probe").stage(id).build();
    g.newRun()
        .observer(
            new TaskObserver() {
              @Override
              public void succeeded(TaskRef task, long elapsedNanos) {
                calls.incrementAndGet();
              }
            })
        .input(id, List.of(1))
        .run();
    return calls.get() > 0;
  }
}
