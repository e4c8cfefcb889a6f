package io.celestialflow.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.celestialflow.GraphResult;
import io.celestialflow.GraphRun;
import io.celestialflow.TaskGraph;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The read API over real HTTP against a real server showing real runs. */
@Timeout(30)
class ApiTest {
  private Dashboard dashboard;
  private Client client;
  private final List<TaskGraph> graphs = new ArrayList<>();

  @BeforeEach
  void start() {
    dashboard = Dashboard.builder().updateInterval(Duration.ofMillis(100)).start();
    client = new Client(dashboard);
  }

  @AfterEach
  void stop() {
    graphs.forEach(TaskGraph::close);
    dashboard.close();
  }

  private TaskGraph graph(TaskGraph g) {
    graphs.add(g);
    return g;
  }

  private GraphResult runNumbers(String name, int n) {
    TaskGraph g = graph(Graphs.numbers(name));
    return dashboard
        .attach(g.newRun().input(g.stage("double").name(), IntStream.range(0, n).boxed().toList()))
        .run();
  }

  @Test
  void listsRunsNewestFirst() {
    String first = runNumbers("first", 10).runId();
    String second = runNumbers("second", 10).runId();
    String third = runNumbers("third", 10).runId();

    JsonArray runs = client.getJson("api/runs").getAsJsonArray();

    assertThat(runs).hasSize(3);
    assertThat(ids(runs)).containsExactly(third, second, first);
    assertThat(runs.get(0).getAsJsonObject().get("graph").getAsString()).isEqualTo("third");
  }

  private static List<String> ids(JsonArray runs) {
    List<String> out = new ArrayList<>();
    runs.forEach(r -> out.add(r.getAsJsonObject().get("runId").getAsString()));
    return out;
  }

  @Test
  void statusSnapshotCarriesEveryStageAndTheFinalCounts() {
    GraphResult result = runNumbers("numbers", 500);

    await()
        .atMost(Duration.ofSeconds(5))
        .until(() ->
            client
                .getJson("api/runs/" + result.runId())
                .getAsJsonObject()
                .get("state")
                .getAsString()
                .equals("COMPLETED"));
    JsonObject run = client.getJson("api/runs/" + result.runId()).getAsJsonObject();

    assertThat(run.get("graph").getAsString()).isEqualTo("numbers");
    assertThat(run.get("origin").getAsString()).isEqualTo("local");
    assertThat(run.get("controls").getAsBoolean()).isTrue();
    JsonArray stages = run.getAsJsonArray("stages");
    assertThat(stages).hasSize(2);
    JsonObject twice = stages.get(0).getAsJsonObject();
    assertThat(twice.get("name").getAsString()).isEqualTo("double");
    assertThat(twice.get("kind").getAsString()).isEqualTo("MAP");
    assertThat(twice.get("mode").getAsString()).isEqualTo("THREAD");
    assertThat(twice.get("execution").getAsString()).isEqualTo("THREAD x2");
    assertThat(twice.get("received").getAsLong()).isEqualTo(500);
    assertThat(twice.get("succeeded").getAsLong()).isEqualTo(500);
    assertThat(twice.get("pending").getAsLong()).isZero();
    assertThat(twice.get("finished").getAsBoolean()).isTrue();
    assertThat(twice.get("progress").getAsDouble()).isEqualTo(1.0);
    assertThat(twice.getAsJsonObject("delta").has("succeeded")).isTrue();
    assertThat(run.getAsJsonObject("totals").get("completed").getAsLong()).isEqualTo(1000);
  }

  @Test
  void topologyHasLevelsComponentsAndCycles() {
    TaskGraph g = graph(Graphs.loop());
    GraphResult result = dashboard.attach(g.newRun().input("a", List.of(3, 2))).run();

    JsonObject topology =
        client.getJson("api/runs/" + result.runId() + "/topology").getAsJsonObject();

    assertThat(topology.get("acyclic").getAsBoolean()).isFalse();
    JsonArray stages = topology.getAsJsonArray("stages");
    assertThat(stages.get(0).getAsJsonObject().get("cyclic").getAsBoolean()).isTrue();
    assertThat(stages.get(2).getAsJsonObject().get("cyclic").getAsBoolean()).isFalse();
    assertThat(stages.get(2).getAsJsonObject().get("level").getAsInt()).isEqualTo(1);
    assertThat(stages.get(0).getAsJsonObject().get("kind").getAsString()).isEqualTo("ROUTER");
    JsonArray edges = topology.getAsJsonArray("edges");
    assertThat(edges.get(0).getAsJsonObject().get("cyclic").getAsBoolean()).isTrue();
    assertThat(
            topology
                .getAsJsonArray("components")
                .get(0)
                .getAsJsonObject()
                .get("cyclic")
                .getAsBoolean())
        .isTrue();
  }

