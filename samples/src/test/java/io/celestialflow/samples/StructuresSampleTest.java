package io.celestialflow.samples;

import static org.assertj.core.api.Assertions.assertThat;

import io.celestialflow.GraphResult;
import io.celestialflow.RunState;
import io.celestialflow.TaskGraph;
import io.celestialflow.TaskStage;
import io.celestialflow.structure.GraphAnalysis;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class StructuresSampleTest {
  @Test
  void theWheelEndsByItselfWithEveryHopCounted() {
    // Each ring stage gets 2 from the centre, then 1 and 0 handed along the ring; likewise for 5.
    GraphResult result = Structures.run(List.of("2", "5"));

    assertThat(result.state()).isEqualTo(RunState.COMPLETED);
    assertThat(result.stats("seed").received()).isEqualTo(2);
    for (TaskStage<Integer, Integer> stage : Structures.RING) {
      assertThat(result.stats(stage).received()).as(stage.name()).isEqualTo(3 + 6);
      assertThat(result.stats(stage).succeeded()).as(stage.name()).isEqualTo(9);
      assertThat(result.outputs(stage)).containsExactlyInAnyOrder(1, 0, 4, 3, 2, 1, 0);
    }
    assertThat(result.failures()).isEmpty();
  }

  @Test
  void theWheelRendersAsDocumented() {
    try (TaskGraph graph = Structures.graph()) {
      GraphAnalysis analysis = GraphAnalysis.of(graph);

      assertThat(analysis.renderText())
          .isEqualTo(
              """
              +--------------------------------------------------------------------------------------+
              | seed (layout: STREAMING, kind: MAP, mode: SERIAL)                                    |
              | ╘-->fetch (layout: STREAMING, kind: SPLITTER, mode: THREAD x4)                       |
              |     ╘-->parse (layout: STREAMING, kind: SPLITTER, mode: THREAD x4)                   |
              |         ╘-->follow (layout: STREAMING, kind: SPLITTER, mode: THREAD x4)              |
              |             ╘-->fetch (layout: STREAMING, kind: SPLITTER, mode: THREAD x4) [Visited] |
              | ╘-->parse (layout: STREAMING, kind: SPLITTER, mode: THREAD x4) [Visited]             |
              | ╘-->follow (layout: STREAMING, kind: SPLITTER, mode: THREAD x4) [Visited]            |
              +--------------------------------------------------------------------------------------+\
              """);
      assertThat(analysis.toMermaid())
          .isEqualTo(
              """
              flowchart LR
                  s0["seed"]
                  subgraph c1 [cycle]
                      s1[["fetch"]]
                      s2[["parse"]]
                      s3[["follow"]]
                  end
                  s0 --> s1
                  s0 --> s2
                  s0 --> s3
                  s1 --> s2
                  s2 --> s3
                  s3 --> s1
              """);
      assertThat(analysis.stronglyConnectedComponents())
          .containsExactly(List.of("seed"), List.of("fetch", "parse", "follow"));
      assertThat(analysis.findCycle()).contains(List.of("fetch", "parse", "follow", "fetch"));
    }
  }
}
