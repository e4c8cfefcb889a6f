package io.celestialflow.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import io.celestialflow.GraphResult;
import io.celestialflow.GraphRun;
import io.celestialflow.StageStats;
import io.celestialflow.TaskGraph;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Task injection: JSON decoded with the stage's declared type, refused with the reason when it does
 * not fit, all or nothing per request, and every task still accounted for in the end.
 */
@Timeout(30)
class InjectionTest {
  private Dashboard dashboard;
  private Client client;
  private TaskGraph graph;

  @BeforeEach
  void start() {
    dashboard = Dashboard.start();
    client = new Client(dashboard);
  }

  @AfterEach
  void stop() {
    if (graph != null) {
      graph.close();
    }
    dashboard.close();
  }

  @Test
  void injectedTasksFlowThroughAndBadOnesAreRefusedWithTheReason() {
    graph = Graphs.points();
    GraphRun run =
        dashboard
            .attach(graph.newRun().keepOpen().input("points", List.of(new Graphs.Point(1, 1))))
            .start();
    String inject = "api/runs/" + run.runId() + "/inject";

    Client.Response one = client.post(inject, "{\"stage\":\"points\",\"task\":{\"x\":3,\"y\":4}}");
    assertThat(one.status()).as(one.body()).isEqualTo(200);
    assertThat(one.json().getAsJsonObject().get("message").getAsString())
        .isEqualTo("injected 1 task into stage 'points'");
    Client.Response many =
        client.post(
            inject, "{\"stage\":\"points\",\"tasks\":[{\"x\":1,\"y\":0},{\"x\":0,\"y\":2}]}");
    assertThat(many.status()).isEqualTo(200);
    assertThat(client.post(inject, "{\"stage\":\"norm\",\"task\":7}").status()).isEqualTo(200);

    assertRefused(
        inject,
        "{\"stage\":\"points\",\"task\":\"hello\"}",
        400,
        "the task does not fit stage 'points' (task type io.celestialflow.dashboard.Graphs$Point)");
    assertRefused(
        inject, "{\"stage\":\"points\",\"task\":{\"x\":1}}", 400, "missing field 'y' (int)");
    assertRefused(
        inject,
        "{\"stage\":\"points\",\"task\":{\"x\":1,\"y\":2,\"z\":3}}",
        400,
        "unknown field 'z'; expected [x, y]");
    assertRefused(
        inject,
        "{\"stage\":\"points\",\"task\":{\"x\":\"one\",\"y\":2}}",
        400,
        "does not fit stage 'points'");
    assertRefused(
        inject,
        "{\"stage\":\"norm\",\"task\":2.5}",
        400,
        "the task does not fit stage 'norm' (task type java.lang.Integer)");
    assertRefused(
        inject, "{\"stage\":\"norm\",\"tasks\":[1,2,\"three\"]}", 400, "task 3 of 3 does not fit");
    assertRefused(inject, "{\"stage\":\"norm\",\"task\":null}", 400, "the task is null");
    assertRefused(inject, "{\"stage\":\"norm\"}", 400, "give either \"task\"");
    assertRefused(inject, "{\"stage\":\"norm\",\"tasks\":[1,null]}", 400, "task 2 is null");
    assertRefused(inject, "{\"stage\":\"norm\",\"tasks\":[]}", 400, "\"tasks\" is empty");
    assertRefused(inject, "{\"stage\":\"norm\",\"tasks\":5}", 400, "\"tasks\" must be an array");
    assertRefused(inject, "{\"task\":5}", 400, "give the stage");
    assertRefused(inject, "{\"stage\":\"nowhere\",\"task\":5}", 404, "no stage named 'nowhere'");
    assertRefused(
        inject, "{\"stage\":\"untyped\",\"task\":\"x\"}", 400, "does not declare its task type");
    assertRefused(
        "api/runs/nope/inject", "{\"stage\":\"norm\",\"task\":1}", 404, "no run with id 'nope'");

    run.closeInputs();
    GraphResult result = run.await();
    assertThat(result.isCompleted()).isTrue();
    // 1 input + 1 + 2 injected into points; 4 from points + 1 injected into norm; nothing else
    StageStats points = result.stats("points");
    StageStats norm = result.stats("norm");
    assertThat(points.received()).isEqualTo(4);
    assertThat(points.succeeded()).isEqualTo(4);
    assertThat(norm.received()).isEqualTo(5);
    assertThat(norm.succeeded()).isEqualTo(5);
    assertThat(result.outputs("norm")).containsExactlyInAnyOrder(2, 25, 1, 4, 7);
    assertThat(result.failureCount()).isZero();
    assertThat(result.stats("untyped").received()).isZero();
  }

  private void assertRefused(String path, String body, int status, String reason) {
    Client.Response r = client.post(path, body);
    assertThat(r.status()).as(body + " -> " + r.body()).isEqualTo(status);
    assertThat(r.error()).as(body).contains(reason);
  }

  @Test
  void aRunThatIsNotKeptOpenSaysItTakesNoTasks() {
    graph = Graphs.numbers("closed");
    GraphResult done = dashboard.attach(graph.newRun().input("double", List.of(1))).run();
    Client.Response r =
        client.post("api/runs/" + done.runId() + "/inject", "{\"stage\":\"double\",\"task\":1}");
    assertThat(r.status()).isEqualTo(409);
    assertThat(r.error()).contains("the run takes no more tasks");
  }

  @Test
  void scriptPayloadsAreDataNotCode() {
    graph = Graphs.points();
    GraphRun run = dashboard.attach(graph.newRun().keepOpen()).start();
    Client.Response r =
        client.post(
            "api/runs/" + run.runId() + "/inject",
            "{\"stage\":\"points\",\"task\":{\"x\":\"<script>alert(1)</script>\",\"y\":1}}");
    assertThat(r.status()).isEqualTo(400);
    // the reason quotes nothing executable back as markup: Gson escapes < and > in JSON
    assertThat(r.body()).doesNotContain("<script>");
    run.closeInputs();
    assertThat(run.await().stats("points").received()).isZero();
  }
}
