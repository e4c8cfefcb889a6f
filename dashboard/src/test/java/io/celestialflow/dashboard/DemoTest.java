package io.celestialflow.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import io.celestialflow.GraphResult;
import io.celestialflow.StageStats;
import io.celestialflow.TaskGraph;
import io.celestialflow.dashboard.demo.DashboardDemo;
import io.celestialflow.dashboard.demo.DemoPipeline;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The demo that scripts/demo.sh runs: its graph accounts for every task, its main prints the
 * address.
 */
@Timeout(60)
class DemoTest {
  @Test
  void theDemoPipelineAccountsForEveryTask() {
    try (TaskGraph graph = DemoPipeline.graph(0)) {
      GraphResult result =
          graph
              .newRun()
              .discardOutputs()
              .input(
                  "fetch",
                  List.of(
                      new DemoPipeline.Page("https://a.example", 0),
                      new DemoPipeline.Page("https://b.example", 0)))
              .run();
      assertThat(result.isCompleted()).isTrue();
      StageStats fetch = result.stats("fetch");
      assertThat(fetch.received()).isEqualTo(2 * 40); // 1 + 3 + 9 + 27 pages per seed
      for (StageStats s : result.stats()) {
        assertThat(s.received())
            .as(s.stage())
            .isEqualTo(s.succeeded() + s.failed() + s.duplicates());
      }
      assertThat(graph.isAcyclic()).isFalse();
    }
  }

  @Test
  void theDemoPrintsItsAddressAndEnds() throws Exception {
    PrintStream original = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      DashboardDemo.main(new String[] {"--seconds", "1", "--exit"});
    } finally {
      System.setOut(original);
    }
    String out = captured.toString(StandardCharsets.UTF_8);
    assertThat(out.lines().findFirst().orElseThrow())
        .matches("Dashboard: http://127\\.0\\.0\\.1:\\d+/");
    assertThat(out).contains("COMPLETED");
  }
}
