package io.celestialflow.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.gson.JsonObject;
import io.celestialflow.GraphResult;
import io.celestialflow.GraphRun;
import io.celestialflow.RunState;
import io.celestialflow.TaskGraph;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Retry (one, filtered, all), closing inputs of a run or a stage, cancelling. */
@Timeout(30)
class ControlTest {
  private Dashboard dashboard;
  private Client client;
  private TaskGraph graph;

  @BeforeEach
  void start() {
    dashboard = Dashboard.builder().updateInterval(Duration.ofMillis(100)).start();
    client = new Client(dashboard);
  }

  @AfterEach
  void stop() {
    if (graph != null) {
      graph.close();
    }
    dashboard.close();
  }

  private JsonObject failures(GraphRun run, String query) {
    return client.getJson("api/runs/" + run.runId() + "/failures" + query).getAsJsonObject();
  }

  @Test
  void retryRunsOneAFilteredSetOrAllFailuresAgain() {
    graph = Graphs.flaky();
    GraphRun run =
        dashboard
            .attach(
                graph.newRun().keepOpen().input("flaky", IntStream.range(0, 10).boxed().toList()))
            .start();
    await().atMost(Duration.ofSeconds(5)).until(() -> run.status().stats("flaky").failed() == 10);
    String retry = "api/runs/" + run.runId() + "/retry";

    long id =
        failures(run, "?size=1")
            .getAsJsonArray("items")
            .get(0)
            .getAsJsonObject()
            .get("id")
            .getAsLong();
    Client.Response one = client.post(retry, "{\"ids\":[" + id + "]}");
    assertThat(one.status()).as(one.body()).isEqualTo(200);
    assertThat(one.json().getAsJsonObject().get("count").getAsInt()).isEqualTo(1);
    await().atMost(Duration.ofSeconds(5)).until(() -> run.status().stats("out").succeeded() == 1);

    Client.Response filtered = client.post(retry, "{\"stage\":\"flaky\",\"q\":\"attempt of 3\"}");
    assertThat(filtered.status()).as(filtered.body()).isEqualTo(200);
    await().atMost(Duration.ofSeconds(5)).until(() -> run.status().stats("out").succeeded() >= 2);

    assertThat(client.post(retry, "{}").error()).contains("say which failures to retry");
    assertThat(client.post(retry, "{\"ids\":[12345]}").status()).isEqualTo(404);
    assertThat(client.post(retry, "{\"q\":\"no such text\"}").status()).isEqualTo(404);

    Client.Response all = client.post(retry, "{\"all\":true}");
    assertThat(all.status()).isEqualTo(200);
    assertThat(all.json().getAsJsonObject().get("count").getAsInt()).isEqualTo(10);
    run.closeInputs();
    GraphResult result = run.await();
    // each value failed once; retried tasks of values that already succeeded succeed again
    assertThat(result.stats("flaky").failed()).isEqualTo(10);
    assertThat(result.stats("flaky").received()).isEqualTo(10 + 1 + 1 + 10);
    assertThat(result.stats("out").succeeded()).isEqualTo(12);
    assertThat(client.post(retry, "{\"all\":true}").status()).isEqualTo(409);
  }

  @Test
  void closingInputsOfEachStageOrTheRunLetsItEnd() {
    graph = Graphs.numbers("closing");
    GraphRun run = dashboard.attach(graph.newRun().keepOpen()).start();
    String close = "api/runs/" + run.runId() + "/close-inputs";
    assertThat(client.post(close, "{\"stage\":\"nope\"}").status()).isEqualTo(404);
    Client.Response stage = client.post(close, "{\"stage\":\"double\"}");
    assertThat(stage.status()).isEqualTo(200);
    assertThat(stage.json().getAsJsonObject().get("message").getAsString())
        .isEqualTo("closed the inputs of stage 'double'");
    assertThat(
            client
                .post("api/runs/" + run.runId() + "/inject", "{\"stage\":\"double\",\"task\":1}")
                .status())
        .isEqualTo(409);
    // closing one stage's inputs may end the run already (when it is the only one still open)
    assertThat(client.post(close, "{}").status()).isIn(200, 409);
    assertThat(run.await().isCompleted()).isTrue();
    await()
        .atMost(Duration.ofSeconds(3))
        .until(() ->
            client
                .getJson("api/runs/" + run.runId())
                .getAsJsonObject()
                .get("state")
                .getAsString()
                .equals("COMPLETED"));
    assertThat(client.post(close, "{}").status()).isEqualTo(409);
  }

  @Test
  void cancelStopsTheRun() {
    graph = Graphs.numbers("cancel");
    GraphRun run =
        dashboard.attach(graph.newRun().keepOpen().input("double", List.of(1, 2, 3))).start();
    Client.Response r = client.post("api/runs/" + run.runId() + "/cancel", "");
    assertThat(r.status()).isEqualTo(200);
    assertThat(run.await().state()).isEqualTo(RunState.CANCELLED);
    await()
        .atMost(Duration.ofSeconds(3))
        .until(() ->
            client
                .getJson("api/runs/" + run.runId())
                .getAsJsonObject()
                .get("state")
                .getAsString()
                .equals("CANCELLED"));
    assertThat(client.post("api/runs/" + run.runId() + "/cancel", "").status()).isEqualTo(409);
  }
}
