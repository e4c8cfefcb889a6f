package io.celestialflow.samples;

import static org.assertj.core.api.Assertions.assertThat;

import io.celestialflow.GraphResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class QuickStartByHandTest {
  @Test
  void addThenSquareGivesTheOriginalsValues() {
    GraphResult result = QuickStartByHand.run();
    assertThat(result.isCompleted()).isTrue();
    assertThat(result.outputs(QuickStartByHand.SQUARE)).containsExactlyInAnyOrder(9, 49, 121);
    assertThat(result.stats("add").succeeded()).isEqualTo(3);
    assertThat(result.failures()).isEmpty();
  }
}
