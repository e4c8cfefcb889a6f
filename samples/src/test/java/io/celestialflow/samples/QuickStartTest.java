package io.celestialflow.samples;

import static org.assertj.core.api.Assertions.assertThat;

import io.celestialflow.TaskGraph;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class QuickStartTest {
  @Test
  void addThenSquareGivesTheOriginalsValues() {
    QuickStartGraph.Result result = QuickStart.run();

    assertThat(result.square()).containsExactlyInAnyOrder(9, 49, 121);
    assertThat(result.graphResult().isCompleted()).isTrue();
    assertThat(result.graphResult().stats("add").succeeded()).isEqualTo(3);
    assertThat(result.graphResult().failures()).isEmpty();
  }

  @Test
  void theGeneratedGraphIsWiredAsAnnotated() {
    try (QuickStartGraph graph = new QuickStartGraph(new QuickStart())) {
      TaskGraph wired = graph.graph();
      assertThat(wired.name()).isEqualTo("quickstart");
      assertThat(wired.edges()).hasToString("[add -> square]");
      assertThat(graph.addStage().describe()).isEqualTo("add (MAP, THREAD x4)");
      assertThat(graph.squareStage().describe()).isEqualTo("square (MAP, THREAD x4)");
      assertThat(wired.entryStages()).containsExactly(graph.addStage());
    }
  }

  @Test
  void theGeneratedRunnerRunsItFromTheCommandLine() {
    Runner.Printed printed =
        Runner.run(QuickStartGraph::main, "--input", "add=[[1,2],[3,4],[5,6]]", "--progress");

    assertThat(printed.out()).startsWith("{\"square\":[");
    assertThat(numbers(printed.out())).containsExactly(9, 49, 121);
    assertThat(printed.err()).contains("quickstart: COMPLETED").contains("square");
  }

  @Test
  void theRunnerTakesTheSerialLayoutAndRecordsAsObjects() {
    Runner.Printed printed =
        Runner.run(
            QuickStartGraph::main, "--layout", "serial", "--input", "add=[{\"x\":2,\"y\":2}]");

    assertThat(printed.out().strip()).isEqualTo("{\"square\":[16]}");
  }

  private static List<Integer> numbers(String json) {
    return Arrays.stream(json.replaceAll("[^0-9,]", "").split(","))
        .map(Integer::valueOf)
        .sorted()
        .toList();
  }
}
