package io.celestialflow.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import io.celestialflow.GraphRun;
import io.celestialflow.TaskGraph;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Server-Sent Events: status deltas, failures, the run's end, at the default interval. */
@Timeout(30)
class EventStreamTest {
  private Dashboard dashboard;
  private Client client;
  private TaskGraph graph;

  @BeforeEach
  void start() {
    dashboard = Dashboard.start(); // the default interval: 500 ms
    client = new Client(dashboard);
  }

  @AfterEach
  void stop() {
    if (graph != null) {
      graph.close();
    }
    dashboard.close();
  }

  private static long stage(JsonObject status, int i, String field) {
    return status.getAsJsonArray("stages").get(i).getAsJsonObject().get(field).getAsLong();
  }

  @Test
  void aStatusChangeReachesTheStreamWithinOneSecond() throws Exception {
    graph = Graphs.numbers("live");
    GraphRun run = dashboard.attach(graph.newRun().keepOpen()).start();
    try (EventStream events = new EventStream(client, "api/runs/" + run.runId() + "/events")) {
      assertThat(events.status).isEqualTo(200);
      JsonObject first = events.next("status", Duration.ofSeconds(2)).json();
      assertThat(stage(first, 0, "received")).isZero();

      for (int round = 1; round <= 3; round++) {
        long injected = System.nanoTime();
        run.inject("double", round);
        int expected = round;
        EventStream.Event seen;
        do {
          seen = events.next("status", Duration.ofSeconds(2));
        } while (stage(seen.json(), 1, "succeeded") < expected);
        long latencyMs = (seen.nanos() - injected) / 1_000_000;
        System.out.printf("status change to event stream, round %d: %d ms%n", round, latencyMs);
        assertThat(latencyMs).as("inject to event, round %d", round).isLessThanOrEqualTo(1000);
        JsonObject delta =
            seen.json().getAsJsonArray("stages").get(0).getAsJsonObject().getAsJsonObject("delta");
        assertThat(delta.get("received").getAsLong()).isBetween(0L, 1L);
      }
      run.closeInputs();
      JsonObject end = events.next("end", Duration.ofSeconds(5)).json();
      assertThat(end.get("state").getAsString()).isEqualTo("COMPLETED");
      assertThat(stage(end, 1, "succeeded")).isEqualTo(3);
    }
  }

  @Test
  void failuresArePushedWithTheNewestFailures() throws Exception {
    graph = Graphs.failing();
    GraphRun run = dashboard.attach(graph.newRun().keepOpen()).start();
    try (EventStream events = new EventStream(client, "api/runs/" + run.runId() + "/events")) {
      events.next("status", Duration.ofSeconds(2));
      run.inject("check", 3);
      run.inject("check", 10);
      JsonObject failures = events.next("failures", Duration.ofSeconds(3)).json();
      long count = failures.get("count").getAsLong();
      if (count < 2) {
        failures = events.next("failures", Duration.ofSeconds(3)).json();
      }
      assertThat(failures.get("count").getAsLong()).isEqualTo(2);
      assertThat(
              failures
                  .getAsJsonArray("latest")
                  .get(failures.getAsJsonArray("latest").size() - 1)
                  .getAsJsonObject()
                  .get("message")
                  .getAsString())
          .contains("multiple of");
      run.closeInputs();
      assertThat(events.next("end", Duration.ofSeconds(5)).json().get("failureCount").getAsLong())
          .isEqualTo(2);
    }
  }

  @Test
  void aStreamOfAnEndedRunSaysSoAtOnce() throws Exception {
    graph = Graphs.numbers("ended");
    var result = dashboard.attach(graph.newRun().input("double", List.of(1, 2))).run();
    try (EventStream events = new EventStream(client, "api/runs/" + result.runId() + "/events")) {
      assertThat(events.next("status", Duration.ofSeconds(2)).json().get("state").getAsString())
          .isIn("RUNNING", "COMPLETED");
      assertThat(events.next("end", Duration.ofSeconds(3)).json().get("state").getAsString())
          .isEqualTo("COMPLETED");
    }
  }

  @Test
  void aSlowerIntervalAskedByTheClientIsHonoured() throws Exception {
    graph = Graphs.numbers("slow");
    GraphRun run = dashboard.attach(graph.newRun().keepOpen()).start();
    try (EventStream events =
        new EventStream(client, "api/runs/" + run.runId() + "/events?interval=1500")) {
      long a = events.next("status", Duration.ofSeconds(2)).nanos();
      long b = events.next("status", Duration.ofSeconds(4)).nanos();
      assertThat((b - a) / 1_000_000).isGreaterThanOrEqualTo(1300);
    } finally {
      run.closeInputs();
      run.await();
    }
  }
}
