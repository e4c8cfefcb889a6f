package io.celestialflow.samples;

import static org.assertj.core.api.Assertions.assertThat;

import io.celestialflow.Layout;
import io.celestialflow.StageKind;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class CollatzTest {
  @Test
  void theRouterLoopsEachWalkUntilItReachesOne() {
    try (CollatzGraph graph = new CollatzGraph()) {
      CollatzGraph.Result result = graph.run(LongStream.rangeClosed(1, 10).boxed().toList());

      assertThat(result.done())
          .containsExactlyInAnyOrder(
              "1: 0 steps",
              "2: 1 steps",
              "3: 7 steps",
              "4: 2 steps",
              "5: 5 steps",
              "6: 8 steps",
              "7: 16 steps",
              "8: 3 steps",
              "9: 19 steps",
              "10: 6 steps");
      assertThat(result.graphResult().isCompleted()).isTrue();
      // 3n+1 is taken once per odd value above 1 on every walk: 0+0+2+0+1+2+5+0+6+1.
      assertThat(result.graphResult().stats("triple").succeeded()).isEqualTo(17);
      assertThat(graph.stepStage().kind()).isEqualTo(StageKind.ROUTER);
      assertThat(graph.graph().isAcyclic()).isFalse();
      assertThat(CollatzGraph.DEFAULT_LAYOUT).isEqualTo(Layout.STREAMING);
    }
  }
}
