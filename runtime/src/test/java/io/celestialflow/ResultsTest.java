package io.celestialflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.celestialflow.spi.TaskObserver;
import io.celestialflow.spi.TaskRef;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** {@link RunBuilder#keepResults} and {@link TaskObserver#result}: the success pairs of a stage. */
@Timeout(60)
class ResultsTest {
  @ParameterizedTest
  @EnumSource(Mode.class)
  void everySuccessfulTaskIsKeptOnceWithItsOutputsRetriesIncluded(Mode mode) {
    Map<Integer, AtomicInteger> calls = new ConcurrentHashMap<>();
    TaskStage<Integer, Integer> twice =
        mode.map(
            "twice",
            (Integer x) -> {
              if (x % 10 == 0
                  && calls.computeIfAbsent(x, k -> new AtomicInteger()).incrementAndGet() == 1) {
                throw new IllegalStateException("first attempt of " + x);
              }
              if (x == 7) {
                throw new IllegalArgumentException("never " + x);
              }
              return 2 * x;
            },
            b -> b.retry(RetryPolicy.on(IllegalStateException.class).maxAttempts(3)));
    TaskStage<Integer, Integer> digits =
        mode.splitter(
            "digits", (Integer x) -> String.valueOf(x).chars().map(c -> c - '0').boxed().toList());
    try (TaskGraph graph =
        TaskGraph.builder("results-" + mode)
            .stage(twice)
            .stage(digits)
            .edge(twice, digits)
            .build()) {
      List<Integer> inputs = IntStream.range(0, 500).boxed().toList();
      GraphResult result = graph.newRun().input(twice, inputs).keepResults(twice, digits).run();

      List<TaskResult<Integer, Integer>> pairs = result.results(twice);
      assertThat(pairs).hasSize(499); // 7 failed for good; the tens succeeded on their retry
      assertThat(pairs).allSatisfy(r -> assertThat(r.output()).isEqualTo(2 * r.task()));
      assertThat(pairs).extracting(TaskResult::task).doesNotHaveDuplicates().doesNotContain(7);
      List<TaskResult<Integer, Integer>> split = result.results(digits);
      assertThat(split).hasSize(499);
      assertThat(split)
          .allSatisfy(r ->
              assertThat(r.outputs())
                  .containsExactlyElementsOf(
                      String.valueOf(r.task()).chars().map(c -> c - '0').boxed().toList()));
      assertThat(result.outputs(digits))
          .hasSize(split.stream().mapToInt(r -> r.outputs().size()).sum());
      Checks.accounted(result);
    }
  }

  @Test
  void aSplitterReturningAStreamIsReadOnceForBothTheGraphAndTheResults() {
    TaskStage<Integer, Integer> upTo =
        TaskStage.<Integer, Integer>streamSplitter(
                "upTo", (Integer n) -> Stream.iterate(1, i -> i <= n, i -> i + 1))
            .build();
    try (TaskGraph graph = TaskGraph.builder("stream-results").stage(upTo).build()) {
      GraphResult result = graph.newRun().input(upTo, List.of(0, 3)).keepResults(upTo).run();

      assertThat(result.outputs(upTo)).containsExactlyInAnyOrder(1, 2, 3);
      assertThat(result.results(upTo))
          .containsExactlyInAnyOrder(
              new TaskResult<>(0, List.of()), new TaskResult<>(3, List.of(1, 2, 3)));
      assertThatThrownBy(() ->
              result.results(upTo).stream()
                  .filter(r -> r.task() == 3)
                  .findFirst()
                  .orElseThrow()
                  .output())
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("produced 3 outputs, not one");
    }
  }

  @Test
  void routersGiveTheRoutedValueAndConsumersNothing() {
    TaskStage<Integer, Void> sink = TaskStage.consumer("sink", (Integer x) -> {}).build();
    TaskStage<Integer, Integer> parity =
        TaskStage.<Integer, Integer>router(
                "parity", (Integer x) -> x % 2 == 0 ? Routed.to("sink", x * 10) : Routed.drop(x))
            .build();
    try (TaskGraph graph =
        TaskGraph.builder("router-results").stage(parity).stage(sink).edge(parity, sink).build()) {
      GraphResult result =
          graph.newRun().input(parity, List.of(1, 2)).keepResults(parity, sink).run();

      assertThat(result.results(parity))
          .containsExactlyInAnyOrder(
              new TaskResult<>(1, List.of(1)), new TaskResult<>(2, List.of(20)));
      assertThat(result.results(sink))
          .containsExactly(new TaskResult<Integer, Void>(20, List.of()));
    }
  }

  @Test
  void askingForResultsNotKeptNamesTheCall() {
    TaskStage<Integer, Integer> id = TaskStage.map("id", (Integer x) -> x).build();
    try (TaskGraph graph = TaskGraph.builder("not-kept").stage(id).build()) {
      GraphResult result = graph.run(id, List.of(1));

      assertThatThrownBy(() -> result.results(id))
          .isInstanceOf(GraphInputException.class)
          .hasMessageContaining("results of stage 'id' were not kept")
          .hasMessageContaining("keepResults(stage)");
    }
  }

  @Test
  void anObserverGetsResultsOnlyForTheStagesItWantsThemFor() {
    TaskStage<Integer, Integer> a = TaskStage.map("a", (Integer x) -> x + 1).build();
    TaskStage<Integer, Integer> b = TaskStage.map("b", (Integer x) -> x * 3).build();
    Map<String, List<?>> seen = new ConcurrentHashMap<>();
    AtomicInteger succeeded = new AtomicInteger();
    TaskObserver observer =
        new TaskObserver() {
          @Override
          public boolean wantsResults(TaskStage<?, ?> stage) {
            return stage.name().equals("b");
          }

          @Override
          public void result(TaskRef task, List<?> outputs) {
            seen.put(task.stage() + ":" + task.task(), outputs);
          }

          @Override
          public void succeeded(TaskRef task, long elapsedNanos) {
            succeeded.incrementAndGet();
          }
        };
    try (TaskGraph graph =
        TaskGraph.builder("observer-results").stage(a).stage(b).edge(a, b).build()) {
      graph.newRun().input(a, List.of(1, 2)).observer(observer).run();

      assertThat(seen).containsOnly(Map.entry("b:2", List.of(6)), Map.entry("b:3", List.of(9)));
      assertThat(succeeded).hasValue(4);
    }
  }
}
