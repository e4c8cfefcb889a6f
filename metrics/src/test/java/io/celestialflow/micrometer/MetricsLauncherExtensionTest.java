package io.celestialflow.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import io.celestialflow.TaskGraph;
import io.celestialflow.TaskStage;
import io.celestialflow.launch.GraphLauncher;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code --metrics} through the launcher, which finds the extension with its ServiceLoader. */
@Timeout(30)
class MetricsLauncherExtensionTest {
  private final TaskStage<Integer, Integer> doubled =
      TaskStage.<Integer, Integer>map("double", x -> 2 * x).build();
  private final TaskGraph graph = TaskGraph.builder("launched").stage(doubled).build();
  private final ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
  private final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(outBytes, true, StandardCharsets.UTF_8);
  private final PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8);

  @AfterEach
  void close() {
    graph.close();
  }

  private int launch(String... args) {
    return GraphLauncher.of(MetricsLauncherExtensionTest.class, graph)
        .input("double", Integer.class)
        .run(List.of(args), out, err);
  }

  private String err() {
    return errBytes.toString(StandardCharsets.UTF_8);
  }

  @Test
  void metricsPrintsTheRunsMetersWhenItEnds() {
    assertThat(launch("--metrics", "--input", "double=[1,2,3]")).as(err()).isZero();
    assertThat(outBytes.toString(StandardCharsets.UTF_8)).contains("[2,4,6]");
    assertThat(err())
        .contains("Metrics:")
        .containsPattern(
            "celestialflow\\.stage\\.completed\\(COUNTER\\)\\[graph='launched',"
                + " outcome='succeeded', stage='double'\\]; count=3\\.0")
        .contains("celestialflow.stage.queued(GAUGE)")
        .doesNotContain("celestialflow.stage(TIMER)");
  }

  @Test
  void timedAlsoPrintsTheExecutionTimer() {
    assertThat(launch("--metrics=timed", "--input", "double=[1,2,3]")).as(err()).isZero();
    assertThat(err())
        .containsPattern(
            "celestialflow\\.stage\\(TIMER\\)\\[graph='launched', outcome='succeeded',"
                + " stage='double'\\]; count=3\\.0");
  }

  @Test
  void anUnknownValueIsAUsageError() {
    assertThat(launch("--metrics=all", "--input", "double=[1]")).isEqualTo(2);
    assertThat(err()).contains("--metrics=all: the only value is 'timed'");
  }

  @Test
  void helpListsTheOption() {
    assertThat(launch("--help")).isZero();
    assertThat(outBytes.toString(StandardCharsets.UTF_8) + err()).contains("--metrics");
  }
}
