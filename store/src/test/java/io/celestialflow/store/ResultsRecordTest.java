package io.celestialflow.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonParser;
import io.celestialflow.Execution;
import io.celestialflow.GraphResult;
import io.celestialflow.TaskGraph;
import io.celestialflow.TaskStage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@link RecordOptions#withResults}: success pairs recorded in the store. */
@Timeout(60)
class ResultsRecordTest {
  @TempDir Path dir;

  @Test
  void everySuccessfulTaskOfTheChosenStagesIsStoredWithItsOutputsAndPaged() {
    TaskStage<Integer, Double> inverse =
        TaskStage.map("inverse", (Integer x) -> 1.0 / x)
            .taskType(Integer.class)
            .execution(Execution.threads(3))
            .build();
    TaskStage<Double, String> digits =
        TaskStage.<Double, String>splitter(
                "digits", (Double d) -> List.of(String.valueOf(d).split("")))
            .taskType(Double.class)
            .build();
    TaskGraph graph =
        TaskGraph.builder("results").stage(inverse).stage(digits).edge(inverse, digits).build();
    List<Integer> inputs = IntStream.rangeClosed(-500, 500).boxed().toList();
    try (RunStore store = RunStore.open(dir)) {
      GraphResult result =
          store
              .newRun(graph, RecordOptions.defaults().withResults("inverse"))
              .input(inverse, inputs)
              .run();

      List<StoredResult> all = new ArrayList<>();
      for (int page = 0; ; page++) {
        List<StoredResult> some = store.results(result.runId(), "inverse", page * 300L, 300);
        all.addAll(some);
        if (some.size() < 300) {
          break;
        }
      }
      assertThat(all).hasSize(1001); // 1/0 is Infinity: a success too
      assertThat(all).extracting(StoredResult::task).doesNotHaveDuplicates();
      for (StoredResult r : all) {
        int x = Integer.parseInt(r.task());
        assertThat(r.type()).isEqualTo("java.lang.Integer");
        if (x == 0) {
          // Gson writes no Infinity: the output is kept as text, with a note saying why.
          assertThat(r.outputs()).isEqualTo("[\"Infinity\"]");
          assertThat(r.note()).contains("output: not serialisable as java.lang.Double");
        } else {
          JsonArray outputs = JsonParser.parseString(r.outputs()).getAsJsonArray();
          assertThat(outputs.size()).isOne();
          assertThat(outputs.get(0).getAsDouble()).isEqualTo(1.0 / x);
          assertThat(r.note()).isNull();
        }
      }
      assertThat(store.results(result.runId(), "digits", 0, 10)).isEmpty(); // not asked for
    }
  }

  @Test
  void aSplittersItemsAreStoredAsOneArrayPerTask() {
    TaskStage<String, String> words =
        TaskStage.<String, String>splitter("words", (String line) -> List.of(line.split(" ")))
            .taskType(String.class)
            .build();
    TaskGraph graph = TaskGraph.builder("words").stage(words).build();
    try (RunStore store = RunStore.open(dir)) {
      GraphResult result =
          store
              .newRun(graph, RecordOptions.defaults().withResults("words"))
              .input(words, List.of("a quick fox", "jumps"))
              .run();

      assertThat(store.results(result.runId(), "words", 0, 10))
          .extracting(StoredResult::task, StoredResult::outputs)
          .containsExactlyInAnyOrder(
              org.assertj.core.groups.Tuple.tuple("\"a quick fox\"", "[\"a\",\"quick\",\"fox\"]"),
              org.assertj.core.groups.Tuple.tuple("\"jumps\"", "[\"jumps\"]"));
    }
  }
}
