package ${package};

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.celestialflow.GraphResult;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class WordsTest {
  @Test
  void everyWordIsMeasuredOnce() {
    try (WordsGraph graph = new WordsGraph(new Words())) {
      WordsGraph.Result result = graph.run(List.of("The cat", "the dog"));

      assertEquals(
          Set.of(new Words.Word("the", 3), new Words.Word("cat", 3), new Words.Word("dog", 3)),
          result.measure().stream().collect(Collectors.toSet()));
      GraphResult run = result.graphResult();
      assertEquals(4, run.stats("measure").received());
      assertEquals(3, run.stats("measure").succeeded());
      assertEquals(1, run.stats("measure").duplicates());
      assertEquals(0, run.failureCount());
    }
  }
}
