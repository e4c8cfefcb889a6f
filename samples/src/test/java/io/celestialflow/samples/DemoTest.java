package io.celestialflow.samples;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class DemoTest {
  @Test
  void theDemoLeadsWithTheAnnotatedQuickStartAndEnds() {
    Runner.Printed printed = Runner.run(Demo::main, "100");

    assertThat(printed.out())
        .startsWith("== Quick start: @Stage add(x, y) -> @Stage square (QuickStartGraph)")
        .contains("squares: [9, 49, 121]")
        .contains("  9: 19 steps")
        .contains("COMPLETED")
        .contains("100 pages indexed, 0 failures");
  }
}
