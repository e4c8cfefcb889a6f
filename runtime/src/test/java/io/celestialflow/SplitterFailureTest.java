package io.celestialflow;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A splitter's failure takes back only its own outputs: those of the tasks it handled before, still
 * buffered in the worker, reach the next stage.
 */
@Timeout(30)
class SplitterFailureTest {
  /** Splits x into x and 10x; fails for multiples of 5, before emitting anything. */
  private static List<Integer> outputs(Execution execution, List<Integer> inputs) {
    TaskStage<Integer, Integer> split =
        TaskStage.splitter(
                "split",
                (Integer x) -> {
                  if (x % 5 == 0) {
                    throw new IllegalArgumentException("five " + x);
                  }
                  return List.of(x, x * 10);
                })
            .execution(execution)
            .build();
    TaskStage<Integer, Integer> same = TaskStage.map("same", (Integer x) -> x).build();
    try (TaskGraph graph =
        TaskGraph.builder("split-fail").stages(split, same).edge(split, same).build()) {
      GraphResult result = graph.newRun().input(split, inputs).run();
      assertThat(result.failureCount()).isEqualTo(inputs.stream().filter(x -> x % 5 == 0).count());
      return result.outputs(same).stream().sorted().toList();
    }
  }

  @Test
  void aFailingTaskDoesNotTakeBackTheOutputsOfTheTasksBeforeIt() {
    assertThat(outputs(Execution.serial(), List.of(1, 2, 5))).containsExactly(1, 2, 10, 20);
    assertThat(outputs(Execution.serial(), List.of(1, 2, 5, 7, 10, 11)))
        .containsExactly(1, 2, 7, 10, 11, 20, 70, 110);
    List<Integer> many = IntStream.rangeClosed(1, 1000).boxed().toList();
    List<Integer> expected =
        many.stream()
            .filter(x -> x % 5 != 0)
            .flatMap(x -> List.of(x, x * 10).stream())
            .sorted()
            .toList();
    assertThat(outputs(Execution.threads(2), many)).isEqualTo(expected);
    assertThat(outputs(Execution.serial(), many)).isEqualTo(expected);
  }

  @Test
  void aSplitterFailingWhileItEmitsTakesBackItsOwnOutputsOnly() {
    TaskStage<Integer, Integer> split =
        TaskStage.splitter(
                "split",
                (Integer x) ->
                    (Iterable<Integer>)
                        () ->
                            new Iterator<>() {
                              int i;

                              @Override
                              public boolean hasNext() {
                                return i < 3;
                              }

                              @Override
                              public Integer next() {
                                if (x == 2 && i == 1) {
                                  throw new NoSuchElementException("broke after one output");
                                }
                                return x * 10 + i++;
                              }
                            })
            .build();
    TaskStage<Integer, Integer> same = TaskStage.map("same", (Integer x) -> x).build();
    try (TaskGraph graph =
        TaskGraph.builder("split-midway").stages(split, same).edge(split, same).build()) {
      GraphResult result = graph.newRun().input(split, List.of(1, 2, 3)).run();

      assertThat(result.failureCount()).isEqualTo(1);
      assertThat(result.outputs(same).stream().sorted().toList())
          .containsExactly(10, 11, 12, 30, 31, 32); // nothing of 2's: its 20 was taken back
    }
  }
}
