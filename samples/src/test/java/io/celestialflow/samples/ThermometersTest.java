package io.celestialflow.samples;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class ThermometersTest {
  @Test
  void readingsFromBothEntryStagesMeetInTheReport() {
    try (ThermometersGraph graph = new ThermometersGraph(new Thermometers())) {
      ThermometersGraph.Result result =
          graph
              .newRun()
              .metric(
                  List.of(
                      new ThermometersGraph.MetricArgs("oslo", 4.5),
                      new ThermometersGraph.MetricArgs("lima", 19.0)))
              .imperial(
                  List.of(
                      new ThermometersGraph.ImperialArgs("austin", 95),
                      new ThermometersGraph.ImperialArgs("boston", 32)))
              .run();

      assertThat(result.report())
          .containsExactlyInAnyOrder("oslo 4.5 C", "lima 19.0 C", "austin 35.0 C", "boston 0.0 C");
      assertThat(result.graphResult().stats("report").received()).isEqualTo(4);
      assertThat(graph.graph().entryStages())
          .containsExactly(graph.metricStage(), graph.imperialStage());
    }
  }

  @Test
  void theRunnerTakesTasksForEachEntryStage() {
    Runner.Printed printed =
        Runner.run(
            ThermometersGraph::main,
            "--input",
            "metric=[[\"oslo\", 4.5]]",
            "--input",
            "imperial=[{\"station\":\"austin\",\"fahrenheit\":95}]");

    assertThat(printed.out()).contains("\"oslo 4.5 C\"").contains("\"austin 35.0 C\"");
  }
}