  @Test
  void failuresAreSearchedByStageTypeTextTimeAndPaged() {
    TaskGraph g = graph(Graphs.failing());
    List<Integer> inputs = new ArrayList<>(IntStream.rangeClosed(1, 60).boxed().toList());
    inputs.add(2002); // fails in "done"
    GraphResult result = dashboard.attach(g.newRun().input("check", inputs)).run();
    String base = "api/runs/" + result.runId() + "/failures";
    // 1..60: 20 multiples of 3, 12 of 5 of which 4 are multiples of 15 too: 20 + 8 = 28, + 1
    assertThat(result.failureCount()).isEqualTo(29);

    JsonObject all = client.getJson(base + "?size=10").getAsJsonObject();
    assertThat(all.get("total").getAsLong()).isEqualTo(29);
    assertThat(all.get("matched").getAsLong()).isEqualTo(29);
    assertThat(all.getAsJsonArray("items")).hasSize(10);
    JsonObject page3 = client.getJson(base + "?size=10&page=3").getAsJsonObject();
    assertThat(page3.getAsJsonArray("items")).hasSize(9);
    assertThat(all.getAsJsonObject("byStage").get("check").getAsLong()).isEqualTo(28);

    JsonObject io = client.getJson(base + "?type=IOException").getAsJsonObject();
    assertThat(io.get("matched").getAsLong()).isEqualTo(8);
    JsonObject byFqn = client.getJson(base + "?type=java.lang.RuntimeException").getAsJsonObject();
    assertThat(byFqn.get("matched").getAsLong()).isEqualTo(21); // supertypes match too
    JsonObject done = client.getJson(base + "?stage=done").getAsJsonObject();
    assertThat(done.get("matched").getAsLong()).isEqualTo(1);
    JsonObject text = client.getJson(base + "?q=THREE:%2045").getAsJsonObject();
    assertThat(text.get("matched").getAsLong()).isEqualTo(1);
    JsonObject future =
        client.getJson(base + "?from=" + (System.currentTimeMillis() + 60_000)).getAsJsonObject();
    assertThat(future.get("matched").getAsLong()).isZero();
    JsonObject past = client.getJson(base + "?to=2000-01-01T00:00:00Z").getAsJsonObject();
    assertThat(past.get("matched").getAsLong()).isZero();

    long id = text.getAsJsonArray("items").get(0).getAsJsonObject().get("id").getAsLong();
    JsonObject detail = client.getJson(base + "/" + id).getAsJsonObject();
    assertThat(detail.get("stackTrace").getAsString())
        .contains("IllegalArgumentException: multiple of three: 45")
        .contains("at io.celestialflow.dashboard.Graphs.check");
    assertThat(detail.get("taskJson").getAsString()).isEqualTo("45");
  }

  @Test
  void historyKeepsPointsForTheCharts() {
    TaskGraph g = graph(Graphs.numbers("history"));
    GraphRun run = dashboard.attach(g.newRun().keepOpen()).start();
    for (int i = 0; i < 5; i++) {
      run.inject("double", i);
    }
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> {
          JsonObject h = client.getJson("api/runs/" + run.runId() + "/history").getAsJsonObject();
          return h.getAsJsonArray("t").size() >= 3;
        });
    run.closeInputs();
    run.await();
    JsonObject h = client.getJson("api/runs/" + run.runId() + "/history").getAsJsonObject();
    assertThat(h.getAsJsonArray("stages")).hasSize(2);
    JsonArray completed = h.getAsJsonObject("completed").getAsJsonArray("double");
    assertThat(completed.size()).isEqualTo(h.getAsJsonArray("t").size());
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> {
          JsonArray c =
              client
                  .getJson("api/runs/" + run.runId() + "/history")
                  .getAsJsonObject()
                  .getAsJsonObject("completed")
                  .getAsJsonArray("double");
          return c.get(c.size() - 1).getAsLong() == 5;
        });
  }

  @Test
  void aRunStartedWithoutTheListenerCanBeTrackedLater() {
    TaskGraph g = graph(Graphs.numbers("tracked"));
    GraphRun run = g.newRun().keepOpen().start();
    dashboard.track(run);
    run.inject("double", 21);
    run.closeInputs();
    run.await();
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() ->
            client
                .getJson("api/runs/" + run.runId())
                .getAsJsonObject()
                .get("state")
                .getAsString()
                .equals("COMPLETED"));
    JsonObject status = client.getJson("api/runs/" + run.runId()).getAsJsonObject();
    assertThat(
            status.getAsJsonArray("stages").get(1).getAsJsonObject().get("succeeded").getAsLong())
        .isEqualTo(1);
  }

  @Test
  void unknownRunsFailuresAndBadParametersAreClear4xx() {
    GraphResult result = runNumbers("numbers", 3);
    Client.Response unknown = client.get("api/runs/no-such-run");
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.error()).contains("no run with id 'no-such-run'");
    assertThat(client.get("api/runs/no-such-run/events").status()).isEqualTo(404);
    Client.Response badPage = client.get("api/runs/" + result.runId() + "/failures?page=zero");
    assertThat(badPage.status()).isEqualTo(400);
    assertThat(badPage.error()).contains("page must be an integer");
    assertThat(client.get("api/runs/" + result.runId() + "/failures?page=0").error())
        .contains("page numbers start at 1");
    assertThat(client.get("api/runs/" + result.runId() + "/failures?size=100000").status())
        .isEqualTo(400);
    assertThat(client.get("api/runs/" + result.runId() + "/failures?from=yesterday").error())
        .contains("epoch milliseconds or an ISO-8601");
    assertThat(client.get("api/runs/" + result.runId() + "/failures/99").status()).isEqualTo(404);
    assertThat(client.get("api/runs/" + result.runId() + "/failures/x").status()).isEqualTo(400);
    assertThat(client.post("api/runs", "{}").status()).isEqualTo(405);
  }

  @Test
  void servesThePageWithStrictHeadersAndGzip() {
    Client.Response page = client.get("");
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.body()).contains("<title>CelestialFlow dashboard</title>");
    assertThat(page.headers().firstValue("Content-Security-Policy").orElseThrow())
        .contains("default-src 'self'")
        .contains("connect-src 'self'");
    assertThat(page.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
    Client.Response js =
        client.send(client.request("js/main.js").header("Accept-Encoding", "gzip").GET());
    assertThat(js.status()).isEqualTo(200);
    assertThat(js.headers().firstValue("Content-Encoding")).hasValue("gzip");
    assertThat(client.get("no/such/file.js").status()).isEqualTo(404);
    JsonElement info = client.getJson("api/info");
    assertThat(info.getAsJsonObject().get("readOnly").getAsBoolean()).isFalse();
  }
}
