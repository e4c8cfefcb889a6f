package io.celestialflow.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.celestialflow.GraphResult;
import io.celestialflow.GraphRun;
import io.celestialflow.RunState;
import io.celestialflow.TaskGraph;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Standalone mode: the dashboard {@link DashboardMain} starts, with its token, and runs report to
 * it over HTTP through {@link DashboardReporter}; it lists all of them and can act on them.
 */
@Timeout(60)
class ReporterTest {
  private Dashboard standalone;
  private URI base;
  private String token;
  private final List<TaskGraph> graphs = new ArrayList<>();

  @BeforeEach
  void start() {
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    standalone =
        DashboardMain.start(
            List.of("--port", "0", "--interval", "100"),
            new PrintStream(printed, true, StandardCharsets.UTF_8));
    token = standalone.token().orElseThrow();
    base = URI.create("http://127.0.0.1:" + standalone.port() + "/");
    assertThat(printed.toString(StandardCharsets.UTF_8))
        .contains("Dashboard: http://127.0.0.1:" + standalone.port() + "/?token=" + token)
        .contains(
            "--dashboard-report http://127.0.0.1:"
                + standalone.port()
                + "/ --dashboard-token "
                + token);
  }

  @AfterEach
  void stop() {
    graphs.forEach(TaskGraph::close);
    standalone.close();
  }

  @Test
  void listsEveryReportedRunWithItsCountsAndFailures() {
    Client client = new Client(base, token);
    List<String> ids = new ArrayList<>();
    try (DashboardReporter reporter = DashboardReporter.to(base, token, Duration.ofMillis(100))) {
      for (int i = 0; i < 25; i++) {
        TaskGraph g = i % 5 == 0 ? Graphs.failing() : Graphs.numbers("remote-" + i);
        graphs.add(g);
        String entry = g.stages().get(0).name();
        GraphResult r =
            g.newRun()
                .listener(reporter)
                .input(entry, IntStream.rangeClosed(1, 30).boxed().toList())
                .run();
        ids.add(r.runId());
      }
    } // close() sends the last reports
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> {
          JsonArray runs = client.getJson("api/runs").getAsJsonArray();
          long completed = 0;
          for (var r : runs) {
            completed += r.getAsJsonObject().get("state").getAsString().equals("COMPLETED") ? 1 : 0;
          }
          return runs.size() == 25 && completed == 25;
        });
    JsonArray runs = client.getJson("api/runs").getAsJsonArray();
    assertThat(runs.get(0).getAsJsonObject().get("runId").getAsString()).isEqualTo(ids.get(24));
    assertThat(runs.get(0).getAsJsonObject().get("origin").getAsString())
        .contains("/" + ProcessHandle.current().pid());

    JsonObject failing = client.getJson("api/runs/" + ids.get(0)).getAsJsonObject();
    assertThat(failing.get("controls").getAsBoolean()).isTrue();
    assertThat(failing.get("failureCount").getAsLong()).isEqualTo(14); // 10 of 3, 4 more of 5
    JsonObject io =
        client.getJson("api/runs/" + ids.get(0) + "/failures?type=IOException").getAsJsonObject();
    assertThat(io.get("matched").getAsLong()).isEqualTo(4);
    long id = io.getAsJsonArray("items").get(0).getAsJsonObject().get("id").getAsLong();
    JsonObject detail =
        client.getJson("api/runs/" + ids.get(0) + "/failures/" + id).getAsJsonObject();
    assertThat(detail.get("stackTrace").getAsString())
        .contains("java.io.IOException: multiple of five");
    assertThat(detail.get("taskJson").getAsString()).matches("\\d+");
    JsonObject topology = client.getJson("api/runs/" + ids.get(1) + "/topology").getAsJsonObject();
    assertThat(topology.getAsJsonArray("stages")).hasSize(2);
  }

  @Test
  void theStandaloneDashboardControlsARemoteRunThroughItsReporter() {
    Client client = new Client(base, token);
    TaskGraph g = Graphs.points();
    graphs.add(g);
    try (DashboardReporter reporter = DashboardReporter.to(base, token, Duration.ofMillis(100))) {
      GraphRun run = g.newRun().keepOpen().listener(reporter).start();
      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> client.get("api/runs/" + run.runId()).status() == 200);
      String api = "api/runs/" + run.runId();

      Client.Response queued =
          client.post(api + "/inject", "{\"stage\":\"points\",\"task\":{\"x\":1,\"y\":2}}");
      assertThat(queued.status()).as(queued.body()).isEqualTo(202);
      assertThat(queued.json().getAsJsonObject().get("message").getAsString()).startsWith("queued");
      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> run.status().stats("norm").succeeded() == 1);

      client.post(
          api + "/inject", "{\"stage\":\"points\",\"task\":\"not a point\"}"); // refused there
      assertThat(client.post(api + "/cancel", "{}").status()).isEqualTo(202);
      GraphResult result = run.await();
      assertThat(result.state()).isEqualTo(RunState.CANCELLED);
      assertThat(result.stats("points").received()).isEqualTo(1);
    }
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() ->
            client
                .getJson("api/runs")
                .getAsJsonArray()
                .get(0)
                .getAsJsonObject()
                .get("state")
                .getAsString()
                .equals("CANCELLED"));
  }

  @Test
  void reportsWithoutTheTokenAreRefused() {
    TaskGraph g = Graphs.numbers("intruder");
    graphs.add(g);
    try (DashboardReporter reporter =
        DashboardReporter.to(base, "wrong-token-0123456789", Duration.ofMillis(100))) {
      g.newRun().listener(reporter).input("double", List.of(1)).run();
    }
    assertThat(new Client(base, token).getJson("api/runs").getAsJsonArray()).isEmpty();
  }
}
